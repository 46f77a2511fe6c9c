package io.krustlet.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerUsage;
import io.krustlet.api.ResourceLimits;
import io.krustlet.api.RuntimeInfo;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.RestartPolicy;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The node's pods looked up by namespace and name, as the stats and logs endpoints do. */
class PodWorkersTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

    /** A container that reports its pod's uid as its CPU time, so a lookup shows whose usage it found. */
    private static final class Handle implements ContainerHandle {
        final CompletableFuture<ContainerExit> exit = new CompletableFuture<>();
        final long cpu;

        Handle(long cpu) {
            this.cpu = cpu;
        }

        @Override
        public CompletionStage<ContainerExit> exit() {
            return exit;
        }

        @Override
        public void stop(Duration gracePeriod) {
        }

        @Override
        public Optional<ContainerUsage> usage() {
            return Optional.of(new ContainerUsage(AT, cpu, 131072));
        }
    }

    private final Map<String, Handle> handles = new ConcurrentHashMap<>();
    private final ContainerLauncher launcher = (pod, container, attempt, runtime) -> {
        Handle handle = new Handle(Long.parseLong(pod.uid()));
        handles.put(pod.uid(), handle);
        return new ContainerLauncher.Launch() {
            @Override
            public ContainerHandle handle() {
                return handle;
            }

            @Override
            public String imageId() {
                return "sha256:main";
            }

            @Override
            public String finish() {
                return "";
            }
        };
    };
    private final ContainerRuntime provider = new ContainerRuntime() {
        @Override
        public RuntimeInfo info() {
            return new RuntimeInfo("wasi", "wasm32-wasi", "test", "1");
        }

        @Override
        public ContainerHandle start(io.krustlet.api.ContainerSpec spec, io.krustlet.api.ContainerOutput output) {
            throw new UnsupportedOperationException("the test's launcher starts containers");
        }
    };
    private final ManualTimers timers = new ManualTimers();
    private final PodWorkers workers = new PodWorkers((pod, prior, publisher) -> new PodWorker(pod, "wasi", prior,
            new WorkerServices(timers, name -> Optional.of(provider), launcher, Runnable::run, PodEvents.NONE),
            publisher));

    private static PodDefinition pod(String namespace, String name, String uid) {
        return new PodDefinition(namespace, name, uid, "file", null, RestartPolicy.Never, Duration.ofSeconds(30),
                List.of(), List.of(new ContainerDefinition("main", "fs/sleep.wasm", null, List.of(), List.of(), Map.of(),
                        null, List.of(), ResourceLimits.NONE)),
                List.of(), Map.of(), Map.of(), null, "node1", List.of(), null);
    }

    private Optional<Long> cpu(String namespace, String name) {
        return workers.usage(namespace, name, "main").map(ContainerUsage::cpuNanos);
    }

    @Test
    void eachContainersUsageIsFoundByItsPodsNamespaceAndName() {
        for (int i = 1; i <= 50; i++) {
            workers.add(pod(i % 2 == 0 ? "default" : "other", "sleeper-" + i, String.valueOf(i)));
        }

        for (int i = 1; i <= 50; i++) {
            assertThat(cpu(i % 2 == 0 ? "default" : "other", "sleeper-" + i)).contains((long) i);
            assertThat(cpu(i % 2 == 0 ? "other" : "default", "sleeper-" + i)).as("same name, other namespace").isEmpty();
        }
        assertThat(workers.usage("default", "sleeper-2", "sidecar")).as("no such container").isEmpty();
        assertThat(cpu("default", "sleeper-51")).isEmpty();
        assertThat(workers.definition("other", "sleeper-7")).map(PodDefinition::uid).contains("7");
        assertThat(workers.find("default", "sleeper-8")).map(PodSnapshot::uid).contains("8");
    }

    @Test
    void aRemovedPodIsFoundWhileItStopsAndNotOnceItIsForgotten() {
        workers.add(pod("default", "web", "1"));
        workers.add(pod("default", "db", "2"));

        workers.remove("1", Duration.ofSeconds(30));
        assertThat(workers.definition("default", "web")).as("no longer run").isEmpty();
        assertThat(workers.find("default", "web")).as("being stopped").map(PodSnapshot::uid).contains("1");

        handles.get("1").exit.complete(ContainerExit.of(137, "stopped", AT));
        assertThat(workers.find("default", "web")).isEmpty();
        assertThat(cpu("default", "web")).isEmpty();
        assertThat(cpu("default", "db")).as("the other pod untouched").contains(2L);
    }

    @Test
    void aPodThatReplacesOneOfTheSameNameIsFoundOnceTheOldOneHasStopped() {
        workers.add(pod("default", "web", "1"));
        workers.reconcile("file", List.of(pod("default", "web", "2")));
        assertThat(workers.find("default", "web")).as("the old one, stopping").map(PodSnapshot::uid).contains("1");
        assertThat(cpu("default", "web")).as("the new one waits for the old one").isEmpty();

        handles.get("1").exit.complete(ContainerExit.of(137, "stopped", AT));
        assertThat(workers.find("default", "web")).map(PodSnapshot::uid).contains("2");
        assertThat(workers.find("default", "web").map(p -> p.status().phase())).contains(PodPhase.Running);
        assertThat(cpu("default", "web")).contains(2L);
    }
}
