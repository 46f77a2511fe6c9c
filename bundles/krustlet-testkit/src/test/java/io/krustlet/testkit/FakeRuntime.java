package io.krustlet.testkit;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.ContainerUsage;
import io.krustlet.api.RuntimeInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A small provider for testing the contract itself: correct with {@link Defect#NONE}, and broken
 * in one known way with any other defect. Its argv after {@code argv[0]}: {@code exit N},
 * {@code print OUT ERR}, {@code run}, {@code ignore}, {@code alloc BYTES}; anything else does not start.
 */
final class FakeRuntime implements ContainerRuntime {

    enum Defect {
        NONE, CLOSES_STREAMS, BLOCKING_STOP, NEVER_KILLS, IGNORES_STOP, LEAKS_THREADS, KEEPS_RUNNING_AFTER_DEACTIVATION,
        WRONG_REASON, USAGE_AFTER_EXIT, START_FAILS_WITH_RUNTIME_EXCEPTION, OUTPUT_AFTER_EXIT
    }

    private final Defect defect;
    private final Set<Container> running = ConcurrentHashMap.newKeySet();
    private final CountDownLatch leaked = new CountDownLatch(1);
    private volatile boolean closed;

    FakeRuntime(Defect defect) {
        this.defect = defect;
    }

    @Override
    public RuntimeInfo info() {
        return new RuntimeInfo("fake", "wasm32-wasi", "fake", "1.0");
    }

    @Override
    public ContainerHandle start(ContainerSpec spec, ContainerOutput output) throws ContainerStartException {
        if (closed) {
            throw new ContainerStartException(ContainerStartException.CREATE_CONTAINER_ERROR, "deactivated");
        }
        List<String> args = spec.argv().subList(1, spec.argv().size());
        if (args.isEmpty() || !List.of("exit", "print", "run", "ignore", "alloc").contains(args.get(0))) {
            if (defect == Defect.START_FAILS_WITH_RUNTIME_EXCEPTION) {
                throw new IllegalStateException("cannot start " + args);
            }
            throw new ContainerStartException(ContainerStartException.INVALID_MODULE, "cannot start " + args);
        }
        var container = new Container(spec, args, output);
        running.add(container);
        container.exit.whenComplete((e, t) -> running.remove(container));
        container.thread.start();
        return container;
    }

    void deactivate() {
        closed = true;
        if (defect != Defect.KEEPS_RUNNING_AFTER_DEACTIVATION) {
            running.forEach(c -> c.kill());
        }
        if (defect == Defect.LEAKS_THREADS) {
            Thread leak = new Thread(() -> {
                try {
                    leaked.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "fake-leak");
            leak.setDaemon(true);
            leak.start();
        }
    }

    /** Ends what a defective run left behind, so one self-test does not disturb the next. */
    void cleanUp() {
        running.forEach(Container::kill);
        leaked.countDown();
    }

    private final class Container implements ContainerHandle {
        final CompletableFuture<ContainerExit> exit = new CompletableFuture<>();
        final Thread thread;
        private final ContainerSpec spec;
        private final List<String> args;
        private final ContainerOutput output;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private final CountDownLatch killed = new CountDownLatch(1);

        Container(ContainerSpec spec, List<String> args, ContainerOutput output) {
            this.spec = spec;
            this.args = args;
            this.output = output;
            this.thread = new Thread(this::run, "fake-" + spec.id());
            this.thread.setDaemon(true);
        }

        private void run() {
            try {
                exit.complete(execute());
                if (defect == Defect.OUTPUT_AFTER_EXIT) {
                    output.stdout().write("late\n".getBytes(StandardCharsets.UTF_8));
                }
                if (defect == Defect.CLOSES_STREAMS) {
                    output.stdout().close();
                    output.stderr().close();
                }
            } catch (IOException | InterruptedException e) {
                exit.complete(new ContainerExit(1, ContainerExit.ERROR, e.toString(), Instant.now()));
            }
        }

        private ContainerExit execute() throws IOException, InterruptedException {
            switch (args.get(0)) {
                case "exit" -> {
                    int code = Integer.parseInt(args.get(1));
                    return defect == Defect.WRONG_REASON ? new ContainerExit(code, ContainerExit.COMPLETED, "", Instant.now())
                            : ContainerExit.of(code, "", Instant.now());
                }
                case "print" -> {
                    output.stdout().write((args.get(1) + "\n").getBytes(StandardCharsets.UTF_8));
                    output.stderr().write((args.get(2) + "\n").getBytes(StandardCharsets.UTF_8));
                    return ContainerExit.of(0, "", Instant.now());
                }
                case "alloc" -> {
                    long limit = spec.limits().memoryBytes();
                    return limit > 0 && Long.parseLong(args.get(1)) > limit
                            ? new ContainerExit(137, ContainerExit.OOM_KILLED, "", Instant.now())
                            : ContainerExit.of(0, "", Instant.now());
                }
                case "run" -> stopped.await();
                default -> killed.await(); // "ignore"
            }
            return new ContainerExit(137, ContainerExit.ERROR, "stopped", Instant.now());
        }

        void kill() {
            stopped.countDown();
            killed.countDown();
        }

        @Override
        public CompletionStage<ContainerExit> exit() {
            return exit;
        }

        @Override
        public void stop(Duration gracePeriod) {
            if (defect == Defect.IGNORES_STOP) {
                return;
            }
            stopped.countDown();
            if (defect != Defect.NEVER_KILLS) {
                CompletableFuture.delayedExecutor(gracePeriod.toMillis(), TimeUnit.MILLISECONDS).execute(killed::countDown);
            }
            if (defect == Defect.BLOCKING_STOP) {
                exit.join();
            }
        }

        @Override
        public Optional<ContainerUsage> usage() {
            return exit.isDone() && defect != Defect.USAGE_AFTER_EXIT ? Optional.empty()
                    : Optional.of(new ContainerUsage(Instant.now(), 0, 4096));
        }
    }
}
