package io.krustlet.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {

    @Test
    void configuredValuesLowerCasedAndSplit() {
        var node = NodeIdentity.resolve(EnvironmentOverrides.kubelet(Map.of()), " Node-A ", "192.0.2.1, 2001:db8::1,",
                "/etc/krustlet/kubeconfig");
        assertThat(node.nodeName()).isEqualTo("node-a");
        assertThat(node.nodeIPs()).containsExactly("192.0.2.1", "2001:db8::1");
        assertThat(node.nodeIP()).isEqualTo("192.0.2.1");
        assertThat(node.kubeconfig()).isEqualTo("/etc/krustlet/kubeconfig");
    }

    @Test
    void theEnvironmentWins() {
        var node = NodeIdentity.resolve(EnvironmentOverrides.kubelet(Map.of("KRUSTLET_NODE_NAME", "From-Env",
                "KRUSTLET_NODE_IP", "198.51.100.7", "KRUSTLET_KUBECONFIG", "none")), "configured", "192.0.2.1", "/k");
        assertThat(node).isEqualTo(new NodeIdentity("from-env", List.of("198.51.100.7"), "none"));
    }

    @Test
    void defaultsAreTheHostNameNoAddressAndNoKubeconfigSetting() {
        var node = NodeIdentity.resolve(EnvironmentOverrides.kubelet(Map.of()), "", null, " ");
        assertThat(node.nodeName()).isEqualTo(NodeIdentity.defaultNodeName().toLowerCase(java.util.Locale.ROOT))
                .isNotBlank();
        assertThat(node.nodeIPs()).isEmpty();
        assertThat(node.nodeIP()).isEmpty();
        assertThat(node.kubeconfig()).isEmpty();
    }

    @Test
    void theKubeconfigIsLocatedByTheSharedRules(@TempDir Path home) throws Exception {
        Path inHome = Files.createDirectories(home.resolve(".kube")).resolve("config");
        Files.writeString(inHome, "apiVersion: v1\n");
        var env = EnvironmentOverrides.kubelet(Map.of());
        assertThat(NodeIdentity.resolve(env, "n", "", "").locateKubeconfig(Map.of(), home)).contains(inHome);
        assertThat(NodeIdentity.resolve(env, "n", "", "none").locateKubeconfig(Map.of(), home)).isEmpty();
        assertThat(NodeIdentity.resolve(env, "n", "", "/not/yet/written").locateKubeconfig(Map.of(), home))
                .contains(Path.of("/not/yet/written"));
    }

    @Test
    void addressesOfASetting() {
        assertThat(NodeIdentity.addresses("")).isEmpty();
        assertThat(NodeIdentity.addresses(null)).isEmpty();
        assertThat(NodeIdentity.addresses(" 10.0.0.1 ")).containsExactly("10.0.0.1");
    }
}
