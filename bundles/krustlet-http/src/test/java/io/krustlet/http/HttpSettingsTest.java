package io.krustlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpSettingsTest {

    @Test
    void environmentNamesAreUpperSnakeWithAcronymsAsWords() {
        assertThat(HttpSettings.environmentName("tlsCertFile")).isEqualTo("KRUSTLET_HTTP_TLS_CERT_FILE");
        assertThat(HttpSettings.environmentName("clientCAFile")).isEqualTo("KRUSTLET_HTTP_CLIENT_CA_FILE");
        assertThat(HttpSettings.environmentName("nodeIP")).isEqualTo("KRUSTLET_HTTP_NODE_IP");
        assertThat(HttpSettings.environmentName("anonymousAuth")).isEqualTo("KRUSTLET_HTTP_ANONYMOUS_AUTH");
    }

    @Test
    void defaults() {
        var settings = HttpSettings.from(TestHttpConfig.defaults().build(), Map.of(), Map.of("karaf.data", "/data"),
                Map.of());
        assertThat(settings.address()).isEqualTo("0.0.0.0");
        assertThat(settings.port()).isEqualTo(10250);
        assertThat(settings.tlsCertFile()).isEqualTo(Path.of("/data/krustlet/pki/kubelet.crt"));
        assertThat(settings.tlsPrivateKeyFile()).isEqualTo(Path.of("/data/krustlet/pki/kubelet.key"));
        assertThat(settings.clientCAFile()).isNull();
        assertThat(settings.kubeconfig()).isEmpty();
        assertThat(settings.anonymousAuth()).isFalse();
        assertThat(settings.authorizedTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.unauthorizedTtl()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void ownEnvironmentThenOwnConfigThenTheKubeletsEnvironmentThenItsConfiguration() {
        var config = TestHttpConfig.defaults().with("dataDir", "/configured").build();
        Map<String, Object> kubelet = Map.of("dataDir", "/kubelet", "port", 10255, "kubeconfig", "/kubelet.conf");
        var fromConfig = HttpSettings.from(config, Map.of("KRUSTLET_DATA_DIR", "/kubelet-env"), Map.of(), kubelet);
        assertThat(fromConfig.dataDir()).isEqualTo(Path.of("/configured"));
        assertThat(fromConfig.port()).isEqualTo(10255);
        assertThat(fromConfig.kubeconfig()).isEqualTo("/kubelet.conf");
        var fromEnv = HttpSettings.from(config, Map.of("KRUSTLET_HTTP_DATA_DIR", "/own-env", "KRUSTLET_PORT", "10260",
                "KRUSTLET_HTTP_ANONYMOUS_AUTH", "true"), Map.of(), kubelet);
        assertThat(fromEnv.dataDir()).isEqualTo(Path.of("/own-env"));
        assertThat(fromEnv.port()).isEqualTo(10260);
        assertThat(fromEnv.anonymousAuth()).isTrue();
        var fromKubeletEnv = HttpSettings.from(TestHttpConfig.defaults().build(),
                Map.of("KRUSTLET_DATA_DIR", "/kubelet-env"), Map.of(), kubelet);
        assertThat(fromKubeletEnv.tlsCertFile()).isEqualTo(Path.of("/kubelet-env/pki/kubelet.crt"));
    }

    @Test
    void badValuesAreReported() {
        assertThatThrownBy(() -> HttpSettings.from(TestHttpConfig.defaults().build(),
                Map.of("KRUSTLET_HTTP_PORT", "https"), Map.of(), Map.of())).hasMessageContaining("port");
        assertThatThrownBy(() -> HttpSettings.from(TestHttpConfig.defaults().build(),
                Map.of("KRUSTLET_HTTP_PORT", "70000"), Map.of(), Map.of())).hasMessageContaining("not a TCP port");
        assertThatThrownBy(() -> HttpSettings.from(TestHttpConfig.defaults().build(),
                Map.of("KRUSTLET_HTTP_ANONYMOUS_AUTH", "sure"), Map.of(), Map.of())).hasMessageContaining("boolean");
    }

    @Test
    void theNodeAddressIsTheKubeletsUnlessOurOwnIsSet() {
        Map<String, Object> kubelet = Map.of("nodeIP", "192.0.2.9");
        var fromKubelet = HttpSettings.from(TestHttpConfig.defaults().build(), Map.of(), Map.of(), kubelet);
        assertThat(fromKubelet.nodeIP()).isEqualTo("192.0.2.9");
        var fromKubeletEnv = HttpSettings.from(TestHttpConfig.defaults().build(),
                Map.of("KRUSTLET_NODE_IP", "192.0.2.1, 2001:db8::1"), Map.of(), kubelet);
        assertThat(fromKubeletEnv.nodeIP()).isEqualTo("192.0.2.1,2001:db8::1");
        assertThat(io.krustlet.http.tls.SelfSignedCertificate.nodeAddresses(fromKubeletEnv.nodeIP()))
                .containsExactly("192.0.2.1", "2001:db8::1");
        var own = HttpSettings.from(TestHttpConfig.defaults().build(),
                Map.of("KRUSTLET_NODE_IP", "192.0.2.1", "KRUSTLET_HTTP_NODE_IP", "198.51.100.1"), Map.of(), kubelet);
        assertThat(own.nodeIP()).isEqualTo("198.51.100.1");
    }
}
