package io.krustlet.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.RuntimeInfo;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A provider that leaves and comes back is its own successor; one that does not is gone. */
class ProviderSuccessionTest {

    private record Named(String name) implements ContainerRuntime {
        public RuntimeInfo info() {
            return new RuntimeInfo("wasi", "wasm32-wasi", name, "1");
        }

        public ContainerHandle start(ContainerSpec spec, ContainerOutput output) {
            throw new UnsupportedOperationException();
        }
    }

    private final Map<Long, ProviderIdentity> bundles = new HashMap<>(Map.of(
            57L, new ProviderIdentity(57, "io.krustlet.wasi", "1.0.0"),
            60L, new ProviderIdentity(60, "io.krustlet.test", "1.0.0")));
    private final List<Runnable> timers = new ArrayList<>();
    private final List<String> seen = new ArrayList<>();
    private final RuntimeRegistry registry = new RuntimeRegistry(bundles::get, (delay, task) -> {
        assertThat(delay).isEqualTo(RuntimeRegistry.RETURN_WINDOW);
        timers.add(task);
    });

    {
        registry.addListener(new RuntimeRegistry.Listener() {
            @Override
            public void providerAdded(Provider provider, Optional<Provider> predecessor) {
                seen.add("added " + provider.identity() + predecessor.map(p -> " after " + p.identity()).orElse(""));
            }

            @Override
            public void providerRemoving(Provider provider) {
                seen.add("removing " + provider.identity());
            }

            @Override
            public void providerGone(Provider provider) {
                seen.add("gone " + provider.identity());
            }
        });
    }

    private static Map<String, Object> props(String runtime, long serviceId, long bundleId, String upgrade) {
        Map<String, Object> props = new HashMap<>(Map.of(ContainerRuntime.RUNTIME_PROPERTY, runtime,
                "service.id", serviceId, "service.bundleid", bundleId));
        if (upgrade != null) {
            props.put(ContainerRuntime.UPGRADE_PROPERTY, upgrade);
        }
        return props;
    }

    @Test
    void aNewRevisionOfTheSameBundleSucceedsTheOneThatLeft() {
        var first = new Named("first");
        registry.add(first, props("wasi", 1, 57, null));
        registry.remove(first, props("wasi", 1, 57, null));
        bundles.put(57L, new ProviderIdentity(57, "io.krustlet.wasi", "1.1.0"));
        registry.add(new Named("second"), props("wasi", 2, 57, null));
        timers.forEach(Runnable::run); // the window of the first passes: it is not gone, it came back

        assertThat(seen).containsExactly(
                "added io.krustlet.wasi 1.0.0 (bundle 57)",
                "removing io.krustlet.wasi 1.0.0 (bundle 57)",
                "added io.krustlet.wasi 1.1.0 (bundle 57) after io.krustlet.wasi 1.0.0 (bundle 57)");
        assertThat(registry.provider("wasi").orElseThrow().upgrade()).isEqualTo(UpgradeStrategy.RESTART);
    }

    /**
     * The return window's timer stays scheduled after the provider came back; it must not keep the
     * departed revision reachable (its service object, so its bundle's class loader, with every
     * class of the old revision) for the rest of the window.
     */
    @Test
    void aPendingReturnWindowDoesNotKeepASucceededRevisionReachable() {
        WeakReference<Named> first = upgradeOnce();
        assertThat(timers).as("the first revision's window is still pending").hasSize(1);
        for (int i = 0; i < 20 && first.get() != null; i++) {
            System.gc();
        }
        assertThat(first.get()).as("the departed revision is collectable").isNull();
        timers.forEach(Runnable::run);
        assertThat(seen).noneMatch(s -> s.startsWith("gone"));
    }

    private WeakReference<Named> upgradeOnce() {
        var first = new Named("first");
        registry.add(first, props("wasi", 1, 57, null));
        registry.remove(first, props("wasi", 1, 57, null));
        bundles.put(57L, new ProviderIdentity(57, "io.krustlet.wasi", "1.1.0"));
        registry.add(new Named("second"), props("wasi", 2, 57, null));
        return new WeakReference<>(first);
    }

    @Test
    void aProviderThatDoesNotComeBackIsGoneAfterTheWindowOrWhenUninstalled() {
        var wasi = new Named("wasi");
        var test = new Named("test");
        registry.add(wasi, props("wasi", 1, 57, null));
        registry.add(test, props("test", 2, 60, ContainerRuntime.UPGRADE_CARRY_OVER));
        assertThat(registry.provider("test").orElseThrow().upgrade()).isEqualTo(UpgradeStrategy.CARRY_OVER);
        registry.remove(wasi, props("wasi", 1, 57, null));
        registry.remove(test, props("test", 2, 60, null));
        seen.clear();

        registry.bundleUninstalled(60);
        assertThat(seen).containsExactly("gone io.krustlet.test 1.0.0 (bundle 60)");
        timers.forEach(Runnable::run);
        assertThat(seen).containsExactly("gone io.krustlet.test 1.0.0 (bundle 60)", "gone io.krustlet.wasi 1.0.0 (bundle 57)");

        // a provider of another bundle for the runtime is no successor
        registry.add(new Named("other"), props("wasi", 3, 60, null));
        assertThat(seen.get(seen.size() - 1)).isEqualTo("added io.krustlet.test 1.0.0 (bundle 60)");
    }

    @Test
    void whenOneOfTwoProvidersOfARuntimeLeavesTheOtherTakesOver() {
        var low = new Named("low");
        var high = new Named("high");
        registry.add(low, props("wasi", 1, 57, null));
        registry.add(high, Map.of(ContainerRuntime.RUNTIME_PROPERTY, "wasi", "service.id", 2L, "service.bundleid", 60L,
                "service.ranking", 10));
        seen.clear();
        registry.remove(high, Map.of());
        assertThat(seen).containsExactly("removing io.krustlet.test 1.0.0 (bundle 60)",
                "added io.krustlet.wasi 1.0.0 (bundle 57)");
        assertThat(registry.find("wasi")).containsSame(low);
    }
}
