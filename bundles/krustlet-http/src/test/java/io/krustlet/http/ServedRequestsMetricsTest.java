package io.krustlet.http;

import static io.krustlet.http.FakeKubeletPods.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.api.ContainerUsage;
import io.krustlet.api.RequestStats;
import io.krustlet.core.status.PodPhase;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} shows what serving containers report through {@code ContainerUsage.requests()}. */
class ServedRequestsMetricsTest {

    @TempDir
    Path dir;
    private RunningServer server;
    private FakeKubeletPods pods;
    private HttpClient admin;

    @BeforeEach
    void start() throws Exception {
        pods = new FakeKubeletPods("node-1", dir);
        server = RunningServer.start(dir, pods, new TestPki("ca"), TestHttpConfig.defaults(), Map.of());
        admin = server.client(server.pki.client("CN=prometheus,O=system:monitoring"));
        pods.put("default", "web", PodPhase.Running, running("handler", 0, Instant.parse("2026-01-01T10:00:05Z")));
        pods.put("default", "batch", PodPhase.Running, running("main", 0, Instant.parse("2026-01-01T10:00:05Z")));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void requestCountersAndDurationHistogramsPerPodAndStatusClass() throws Exception {
        var stats = new RequestStats(2, List.of(0.01, 0.1, 1.0), Map.of(
                "2xx", new RequestStats.Durations(10, 0.25, List.of(7L, 9L, 10L)),
                "5xx", new RequestStats.Durations(1, 2.5, List.of(0L, 0L, 0L))));
        pods.usage("default", "web", "handler", new ContainerUsage(Instant.now(), 1_000_000, 1 << 20, stats));
        pods.usage("default", "batch", "main", new ContainerUsage(Instant.now(), 1_000_000, 1 << 20));

        String text = server.get(admin, "/metrics").body();

        String web = "namespace=\"default\",pod=\"web\",container=\"handler\"";
        assertThat(text)
                .contains("# TYPE krustlet_container_http_requests_total counter\n")
                .contains("krustlet_container_http_requests_total{" + web + ",status_class=\"2xx\"} 10\n")
                .contains("krustlet_container_http_requests_total{" + web + ",status_class=\"5xx\"} 1\n")
                .contains("# TYPE krustlet_container_http_request_duration_seconds histogram\n")
                .contains("krustlet_container_http_request_duration_seconds_bucket{" + web
                        + ",status_class=\"2xx\",le=\"0.01\"} 7\n")
                .contains("krustlet_container_http_request_duration_seconds_bucket{" + web
                        + ",status_class=\"2xx\",le=\"1\"} 10\n")
                .contains("krustlet_container_http_request_duration_seconds_bucket{" + web
                        + ",status_class=\"5xx\",le=\"+Inf\"} 1\n")
                .contains("krustlet_container_http_request_duration_seconds_sum{" + web + ",status_class=\"2xx\"} 0.25\n")
                .contains("krustlet_container_http_request_duration_seconds_count{" + web + ",status_class=\"5xx\"} 1\n")
                .contains("krustlet_container_http_requests_in_flight{" + web + "} 2\n")
                .doesNotContain("pod=\"batch\""); // serves no requests: no series
        assertThat(stats.served()).isEqualTo(11);
    }
}
