package io.krustlet.core;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.RuntimeInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A provider for core tests that "runs" containers by their argv: {@code print TEXT},
 * {@code exit N}, {@code block} (until stopped). A module file whose bytes are not wasm fails to start.
 */
final class ScriptedRuntime implements ContainerRuntime {

    final List<ContainerSpec> started = new CopyOnWriteArrayList<>();
    private final java.util.Map<String, CompletableFuture<ContainerExit>> running =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Ends a blocking container as if its module exited with {@code code}. */
    void finish(String pod, String container, int code) {
        running.remove(pod + "/" + container).complete(ContainerExit.of(code, "", Instant.now()));
    }

    @Override
    public RuntimeInfo info() {
        return new RuntimeInfo("wasi", "wasm32-wasi", "scripted", "1");
    }

    @Override
    public ContainerHandle start(ContainerSpec spec, ContainerOutput output) throws ContainerStartException {
        try {
            byte[] head = java.nio.file.Files.readAllBytes(spec.module().file());
            if (head.length < 4 || head[0] != 0 || head[1] != 'a' || head[2] != 's' || head[3] != 'm') {
                throw new ContainerStartException(ContainerStartException.INVALID_MODULE,
                        "image " + spec.module().image() + " is not a WebAssembly module");
            }
        } catch (IOException e) {
            throw new ContainerStartException(ContainerStartException.CREATE_CONTAINER_ERROR, e.toString());
        }
        started.add(spec);
        CompletableFuture<ContainerExit> exit = new CompletableFuture<>();
        List<String> argv = spec.argv();
        int code = 0;
        boolean block = false;
        try {
            for (int i = 1; i < argv.size(); i++) {
                switch (argv.get(i)) {
                    case "print" -> output.stdout().write((argv.get(++i) + "\n").getBytes(StandardCharsets.UTF_8));
                    case "exit" -> code = Integer.parseInt(argv.get(++i));
                    case "block" -> block = true;
                    default -> { }
                }
            }
        } catch (IOException e) {
            code = 1;
        }
        if (!block) {
            exit.complete(ContainerExit.of(code, "", Instant.now()));
        } else {
            running.put(spec.id().pod() + "/" + spec.id().container(), exit);
        }
        return new ContainerHandle() {
            @Override
            public CompletionStage<ContainerExit> exit() {
                return exit;
            }

            @Override
            public void stop(Duration gracePeriod) {
                exit.complete(new ContainerExit(137, ContainerExit.ERROR, "stopped", Instant.now()));
            }

            @Override
            public java.util.Optional<io.krustlet.api.ContainerUsage> usage() {
                // a fixed figure the tests can recognise: 42 ns of CPU, 1 MiB of memory
                return exit.isDone() ? java.util.Optional.empty()
                        : java.util.Optional.of(new io.krustlet.api.ContainerUsage(Instant.now(), 42, 1 << 20));
            }
        };
    }
}
