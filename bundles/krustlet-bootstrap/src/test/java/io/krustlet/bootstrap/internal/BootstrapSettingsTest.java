package io.krustlet.bootstrap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BootstrapSettingsTest {

    private static BootstrapConfig config(String kubeconfig, String bootstrapFile) {
        return new BootstrapConfig() {
            public Class<? extends Annotation> annotationType() { return BootstrapConfig.class; }
            public String nodeName() { return "Node-A"; }
            public String nodeIP() { return ""; }
            public String dataDir() { return "/var/lib/krustlet"; }
            public String kubeconfig() { return kubeconfig; }
            public String bootstrapFile() { return bootstrapFile; }
            public String certDir() { return ""; }
            public boolean rotateCertificates() { return true; }
            public boolean serverTLSBootstrap() { return true; }
        };
    }

    @Test
    void aLiveChangeTakesTheBootstrapKeysAndKeepsTheNodesIdentity() {
        var running = new BootstrapSettings("node-a", List.of("10.0.0.1"), Path.of("/var/lib/krustlet"),
                "/etc/krustlet/kubeconfig", Optional.of(Path.of("/etc/krustlet/bootstrap")), Path.of("/pki"), true, true);
        var renamed = new BootstrapSettings("node-b", List.of("10.0.0.2"), Path.of("/elsewhere"), "/k2",
                Optional.empty(), Path.of("/pki"), true, true);
        assertThat(running.withBootstrapKeysOf(renamed)).as("identity only: nothing to restart").isEqualTo(running);

        var rotationOff = new BootstrapSettings("node-b", List.of(), Path.of("/elsewhere"), "/k2", Optional.empty(),
                Path.of("/pki2"), false, false);
        var kept = running.withBootstrapKeysOf(rotationOff);
        assertThat(kept).isNotEqualTo(running);
        assertThat(kept.nodeName()).isEqualTo("node-a");
        assertThat(kept.nodeIPs()).containsExactly("10.0.0.1");
        assertThat(kept.bootstrapFile()).contains(Path.of("/etc/krustlet/bootstrap"));
        assertThat(kept.certDir()).isEqualTo(Path.of("/pki2"));
        assertThat(kept.rotateCertificates()).isFalse();
        assertThat(kept.serverTLSBootstrap()).isFalse();
    }

    @Test
    void defaultsFollowTheKubelet() {
        var settings = BootstrapSettings.from(config("/etc/krustlet/kubeconfig", "/etc/krustlet/bootstrap"),
                Map.of(), Map.of());
        assertThat(settings.nodeName()).isEqualTo("node-a");
        assertThat(settings.certDir()).isEqualTo(Path.of("/var/lib/krustlet/pki"));
        assertThat(settings.bootstrapFile()).contains(Path.of("/etc/krustlet/bootstrap"));
        assertThat(settings.rotateCertificates()).isTrue();
        assertThat(settings.serverTLSBootstrap()).isTrue();
    }

    @Test
    void environmentWins() {
        var settings = BootstrapSettings.from(config("/etc/krustlet/kubeconfig", ""), Map.of(
                "KRUSTLET_BOOTSTRAP_FILE", "/run/bootstrap", "KRUSTLET_CERT_DIR", "/run/pki",
                "KRUSTLET_ROTATE_CERTIFICATES", "false", "KRUSTLET_SERVER_TLS_BOOTSTRAP", "false",
                "KRUSTLET_NODE_IP", "192.0.2.1, 2001:db8::1"), Map.of());
        assertThat(settings.bootstrapFile()).contains(Path.of("/run/bootstrap"));
        assertThat(settings.certDir()).isEqualTo(Path.of("/run/pki"));
        assertThat(settings.rotateCertificates()).isFalse();
        assertThat(settings.serverTLSBootstrap()).isFalse();
        assertThat(settings.nodeIPs()).isEqualTo(List.of("192.0.2.1", "2001:db8::1"));
        assertThat(BootstrapSettings.environmentName("serverTLSBootstrap")).isEqualTo("KRUSTLET_SERVER_TLS_BOOTSTRAP");
    }

    @Test
    void aBootstrapFileNeedsAKubeconfigToWrite() {
        assertThatThrownBy(() -> BootstrapSettings.from(config("", "/etc/krustlet/bootstrap"), Map.of(), Map.of()))
                .hasMessageContaining("bootstrapFile /etc/krustlet/bootstrap needs kubeconfig");
    }
}
