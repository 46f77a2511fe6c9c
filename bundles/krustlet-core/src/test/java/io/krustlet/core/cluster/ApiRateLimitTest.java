package io.krustlet.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.krustlet.testapiserver.MockApiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kubeAPIQPS and kubeAPIBurst: a token bucket in front of every request the node sends. */
class ApiRateLimitTest {

    @TempDir
    Path dir;

    /** Time the test moves: a wait moves it on, as if the thread had slept. */
    private static final class FakeTime implements ApiRateLimit.TimeSource {
        long now = 1_000_000_000L;
        final List<Long> waits = new ArrayList<>();

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            waits.add(nanos);
            now += nanos;
        }
    }

    @Test
    void aBurstGoesAtOnceThenRequestsFollowAtTheRate() {
        var time = new FakeTime();
        var limit = new ApiRateLimit(10, 3, time);

        assertThat(List.of(limit.reserve(), limit.reserve(), limit.reserve())).containsOnly(0L);
        assertThat(limit.reserve()).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(limit.reserve()).isEqualTo(Duration.ofMillis(200).toNanos());

        time.now += Duration.ofSeconds(10).toNanos(); // a quiet time refills the bucket, up to the burst only
        assertThat(List.of(limit.reserve(), limit.reserve(), limit.reserve())).containsOnly(0L);
        assertThat(limit.reserve()).isPositive();
    }

    @Test
    void settingsOutsideTheirRangeAreRefused() {
        assertThatThrownBy(() -> new ApiRateLimit(0, 10, new FakeTime())).hasMessageContaining("kubeAPIQPS");
        assertThatThrownBy(() -> new ApiRateLimit(5, 0, new FakeTime())).hasMessageContaining("kubeAPIBurst");
    }

    @Test
    void theNodesClientKeepsToTheLimitButEventsDoNotCount() throws Exception {
        try (var api = MockApiServer.start();
                var client = ClusterNode.connect(api.writeKubeconfig(dir.resolve("kubeconfig")), 5, 5);
                var threads = new AutoCloseableExecutor(10)) {
            List<Callable<Object>> events = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                events.add(() -> client.v1().events().inNamespace("default").list());
            }
            long started = System.nanoTime();
            threads.invokeAll(events);
            Duration eventsTook = Duration.ofNanos(System.nanoTime() - started);

            List<Callable<Object>> reads = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                reads.add(() -> client.pods().inNamespace("default").list());
            }
            started = System.nanoTime();
            threads.invokeAll(reads);
            Duration readsTook = Duration.ofNanos(System.nanoTime() - started);

            // 5 at once, the other 10 at 5 per second: at least 2 s, however fast the machine
            assertThat(readsTook).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            assertThat(eventsTook).as("20 Event requests, not limited").isLessThan(readsTook);
            assertThat(api.requests().stream().filter(r -> r.startsWith("GET /api/v1/namespaces/default/pods")))
                    .hasSize(15);
        }
    }

    private static final class AutoCloseableExecutor implements AutoCloseable {
        private final java.util.concurrent.ExecutorService executor;

        AutoCloseableExecutor(int threads) {
            executor = Executors.newFixedThreadPool(threads);
        }

        void invokeAll(List<Callable<Object>> tasks) throws Exception {
            for (var future : executor.invokeAll(tasks)) {
                future.get();
            }
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }
}
