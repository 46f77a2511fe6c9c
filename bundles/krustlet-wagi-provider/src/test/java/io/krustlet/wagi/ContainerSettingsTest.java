package io.krustlet.wagi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.krustlet.wagi.cgi.Route;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerSettingsTest {

    private static final ContainerSettings DEFAULTS = new ContainerSettings(null, Duration.ofSeconds(30), 4, 1000, 5000);

    @Test
    void withoutAnnotationsTheDefaultsAndEveryPath() {
        var s = ContainerSettings.of(Map.of(), "main", DEFAULTS);
        assertThat(s).isEqualTo(new ContainerSettings(Route.ALL, Duration.ofSeconds(30), 4, 1000, 5000));
    }

    @Test
    void annotationsOverrideAndAContainersOwnWins() {
        var s = ContainerSettings.of(Map.of("wagi.krustlet.dev/route", "/api/...", "wagi.krustlet.dev/timeout", "2s",
                "wagi.krustlet.dev/timeout.main", "750ms", "wagi.krustlet.dev/max-concurrency", "16",
                "wagi.krustlet.dev/max-request-body", "1Mi", "wagi.krustlet.dev/max-response-size", "10M"), "main", DEFAULTS);
        assertThat(s.route().text()).isEqualTo("/api/...");
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(s.maxConcurrency()).isEqualTo(16);
        assertThat(s.maxRequestBodyBytes()).isEqualTo(1 << 20);
        assertThat(s.maxResponseBytes()).isEqualTo(10_000_000);
        assertThat(ContainerSettings.of(Map.of("wagi.krustlet.dev/timeout.other", "1s"), "main", DEFAULTS).timeout())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void durationsAndQuantitiesAsKubernetesUsersWriteThem() {
        assertThat(ContainerSettings.duration("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ContainerSettings.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ContainerSettings.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ContainerSettings.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ContainerSettings.bytes("512Ki")).isEqualTo(512 * 1024);
        assertThat(ContainerSettings.bytes("1Gi")).isEqualTo(1L << 30);
        assertThat(ContainerSettings.bytes("100k")).isEqualTo(100_000);
        assertThat(ContainerSettings.bytes("42")).isEqualTo(42);
    }

    @Test
    void badValuesNameTheAnnotation() {
        assertThatThrownBy(() -> ContainerSettings.of(Map.of("wagi.krustlet.dev/timeout", "0s"), "main", DEFAULTS))
                .hasMessage("annotation wagi.krustlet.dev/timeout=\"0s\": must be longer than 0 (for example 30s, 500ms, 2m)");
        assertThatThrownBy(() -> ContainerSettings.of(Map.of("wagi.krustlet.dev/max-concurrency.main", "many"), "main",
                DEFAULTS)).hasMessage("annotation wagi.krustlet.dev/max-concurrency.main=\"many\": not a number");
        assertThatThrownBy(() -> ContainerSettings.of(Map.of("wagi.krustlet.dev/max-concurrency", "0"), "main", DEFAULTS))
                .hasMessageContaining("must be at least 1");
        assertThatThrownBy(() -> ContainerSettings.of(Map.of("wagi.krustlet.dev/route", "api"), "main", DEFAULTS))
                .hasMessageContaining("a route must start with '/'");
        assertThatThrownBy(() -> ContainerSettings.of(Map.of("wagi.krustlet.dev/max-request-body", "-1Ki"), "main",
                DEFAULTS)).hasMessageContaining("must not be negative");
    }

    @Test
    void providerSettingsComeFromTheConfigurationWithEnvironmentOverrides() {
        var settings = WagiSettings.from(WagiRuntimeTest.config(30), Map.of("KRUSTLET_WAGI_TIMEOUT_SECONDS", "5",
                "KRUSTLET_WAGI_MAX_CONCURRENT_REQUESTS", "7", "KRUSTLET_WAGI_BIND_ADDRESS", "0.0.0.0"));
        assertThat(settings.defaults().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.defaults().maxConcurrency()).isEqualTo(7);
        assertThat(settings.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(WagiSettings.from(WagiRuntimeTest.config(30), Map.of()).defaults().maxConcurrency())
                .isEqualTo(2 * Runtime.getRuntime().availableProcessors());
        assertThatThrownBy(() -> WagiSettings.from(WagiRuntimeTest.config(30), Map.of("KRUSTLET_WAGI_ENGINE", "jit")))
                .hasMessageContaining("engine=jit");
        assertThatThrownBy(() -> WagiSettings.from(WagiRuntimeTest.config(30),
                Map.of("KRUSTLET_WAGI_IDLE_TIMEOUT_SECONDS", "x"))).hasMessage("idleTimeoutSeconds=x is not a whole number");
        assertThat(WagiSettings.upperSnake("maxConcurrentRequests")).isEqualTo("MAX_CONCURRENT_REQUESTS");
    }
}
