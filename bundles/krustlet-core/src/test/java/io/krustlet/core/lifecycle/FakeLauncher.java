package io.krustlet.core.lifecycle;

import io.krustlet.core.pod.LaunchException;
import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.PodDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Records launches; the test decides when and how each container exits. */
final class FakeLauncher implements ContainerLauncher {

    /** One started container. */
    static final class Started implements ContainerHandle {
        final String container;
        final int attempt;
        final ContainerRuntime runtime;
        final CompletableFuture<ContainerExit> exit = new CompletableFuture<>();
        Duration stopRequested;
        /** Thrown by {@link #stop} when set: a provider whose bundle went away. */
        Error stopFailure;

        Started(String container, int attempt, ContainerRuntime runtime) {
            this.container = container;
            this.attempt = attempt;
            this.runtime = runtime;
        }

        @Override
        public CompletionStage<ContainerExit> exit() {
            return exit;
        }

        @Override
        public void stop(Duration gracePeriod) {
            if (stopFailure != null) {
                throw stopFailure;
            }
            stopRequested = gracePeriod;
        }

        void exit(int code, Instant at) {
            exit.complete(ContainerExit.of(code, code == 0 ? "" : "failed", at));
        }
    }

    final List<Started> started = new ArrayList<>();
    final Map<String, LaunchException> failures = new HashMap<>();

    @Override
    public synchronized Launch launch(PodDefinition pod, ContainerDefinition container, int attempt,
            ContainerRuntime runtime) throws LaunchException {
        LaunchException failure = failures.get(container.name());
        if (failure != null) {
            throw failure;
        }
        Started s = new Started(container.name(), attempt, runtime);
        started.add(s);
        return new Launch() {
            @Override
            public ContainerHandle handle() {
                return s;
            }

            @Override
            public String imageId() {
                return "sha256:" + container.name();
            }

            @Override
            public String finish() {
                return "";
            }
        };
    }

    synchronized List<String> names() {
        return started.stream().map(s -> s.container + "#" + s.attempt).toList();
    }

    synchronized Started last(String container) {
        for (int i = started.size() - 1; i >= 0; i--) {
            if (started.get(i).container.equals(container)) {
                return started.get(i);
            }
        }
        throw new AssertionError("container " + container + " was never started; started: " + names());
    }
}
