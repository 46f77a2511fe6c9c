package io.krustlet.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kubeAPIQPS, kubeAPIBurst and volumeRefreshSeconds: defaults, overrides, and limits. */
class ApiAndRefreshSettingsTest {

    @Test
    void defaultsAreTheKubeletsRateWithABurstForAWholeNode() {
        var settings = KubeletSettings.from(TestKubeletConfig.defaults().build(), Map.of(), Map.of());
        assertThat(settings.kubeAPIQPS()).isEqualTo(50);
        assertThat(settings.kubeAPIBurst()).isEqualTo(400);
        assertThat(settings.volumeRefresh()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void theEnvironmentOverridesThem() {
        assertThat(KubeletSettings.environmentName("kubeAPIQPS")).isEqualTo("KRUSTLET_KUBE_APIQPS");
        assertThat(KubeletSettings.environmentName("kubeAPIBurst")).isEqualTo("KRUSTLET_KUBE_APIBURST");
        assertThat(KubeletSettings.environmentName("volumeRefreshSeconds")).isEqualTo("KRUSTLET_VOLUME_REFRESH_SECONDS");
        var settings = KubeletSettings.from(TestKubeletConfig.defaults().with("kubeAPIQPS", 20).build(),
                Map.of("KRUSTLET_KUBE_APIBURST", "40", "KRUSTLET_VOLUME_REFRESH_SECONDS", "5"), Map.of());
        assertThat(settings.kubeAPIQPS()).isEqualTo(20);
        assertThat(settings.kubeAPIBurst()).isEqualTo(40);
        assertThat(settings.volumeRefresh()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void valuesBelowTheirMinimumAreClearErrors() {
        assertThatThrownBy(() -> KubeletSettings.from(TestKubeletConfig.defaults().with("kubeAPIQPS", 0).build(),
                Map.of(), Map.of())).hasMessage("kubeAPIQPS: 0 is below 1");
        assertThatThrownBy(() -> KubeletSettings.from(TestKubeletConfig.defaults().build(),
                Map.of("KRUSTLET_VOLUME_REFRESH_SECONDS", "0"), Map.of())).hasMessage("volumeRefreshSeconds: 0 is below 1");
    }
}
