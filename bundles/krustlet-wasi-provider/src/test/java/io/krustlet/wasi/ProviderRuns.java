package io.krustlet.wasi;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerId;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ModuleRef;
import io.krustlet.api.Mount;
import io.krustlet.api.ResourceLimits;
import java.io.ByteArrayOutputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs modules through a real {@link WasiRuntime}, as the kubelet does; for the provider's tests. */
final class ProviderRuns implements AutoCloseable {

    private final List<WasiRuntime> runtimes = new ArrayList<>();

    WasiRuntime runtime(String engine) {
        var runtime = new WasiRuntime(new WasiConfig() {
            public Class<? extends Annotation> annotationType() {
                return WasiConfig.class;
            }

            public String engine() {
                return engine;
            }

            public int maxCachedModules() {
                return 8;
            }
        });
        runtimes.add(runtime);
        return runtime;
    }

    @Override
    public void close() {
        runtimes.forEach(WasiRuntime::deactivate);
    }

    /** A container run and its output. */
    record Run(ContainerHandle handle, ByteArrayOutputStream stdout, ByteArrayOutputStream stderr) {
        ContainerExit await() throws Exception {
            return handle.exit().toCompletableFuture().get(120, TimeUnit.SECONDS);
        }

        String out() {
            return stdout.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    static ModuleRef module(Path file) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        return new ModuleRef("fs/" + file.getFileName(), file, "sha256:" + HexFormat.of().formatHex(digest));
    }

    static Run run(WasiRuntime runtime, Path module, List<String> args, List<Mount> mounts,
            Map<String, String> annotations) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add("main");
        argv.addAll(args);
        var spec = new ContainerSpec(new ContainerId("ns", "pod", "uid", "main", 0), module(module), argv, Map.of(),
                mounts, null, ResourceLimits.NONE, List.of(), annotations, "127.0.0.1");
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        return new Run(runtime.start(spec, new ContainerOutput(out, err)), out, err);
    }

    static Run run(WasiRuntime runtime, Path module, List<String> args, List<Mount> mounts) throws Exception {
        return run(runtime, module, args, mounts, Map.of());
    }
}
