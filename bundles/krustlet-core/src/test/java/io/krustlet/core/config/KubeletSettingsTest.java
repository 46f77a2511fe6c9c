package io.krustlet.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeletSettingsTest {

    private static KubeletConfig config(String dataDir, int maxPods) {
        return TestKubeletConfig.defaults()
                .with("nodeName", "Configured-Node")
                .with("dataDir", dataDir)
                .with("maxPods", maxPods)
                .with("containerLogMaxSize", 100L)
                .with("containerLogMaxFiles", 2)
                .build();
    }

    @Test
    void environmentNamesFollowKrustletsConvention() {
        assertThat(KubeletSettings.environmentName("nodeName")).isEqualTo("KRUSTLET_NODE_NAME");
        assertThat(KubeletSettings.environmentName("maxPods")).isEqualTo("KRUSTLET_MAX_PODS");
        assertThat(KubeletSettings.environmentName("nodeIP")).isEqualTo("KRUSTLET_NODE_IP");
        assertThat(KubeletSettings.environmentName("allowLocalModules")).isEqualTo("KRUSTLET_ALLOW_LOCAL_MODULES");
    }

    @Test
    void environmentWinsOverConfigWhichWinsOverDefaults() {
        var settings = KubeletSettings.from(config("/cfg/data", 7),
                Map.of("KRUSTLET_MAX_PODS", "3", "KRUSTLET_ALLOW_LOCAL_MODULES", "true"),
                Map.of("karaf.data", "/karaf/data", "karaf.etc", "/karaf/etc", "karaf.base", "/karaf"));
        assertThat(settings.maxPods()).isEqualTo(3);
        assertThat(settings.allowLocalModules()).isTrue();
        assertThat(settings.dataDir()).isEqualTo(Path.of("/cfg/data"));
        assertThat(settings.nodeName()).isEqualTo("configured-node");
        assertThat(settings.podManifestPath()).isEqualTo(Path.of("/karaf/etc/pods"));
        assertThat(settings.localModuleRoot()).isEqualTo(Path.of("/karaf"));

        var defaults = KubeletSettings.from(config("", 7), Map.of(), Map.of("karaf.data", "/karaf/data"));
        assertThat(defaults.dataDir()).isEqualTo(Path.of("/karaf/data/krustlet"));
    }

    @Test
    void aMalformedOverrideIsAClearError() {
        assertThatThrownBy(() -> KubeletSettings.from(config("", 7), Map.of("KRUSTLET_MAX_PODS", "many"), Map.of()))
                .hasMessage("KRUSTLET_MAX_PODS=many is not a number");
    }

    @Test
    void theNodesIdentityFollowsTheSharedRules() {
        var settings = KubeletSettings.from(config("", 7), Map.of("KRUSTLET_NODE_NAME", "Node-B",
                "KRUSTLET_NODE_IP", "192.0.2.1, 2001:db8::1", "KRUSTLET_KUBECONFIG", " none "), Map.of());
        var node = io.krustlet.bootstrap.NodeIdentity.resolve(io.krustlet.bootstrap.EnvironmentOverrides.kubelet(
                Map.of("KRUSTLET_NODE_NAME", "Node-B", "KRUSTLET_NODE_IP", "192.0.2.1, 2001:db8::1",
                        "KRUSTLET_KUBECONFIG", " none ")), "configured-node", "", "");
        assertThat(settings.nodeName()).isEqualTo("node-b").isEqualTo(node.nodeName());
        // the primary address is the InternalIP, as the kubelet's dual-stack --node-ip
        assertThat(settings.nodeIP()).isEqualTo("192.0.2.1").isEqualTo(node.nodeIP());
        assertThat(settings.kubeconfig()).isEqualTo("none").isEqualTo(node.kubeconfig());
    }

    @Test
    void theSpellingWithAcronymsAsWordsIsAcceptedToo() {
        var settings = KubeletSettings.from(config("", 7), Map.of("KRUSTLET_KUBE_API_BURST", "12"), Map.of());
        assertThat(settings.kubeAPIBurst()).isEqualTo(12);
    }
}
