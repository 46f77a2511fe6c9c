package io.krustlet.http;

import static io.krustlet.http.FakeKubeletPods.running;
import static io.krustlet.http.FakeKubeletPods.terminated;
import static io.krustlet.http.FakeKubeletPods.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.krustlet.core.status.PodPhase;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointsTest {

    private static final Instant STARTED = Instant.parse("2026-01-01T10:00:05Z");

    @TempDir
    Path dir;
    private RunningServer server;
    private FakeKubeletPods pods;
    private HttpClient admin;
    private final KubernetesSerialization json = new KubernetesSerialization();

    @BeforeEach
    void start() throws Exception {
        pods = new FakeKubeletPods("node-1", dir);
        server = RunningServer.start(dir, pods, new TestPki("ca"), TestHttpConfig.defaults(), Map.of());
        admin = server.client(server.pki.client("CN=metrics-server,O=system:monitoring"));
        // the listener sees the pods arrive, as it would in a running node
        pods.put("default", "hello", PodPhase.Pending, waiting("main", "ContainerCreating"));
        pods.put("default", "hello", PodPhase.Running, running("main", 0, STARTED));
        pods.put("kube-system", "done", PodPhase.Succeeded, terminated("job", 0, 0));
        pods.put("default", "broken", PodPhase.Pending, waiting("main", "ErrImagePull"));
        pods.put("default", "broken", PodPhase.Pending, waiting("main", "ErrImagePull"));
        pods.put("default", "broken", PodPhase.Pending, waiting("main", "ImagePullBackOff"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void podsIsAV1PodList() throws Exception {
        var response = server.get(admin, "/pods");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        PodList list = json.unmarshal(response.body(), PodList.class);
        assertThat(list.getKind()).isEqualTo("PodList");
        assertThat(list.getItems()).extracting(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName())
                .containsExactly("default/broken", "default/hello", "kube-system/done");
        var hello = list.getItems().get(1);
        assertThat(hello.getSpec().getNodeName()).isEqualTo("node-1");
        assertThat(hello.getSpec().getContainers()).singleElement().satisfies(c -> {
            assertThat(c.getName()).isEqualTo("main");
            assertThat(c.getImage()).isEqualTo("fs/main.wasm");
        });
        assertThat(hello.getStatus().getPhase()).isEqualTo("Running");
        assertThat(hello.getStatus().getContainerStatuses().get(0).getState().getRunning().getStartedAt())
                .isEqualTo("2026-01-01T10:00:05Z");
        assertThat(list.getItems().get(0).getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason())
                .isEqualTo("ImagePullBackOff");
        assertThat(list.getItems().get(2).getStatus().getContainerStatuses().get(0).getState().getTerminated()
                .getExitCode()).isZero();
    }

    @Test
    void runningPodsListsOnlyRunningOnes() throws Exception {
        PodList list = json.unmarshal(server.get(admin, "/runningpods/").body(), PodList.class);
        assertThat(list.getItems()).singleElement().satisfies(p -> {
            assertThat(p.getMetadata().getName()).isEqualTo("hello");
            assertThat(p.getMetadata().getUid()).isNotEmpty();
            assertThat(p.getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("main");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void statsSummaryHasTheNodeAndThePods() throws Exception {
        Map<String, Object> summary = json.unmarshal(server.get(admin, "/stats/summary").body(), Map.class);
        Map<String, Object> node = (Map<String, Object>) summary.get("node");
        assertThat(node.get("nodeName")).isEqualTo("node-1");
        assertThat(((Number) ((Map<String, Object>) node.get("cpu")).get("usageCoreNanoSeconds")).longValue())
                .isPositive();
        assertThat(((Number) ((Map<String, Object>) node.get("memory")).get("workingSetBytes")).longValue()).isPositive();
        var pods = (java.util.List<Map<String, Object>>) summary.get("pods");
        assertThat(pods).hasSize(3);
        var hello = pods.stream().filter(p -> ((Map<String, Object>) p.get("podRef")).get("name").equals("hello"))
                .findFirst().orElseThrow();
        assertThat((java.util.List<Map<String, Object>>) hello.get("containers")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("name", "main").containsEntry("startTime", "2026-01-01T10:00:05Z")
                        .doesNotContainKeys("cpu", "memory"));
        assertThat(hello).as("not measured: unknown, not zero").doesNotContainKeys("cpu", "memory");
    }

    @Test
    @SuppressWarnings("unchecked")
    void statsSummaryReportsWhatTheProviderMeasured() throws Exception {
        pods.usage("default", "hello", "main", new io.krustlet.api.ContainerUsage(
                Instant.parse("2026-01-01T10:01:00Z"), 2_500_000_000L, 8L << 20));
        Map<String, Object> summary = json.unmarshal(server.get(admin, "/stats/summary").body(), Map.class);
        var hello = ((java.util.List<Map<String, Object>>) summary.get("pods")).stream()
                .filter(p -> ((Map<String, Object>) p.get("podRef")).get("name").equals("hello")).findFirst().orElseThrow();
        var container = ((java.util.List<Map<String, Object>>) hello.get("containers")).get(0);
        assertThat(((Number) ((Map<String, Object>) container.get("cpu")).get("usageCoreNanoSeconds")).longValue())
                .isEqualTo(2_500_000_000L);
        assertThat(((Number) ((Map<String, Object>) container.get("memory")).get("workingSetBytes")).longValue())
                .isEqualTo(8L << 20);
        assertThat(((Number) ((Map<String, Object>) hello.get("memory")).get("workingSetBytes")).longValue())
                .isEqualTo(8L << 20);

        String text = server.get(admin, "/metrics/resource").body();
        assertThat(text)
                .contains("container_cpu_usage_seconds_total{container=\"main\",namespace=\"default\",pod=\"hello\"} 2.5 ")
                .contains("container_memory_working_set_bytes{container=\"main\",namespace=\"default\",pod=\"hello\"} 8388608 ")
                .contains("pod_cpu_usage_seconds_total{namespace=\"default\",pod=\"hello\"} 2.5 ")
                .contains("pod_memory_working_set_bytes{namespace=\"default\",pod=\"hello\"} 8388608 ");
    }

    @Test
    void resourceMetricsForMetricsServer() throws Exception {
        var response = server.get(admin, "/metrics/resource");
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        String text = response.body();
        assertThat(text).contains("# TYPE node_cpu_usage_seconds_total counter\nnode_cpu_usage_seconds_total ")
                .contains("# TYPE node_memory_working_set_bytes gauge\nnode_memory_working_set_bytes ")
                .contains("container_start_time_seconds{container=\"main\",namespace=\"default\",pod=\"hello\"} 1767261605 ")
                .contains("# TYPE container_cpu_usage_seconds_total counter")
                .contains("# TYPE container_memory_working_set_bytes gauge")
                .contains("\nresource_scrape_error 0\n")
                .doesNotContain("container_cpu_usage_seconds_total{");
    }

    @Test
    void kubeletMetricsCountFromStatusEvents() throws Exception {
        String text = server.get(admin, "/metrics").body();
        assertThat(text).contains("\nkubelet_running_pods 1\n")
                .contains("\nkubelet_running_containers{container_state=\"running\"} 1\n")
                .contains("\nkubelet_started_pods_total 1\n")
                .contains("\nkubelet_started_containers_total{container_type=\"container\"} 1\n")
                .contains("# TYPE kubelet_pod_start_duration_seconds histogram")
                .contains("\nkubelet_pod_start_duration_seconds_bucket{le=\"+Inf\"} 1\n")
                .contains("\nkubelet_pod_start_duration_seconds_count 1\n")
                .contains("\nkrustlet_image_resolutions_total{result=\"success\"} 2\n")
                .contains("\nkrustlet_image_resolutions_total{result=\"failure\"} 1\n")
                .contains("\nkrustlet_container_errors_total{reason=\"ErrImagePull\"} 1\n")
                .contains("\nkrustlet_container_errors_total{reason=\"ImagePullBackOff\"} 1\n")
                .contains("\nkrustlet_http_log_streams 0\n");
    }

    @Test
    void unknownPathsAndMethods() throws Exception {
        assertThat(server.get(admin, "/nothing").statusCode()).isEqualTo(404);
        assertThat(server.get(admin, "/stats/container").statusCode()).isEqualTo(404);
        assertThat(server.get(admin, "/metrics/cadvisor").statusCode()).isEqualTo(404);
        var post = admin.send(HttpRequest.newBuilder(server.uri("/pods")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }
}
