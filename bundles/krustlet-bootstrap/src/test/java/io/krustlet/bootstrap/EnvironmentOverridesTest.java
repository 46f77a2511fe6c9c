package io.krustlet.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentOverridesTest {

    @Test
    void namesAreUpperSnakeWithAcronymsAsWords() {
        var kubelet = EnvironmentOverrides.kubelet(Map.of());
        assertThat(kubelet.name("maxPods")).isEqualTo("KRUSTLET_MAX_PODS");
        assertThat(kubelet.name("nodeIP")).isEqualTo("KRUSTLET_NODE_IP");
        assertThat(kubelet.name("serverTLSBootstrap")).isEqualTo("KRUSTLET_SERVER_TLS_BOOTSTRAP");
        assertThat(kubelet.name("kubeAPIBurst")).isEqualTo("KRUSTLET_KUBE_API_BURST");
        assertThat(kubelet.name("kubeAPIQPS")).isEqualTo("KRUSTLET_KUBE_APIQPS");
        assertThat(kubelet.compactName("kubeAPIBurst")).isEqualTo("KRUSTLET_KUBE_APIBURST");
        assertThat(kubelet.compactName("serverTLSBootstrap")).isEqualTo("KRUSTLET_SERVER_TLSBOOTSTRAP");
        assertThat(EnvironmentOverrides.of("KRUSTLET_HTTP_", Map.of()).name("clientCAFile"))
                .isEqualTo("KRUSTLET_HTTP_CLIENT_CA_FILE");
    }

    @Test
    void bothSpellingsOverrideAndTheAcronymAsAWordWins() {
        assertThat(EnvironmentOverrides.kubelet(Map.of("KRUSTLET_KUBE_APIBURST", "40")).integer("kubeAPIBurst", 400))
                .isEqualTo(40);
        assertThat(EnvironmentOverrides.kubelet(Map.of("KRUSTLET_KUBE_API_BURST", "41")).integer("kubeAPIBurst", 400))
                .isEqualTo(41);
        assertThat(EnvironmentOverrides.kubelet(Map.of("KRUSTLET_SERVER_TLS_BOOTSTRAP", "false",
                "KRUSTLET_SERVER_TLSBOOTSTRAP", "true")).bool("serverTLSBootstrap", true)).isFalse();
    }

    @Test
    void environmentThenConfiguredThenFallbackAndBlankIsUnset() {
        var env = EnvironmentOverrides.kubelet(Map.of("KRUSTLET_DATA_DIR", "  /env  ", "KRUSTLET_NODE_NAME", " "));
        assertThat(env.string("dataDir", "/configured", "/default")).isEqualTo("/env");
        assertThat(env.string("nodeName", " node-a ", "host")).isEqualTo("node-a");
        assertThat(env.string("nodeName", "  ", "host")).isEqualTo("host");
        assertThat(env.string("kubeconfig", null, "")).isEmpty();
        assertThat(env.get("nodeName")).isEmpty();
        assertThat(env.integer("maxPods", 110)).isEqualTo(110);
        assertThat(env.longValue("containerLogMaxSize", 7L)).isEqualTo(7L);
        assertThat(env.bool("allowLocalModules", true)).isTrue();
    }

    @Test
    void numbersAndBooleansParse() {
        var env = EnvironmentOverrides.kubelet(Map.of("KRUSTLET_MAX_PODS", " 3 ", "KRUSTLET_CONTAINER_LOG_MAX_SIZE",
                "10000000000", "KRUSTLET_ALLOW_LOCAL_MODULES", "YES", "KRUSTLET_ROTATE_CERTIFICATES", "0"));
        assertThat(env.integer("maxPods", 110)).isEqualTo(3);
        assertThat(env.longValue("containerLogMaxSize", 1)).isEqualTo(10_000_000_000L);
        assertThat(env.bool("allowLocalModules", false)).isTrue();
        assertThat(env.bool("rotateCertificates", true)).isFalse();
    }

    @Test
    void aValueThatDoesNotParseNamesTheVariable() {
        var env = EnvironmentOverrides.of("KRUSTLET_HTTP_", Map.of("KRUSTLET_HTTP_PORT", "https",
                "KRUSTLET_HTTP_ANONYMOUS_AUTH", "sure", "KRUSTLET_HTTP_SIZE", "99999999999999999999"));
        assertThatThrownBy(() -> env.integer("port", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("KRUSTLET_HTTP_PORT=https is not a number");
        assertThatThrownBy(() -> env.bool("anonymousAuth", false))
                .hasMessage("KRUSTLET_HTTP_ANONYMOUS_AUTH=sure is not a boolean (true or false)");
        assertThatThrownBy(() -> env.longValue("size", 0)).hasMessageContaining("KRUSTLET_HTTP_SIZE=");
    }
}
