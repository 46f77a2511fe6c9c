package io.krustlet.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Which keys of PID io.krustlet.kubelet a running node takes at once, and which wait for a restart. */
class SettingsChangeTest {

    private static final Map<String, String> SYSTEM = Map.of("karaf.data", "/data", "karaf.etc", "/etc/karaf",
            "karaf.base", "/opt/karaf");

    private static KubeletSettings settings(TestKubeletConfig config, Map<String, String> env) {
        return KubeletSettings.from(config.build(), env, SYSTEM);
    }

    private static TestKubeletConfig base() {
        return TestKubeletConfig.defaults().with("nodeName", "node1").with("kubeconfig", "none");
    }

    @Test
    void liveKeysTakeTheirNewValueAndAreListed() {
        var running = settings(base(), Map.of());
        var configured = settings(base().with("maxPods", 7).with("defaultRuntime", "wagi")
                .with("nodeLabels", "team=edge").with("containerLogMaxSize", 4096L).with("containerLogMaxFiles", 2)
                .with("podManifestPath", "/srv/pods").with("manifestRescanSeconds", 3)
                .with("allowLocalModules", true).with("localModuleRoot", "/srv/modules")
                .with("kubeAPIQPS", 5).with("kubeAPIBurst", 10).with("volumeRefreshSeconds", 9), Map.of());

        var change = SettingsChange.between(running, configured);

        assertThat(change.restartNeeded()).isEmpty();
        assertThat(change.live()).containsExactly("podManifestPath", "manifestRescanSeconds", "maxPods",
                "defaultRuntime", "allowLocalModules", "localModuleRoot", "containerLogMaxSize",
                "containerLogMaxFiles", "nodeLabels", "kubeAPIQPS", "kubeAPIBurst", "volumeRefreshSeconds");
        assertThat(change.effective()).isEqualTo(configured);
    }

    @Test
    void identityAndPlacementKeysWaitForARestartAndKeepTheirRunningValue() {
        var running = settings(base(), Map.of());
        var configured = settings(base().with("nodeName", "node2").with("nodeIP", "192.0.2.7")
                .with("dataDir", "/srv/krustlet").with("kubeconfig", "/etc/kubeconfig").with("port", 10251)
                .with("bootstrapFile", "/etc/bootstrap").with("maxPods", 9), Map.of());

        var change = SettingsChange.between(running, configured);

        assertThat(change.live()).containsExactly("maxPods");
        assertThat(change.restartNeeded()).extracting(SettingsChange.Restart::key)
                .containsExactly("nodeName", "nodeIP", "dataDir", "kubeconfig", "port", "bootstrapFile");
        assertThat(change.restartNeeded()).allSatisfy(r -> assertThat(r.why()).isNotBlank());
        assertThat(change.restartNeeded().get(0)).extracting(SettingsChange.Restart::running,
                SettingsChange.Restart::configured).containsExactly("node1", "node2");
        var effective = change.effective();
        assertThat(effective.nodeName()).isEqualTo("node1");
        assertThat(effective.nodeIP()).isEmpty();
        assertThat(effective.dataDir()).isEqualTo(Path.of("/data/krustlet"));
        assertThat(effective.kubeconfig()).isEqualTo("none");
        assertThat(effective.port()).isEqualTo(10250);
        assertThat(effective.bootstrapFile()).isEmpty();
        assertThat(effective.maxPods()).isEqualTo(9);
    }

    @Test
    void anEnvironmentOverrideStillWinsOverTheChangedFile() {
        var env = Map.of("KRUSTLET_MAX_PODS", "12", "KRUSTLET_NODE_NAME", "node1");
        var running = settings(base(), env);
        var configured = settings(base().with("maxPods", 50).with("nodeName", "other"), env);

        var change = SettingsChange.between(running, configured);

        assertThat(change.live()).isEmpty();
        assertThat(change.restartNeeded()).isEmpty();
        assertThat(change.effective().maxPods()).isEqualTo(12);
    }

    @Test
    void everyConfigKeyIsEitherLiveOrNeedsARestartOrBelongsToTheBootstrap() {
        var bootstrapOnly = Stream.of("certDir", "rotateCertificates", "serverTLSBootstrap");
        var declared = Arrays.stream(KubeletConfig.class.getDeclaredMethods()).map(m -> m.getName()).sorted().toList();
        var covered = Stream.concat(Stream.concat(SettingsChange.liveKeys().stream(),
                SettingsChange.restartKeys().stream()), bootstrapOnly).sorted().toList();
        assertThat(covered).as("a new key must be classified").isEqualTo(declared);
    }
}
