package io.krustlet.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.RuntimeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeRegistryTest {

    private record Named(String name) implements ContainerRuntime {
        public RuntimeInfo info() {
            return new RuntimeInfo("wasi", "wasm32-wasi", name, "1");
        }

        public ContainerHandle start(ContainerSpec spec, ContainerOutput output) {
            throw new UnsupportedOperationException();
        }
    }

    private static Map<String, Object> props(String runtime, int ranking, long id) {
        return Map.of(ContainerRuntime.RUNTIME_PROPERTY, runtime, ContainerRuntime.ARCH_PROPERTY, "wasm32-wasi",
                "service.ranking", ranking, "service.id", id);
    }

    @Test
    void prefersTheHighestRankingThenTheOldestService() {
        var registry = new RuntimeRegistry();
        var low = new Named("low");
        var high = new Named("high");
        var older = new Named("older");
        registry.add(low, props("wasi", 0, 5));
        registry.add(high, props("wasi", 10, 7));
        assertThat(registry.find("wasi")).containsSame(high);
        registry.remove(high, props("wasi", 10, 7));
        registry.add(older, props("wasi", 0, 3));
        assertThat(registry.find("wasi")).containsSame(older);
        assertThat(registry.find("spin")).isEmpty();
        assertThat(registry.runtimes()).containsExactly("wasi");
        assertThat(registry.architectures()).containsExactly("wasm32-wasi");
    }

    @Test
    void aLeavingProviderIsNoLongerFoundWhileListenersStopItsContainers() {
        var registry = new RuntimeRegistry();
        var only = new Named("only");
        var other = new Named("other");
        registry.add(only, props("wasi", 0, 1));
        registry.add(other, props("spin", 0, 2));
        List<String> seen = new ArrayList<>();
        registry.addListener(new RuntimeRegistry.Listener() {
            public void runtimeAdded(String runtime) {
                seen.add("added " + runtime);
            }

            public void runtimeRemoving(String runtime, ContainerRuntime provider) {
                seen.add("removing " + runtime + " found=" + registry.find(runtime).isPresent());
            }
        });
        registry.remove(only, props("wasi", 0, 1));
        assertThat(seen).containsExactly("removing wasi found=false");
        assertThat(registry.find("spin")).containsSame(other);
    }

    @Test
    void ignoresAServiceWithoutARuntimeProperty() {
        var registry = new RuntimeRegistry();
        registry.add(new Named("anonymous"), Map.of("service.id", 1L));
        assertThat(registry.runtimes()).isEmpty();
    }
}
