package io.krustlet.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ResourceLimits;
import io.krustlet.api.RuntimeInfo;
import io.krustlet.core.logs.ContainerLogs;
import io.krustlet.core.modules.LocalModuleResolver;
import io.krustlet.core.pod.ApiObjects;
import io.krustlet.core.pod.ApiUnavailableException;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.NodeInfo;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.RestartPolicy;
import io.krustlet.core.pod.ServiceAccountToken;
import io.krustlet.core.pod.VolumeDefinition;
import io.krustlet.core.pod.VolumeSource;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.Reasons;
import io.krustlet.core.volumes.VolumeManager;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod whose launch hangs (here: its configMap volume waits on an API server that never
 * answers) stops at once when it is deleted: the launch is cancelled, not waited for. The real
 * launcher and volume manager, on a real launch thread.
 */
class LaunchCancellationTest {

    @TempDir
    Path dir;

    private final ExecutorService launches = Executors.newCachedThreadPool();
    private final ScheduledExecutorService volumeTimers = Executors.newSingleThreadScheduledExecutor();
    private final List<PodSnapshot> published = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        launches.shutdownNow();
        volumeTimers.shutdownNow();
    }

    /** An API server that takes the request and never answers; it notices when the caller gives up. */
    private static final class HangingApi implements ApiObjects {
        final CountDownLatch asked = new CountDownLatch(1);
        final AtomicBoolean interrupted = new AtomicBoolean();

        @Override
        public Optional<ConfigMap> configMap(String namespace, String name) throws ApiUnavailableException {
            asked.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                Thread.currentThread().interrupt();
            }
            throw new ApiUnavailableException("interrupted while getting configMap " + name);
        }

        @Override
        public Optional<Secret> secret(String namespace, String name) {
            return Optional.empty();
        }

        @Override
        public ServiceAccountToken serviceAccountToken(String namespace, String serviceAccount, List<String> audiences,
                long expirationSeconds, String podName, String podUid) throws ApiUnavailableException {
            throw new ApiUnavailableException("no tokens here");
        }
    }

    private static final ContainerRuntime PROVIDER = new ContainerRuntime() {
        @Override
        public RuntimeInfo info() {
            return new RuntimeInfo("wasi", "wasm32-wasi", "none", "0");
        }

        @Override
        public io.krustlet.api.ContainerHandle start(io.krustlet.api.ContainerSpec spec,
                io.krustlet.api.ContainerOutput output) {
            throw new AssertionError("a cancelled launch must never reach the provider");
        }
    };

    @Test
    void deletingAPodWhoseLaunchWaitsOnAConfigMapCancelsTheLaunch() throws Exception {
        HangingApi api = new HangingApi();
        var node = new NodeInfo("10.0.0.1", 2000, 1L << 30);
        var volumes = new VolumeManager(dir.resolve("pods"), api, node, volumeTimers, Clock.systemUTC());
        var launcher = new RuntimeContainerLauncher(new io.krustlet.core.modules.ImageModuleResolver(
                new LocalModuleResolver(true, dir), () -> null), volumes,
                new ContainerLogs(dir.resolve("logs"), 1 << 20, 2), api, node);
        var container = new ContainerDefinition("main", "fs/app.wasm", null, List.of(), List.of(), Map.of(), null,
                List.of(new ContainerDefinition.VolumeMount("config", "/config", null, true)), ResourceLimits.NONE);
        var pod = new PodDefinition("default", "stuck", "uid-stuck", "api", null, RestartPolicy.Always,
                Duration.ofSeconds(30), List.of(), List.of(container),
                List.of(new VolumeDefinition("config", new VolumeSource.ConfigMap("settings", List.of(), 0644, false))),
                Map.of());
        var worker = new PodWorker(pod, "wasi", null, new WorkerServices(new SystemTimers(),
                runtime -> Optional.of(PROVIDER), launcher, launches, PodEvents.NONE), published::add);
        worker.start();
        assertThat(api.asked.await(10, TimeUnit.SECONDS)).as("the launch reached the API server").isTrue();
        assertThat(((ContainerState.Waiting) worker.snapshot().status().containerStatuses().get(0).state()).reason())
                .isEqualTo(Reasons.CONTAINER_CREATING);

        long stopAt = System.nanoTime();
        worker.stop(Duration.ofSeconds(30)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        long tookMillis = (System.nanoTime() - stopAt) / 1_000_000;

        assertThat(tookMillis).as("the stop did not wait for the hanging launch").isLessThan(2_000);
        assertThat(api.interrupted).as("the launch thread was interrupted").isTrue();
        assertThat(worker.isStopped()).isTrue();
        assertThat(published).as("never ran").noneMatch(p -> p.status().containerStatuses().get(0).state()
                instanceof ContainerState.Running);
    }
}
