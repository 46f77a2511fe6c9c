package io.krustlet.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.objects.PodStatusObjects;
import io.krustlet.core.status.objects.PodStatusSamples;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /pods} over HTTPS tells what the node writes to the API server: the core's PodStatusWriter
 * writes {@link PodStatusObjects#toApi(PodStatus, io.fabric8.kubernetes.api.model.PodStatus, String)}
 * (its PodStatusWriterTest reads it back from the API server), so the served status must equal that
 * mapping in every field the pod's containers and phase have.
 */
class PodsAsWrittenTest {

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
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The core's sample of restarted containers, with the Initialized condition /pods shows too. */
    private static PodStatus restarted() {
        PodStatus sample = PodStatusSamples.restarted();
        List<PodCondition> conditions = new ArrayList<>(sample.conditions());
        conditions.add(new PodCondition(PodCondition.INITIALIZED, true, null, PodStatusSamples.T0));
        return new PodStatus(sample.phase(), sample.reason(), sample.message(), sample.startTime(), conditions,
                sample.initContainerStatuses(), sample.containerStatuses());
    }

    @Test
    void podsServesTheStatusAsItIsWrittenToTheApiServer() throws Exception {
        Map<String, PodStatus> statuses = Map.of("restarted", restarted(), "failed", PodStatusSamples.deadlineExceeded());
        statuses.forEach((name, status) -> pods.put("default", name, status));

        PodList list = json.unmarshal(server.get(admin, "/pods").body(), PodList.class);

        assertThat(list.getItems()).hasSize(2);
        for (Pod pod : list.getItems()) {
            var served = pod.getStatus();
            var written = PodStatusObjects.toApi(statuses.get(pod.getMetadata().getName()), null, "192.0.2.1");
            assertThat(served.getPhase()).isEqualTo(written.getPhase());
            assertThat(served.getReason()).isEqualTo(written.getReason());
            assertThat(served.getMessage()).isEqualTo(written.getMessage());
            assertThat(served.getStartTime()).isEqualTo(written.getStartTime());
            assertThat(served.getConditions()).isEqualTo(written.getConditions());
            assertThat(served.getInitContainerStatuses()).isEqualTo(written.getInitContainerStatuses());
            assertThat(served.getContainerStatuses()).isEqualTo(written.getContainerStatuses());
        }
        // and the fields are the ones kubectl reads
        var restarted = list.getItems().stream().filter(p -> p.getMetadata().getName().equals("restarted")).findFirst()
                .orElseThrow().getStatus();
        assertThat(restarted.getContainerStatuses().get(0).getRestartCount()).isEqualTo(2);
        assertThat(restarted.getContainerStatuses().get(0).getLastState().getTerminated().getReason())
                .isEqualTo("OOMKilled");
        assertThat(restarted.getContainerStatuses().get(1).getState().getWaiting().getReason())
                .isEqualTo("CrashLoopBackOff");
        assertThat(restarted.getInitContainerStatuses().get(0).getState().getTerminated().getMessage()).isNull();
        var failed = list.getItems().stream().filter(p -> p.getMetadata().getName().equals("failed")).findFirst()
                .orElseThrow().getStatus();
        assertThat(failed.getReason()).isEqualTo("DeadlineExceeded");
    }
}
