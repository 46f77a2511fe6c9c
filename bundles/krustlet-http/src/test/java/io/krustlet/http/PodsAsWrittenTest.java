package io.krustlet.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.Reasons;
import io.krustlet.core.status.objects.PodStatusObjects;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Instant;
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

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00.750Z");
    private static final Instant T1 = Instant.parse("2026-01-01T10:00:09Z");

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

    /** An init container done, an app container restarted after OOMKilled, another in back-off. */
    private static PodStatus restarted() {
        var init = new ContainerStatus("init", "fs/init.wasm", "sha256:i",
                new ContainerState.Terminated(0, Reasons.COMPLETED, "", T0, T0), null, 0, false, true);
        var app = new ContainerStatus("app", "fs/app.wasm", "sha256:a", new ContainerState.Running(T1),
                new ContainerState.Terminated(137, Reasons.OOM_KILLED, "memory limit of 64 MiB reached", T0, T1),
                2, true, true);
        var crashing = new ContainerStatus("side", "fs/side.wasm", null,
                new ContainerState.Waiting(Reasons.CRASH_LOOP_BACK_OFF, "back-off 20s restarting failed container"),
                new ContainerState.Terminated(1, Reasons.ERROR, "", T0, T1), 3, false, false);
        return new PodStatus(PodPhase.Running, null, null, T0,
                List.of(new PodCondition(PodCondition.READY, false, Reasons.CONTAINERS_NOT_READY, T1),
                        new PodCondition(PodCondition.INITIALIZED, true, null, T0)),
                List.of(init), List.of(app, crashing));
    }

    private static PodStatus deadlineExceeded() {
        var killed = new ContainerStatus("app", "fs/app.wasm", "sha256:a",
                new ContainerState.Terminated(137, Reasons.ERROR, "", T0, T1), null, 0, false, true);
        return new PodStatus(PodPhase.Failed, Reasons.DEADLINE_EXCEEDED,
                "Pod was active on the node longer than the specified deadline", T0,
                List.of(new PodCondition(PodCondition.READY, false, Reasons.POD_COMPLETED, T1)), List.of(), List.of(killed));
    }

    @Test
    void podsServesTheStatusAsItIsWrittenToTheApiServer() throws Exception {
        Map<String, PodStatus> statuses = Map.of("restarted", restarted(), "failed", deadlineExceeded());
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
