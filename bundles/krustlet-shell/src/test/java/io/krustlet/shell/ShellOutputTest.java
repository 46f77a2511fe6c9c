package io.krustlet.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.NodeSnapshot;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodEvent;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.ProviderSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the node, providers and describe commands print, from snapshots. */
class ShellOutputTest {

    private static final Instant T = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void nodeShowsModeConditionsAddressesRuntimesAndPods() {
        var node = new NodeSnapshot("node1", "cluster", "https://10.0.0.1:6443",
                List.of(new NodeSnapshot.Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")),
                Map.of("InternalIP", "10.0.0.5"), Map.of("wasi", "chicory://1.7.5", "test", "test://1"), "wasi", 3, 110);
        String out = NodeCommand.format(node);
        assertThat(out).contains("Mode:            cluster (https://10.0.0.1:6443)")
                .containsPattern("Ready +True +KubeletReady")
                .contains("InternalIP:    10.0.0.5")
                .containsPattern("wasi +chicory://1.7.5  \\(default\\)")
                .contains("Pods:            3 of 110");
    }

    @Test
    void providersListServingStandbyAndIncompatibleBundles() {
        String out = ProvidersCommand.format(List.of(
                new ProviderSnapshot("wasi", 57, "io.krustlet.wasi", "0.1.0", "restart", 4, ProviderSnapshot.ACTIVE, ""),
                new ProviderSnapshot("", 60, "io.example.future", "2.0.0", "", 0, ProviderSnapshot.INCOMPATIBLE,
                        "needs io.krustlet.api [1.3,2), but this node has 1.2.0")), null);
        assertThat(out.lines()).hasSize(3);
        assertThat(out).containsPattern("wasi +57 +io.krustlet.wasi +0.1.0 +restart +4 +Active")
                .containsPattern("- +60 +io.example.future .* Incompatible +needs io.krustlet.api \\[1.3,2\\)");
        assertThat(ProvidersCommand.format(List.of(
                new ProviderSnapshot("wasi", 57, "io.krustlet.wasi", "0.1.0", "restart", 4, ProviderSnapshot.ACTIVE, "")),
                "wagi").lines()).as("filtered by runtime: the header only").hasSize(1);
    }

    @Test
    void describeShowsContainersStatesAndFoldedEvents() {
        var status = new PodStatus(PodPhase.Running, null, null, T,
                List.of(new PodCondition(PodCondition.READY, false, "ContainersNotReady", T)), List.of(),
                List.of(new ContainerStatus("main", "fs/app.wasm", "sha256:abc",
                        new ContainerState.Waiting("CrashLoopBackOff", "back-off 20s restarting failed container"),
                        new ContainerState.Terminated(3, "Error", "", T, T.plusSeconds(1)), 2, false, false)));
        var pod = new PodSnapshot("default", "crashy", "uid", "api", "wasi", Map.of(), status);
        String out = PodDescription.of(pod, "node1", List.of(
                new PodEvent("Warning", "BackOff", "main", "Back-off restarting failed container main", T,
                        T.plusSeconds(30), 4)), T.plusSeconds(60));
        assertThat(out).contains("Name:             crashy").contains("Runtime:          wasi")
                .contains("    State:        Waiting").contains("      Reason:     CrashLoopBackOff")
                .contains("    Last State:   Terminated").contains("      Exit Code:  3")
                .contains("    Restart Count:  2")
                .containsPattern("Warning +BackOff +30s \\(x4 over 1m\\) +kubelet +Back-off restarting failed container main");
    }
}
