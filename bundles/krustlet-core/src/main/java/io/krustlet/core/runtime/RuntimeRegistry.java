package io.krustlet.core.runtime;

import io.krustlet.api.ContainerRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers present right now, by the runtime they serve, and the ones that just left. Fed by
 * the core component's dynamic reference (on the OSGi thread that registers or unregisters the
 * service); pod workers ask it which provider runs their containers and hear when one arrives,
 * leaves, comes back as a new revision, or is gone for good.
 *
 * <p>When a provider leaves it is remembered for {@link #RETURN_WINDOW}: a provider of the same
 * runtime from a bundle with the same symbolic name that registers within it is its successor (a
 * bundle update, refresh, restart, or a jar overwritten in {@code deploy/}); otherwise, or as soon
 * as its bundle is uninstalled, it is gone.
 */
public final class RuntimeRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeRegistry.class);
    /** How long a provider that left may take to come back as its own successor. */
    public static final Duration RETURN_WINDOW = Duration.ofSeconds(30);

    /** Told when providers come and go; every method runs on the thread that changed the registry. */
    public interface Listener {
        /** A provider for {@code runtime} is there now. */
        default void runtimeAdded(String runtime) {
        }

        /** Called while the provider is still usable, before it is gone. */
        default void runtimeRemoving(String runtime, ContainerRuntime provider) {
        }

        /**
         * A provider is there now.
         *
         * @param predecessor the provider it succeeds (same runtime, same bundle symbolic name,
         *     left within the return window), if any
         */
        default void providerAdded(Provider provider, Optional<Provider> predecessor) {
            runtimeAdded(provider.runtime());
        }

        /** A provider is leaving; it is no longer found, but still usable while this runs. */
        default void providerRemoving(Provider provider) {
            runtimeRemoving(provider.runtime(), provider.service());
        }

        /** A provider that left did not come back: uninstalled, or the return window passed. */
        default void providerGone(Provider provider) {
        }
    }

    /** Runs a task later: the return window's timer. */
    @FunctionalInterface
    public interface Delays {
        void after(Duration delay, Runnable task);

        /** No timer: a provider that left is gone only when its bundle is uninstalled. */
        Delays NONE = (delay, task) -> { };
    }

    private static final Comparator<Provider> PREFERENCE =
            Comparator.comparingInt(Provider::ranking).reversed().thenComparingLong(Provider::serviceId);

    private final List<Provider> entries = new ArrayList<>(); // guarded by itself
    /**
     * The providers that left and may come back, by departure number: the return window's timer
     * holds only the number, so a provider that came back (or is gone) is not kept reachable, with
     * its bundle's class loader, until the window ends. Guarded by entries.
     */
    private final Map<Long, Provider> departed = new HashMap<>();
    private long departures; // guarded by entries
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final LongFunction<ProviderIdentity> identities;
    private final Delays delays;

    /** A registry without bundle identities or timers (tests, the bench). */
    public RuntimeRegistry() {
        this(ProviderIdentity::unknown, Delays.NONE);
    }

    /**
     * @param identities the bundle behind a {@code service.bundleid}
     * @param delays runs the return window's timer
     */
    public RuntimeRegistry(LongFunction<ProviderIdentity> identities, Delays delays) {
        this.identities = identities;
        this.delays = delays;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** A provider service registered, with its service properties. */
    public void add(ContainerRuntime service, Map<String, ?> properties) {
        String runtime = stringProperty(properties, ContainerRuntime.RUNTIME_PROPERTY);
        if (runtime == null) {
            LOG.warn("Ignoring container runtime service {} without the {} property", service,
                    ContainerRuntime.RUNTIME_PROPERTY);
            return;
        }
        Provider provider = new Provider(runtime, stringProperty(properties, ContainerRuntime.ARCH_PROPERTY),
                intProperty(properties, "service.ranking"), longProperty(properties, "service.id"),
                identities.apply(longProperty(properties, "service.bundleid")),
                UpgradeStrategy.of(stringProperty(properties, ContainerRuntime.UPGRADE_PROPERTY)), service);
        Optional<Provider> predecessor;
        synchronized (entries) {
            entries.add(provider);
            entries.sort(PREFERENCE);
            predecessor = departed.values().stream().filter(provider::succeeds).findFirst();
            predecessor.ifPresent(p -> departed.values().remove(p));
        }
        LOG.info("Runtime provider for '{}' is available: {}{}", runtime, provider.identity(),
                predecessor.map(p -> ", succeeding " + p.identity()).orElse(""));
        listeners.forEach(l -> l.providerAdded(provider, predecessor));
    }

    /** A provider service is being unregistered. */
    public void remove(ContainerRuntime service, Map<String, ?> properties) {
        Provider removed = null;
        long departure = 0;
        synchronized (entries) {
            for (Provider p : entries) {
                if (p.service() == service) {
                    removed = p;
                    break;
                }
            }
            // out of the registry first: a container stopped below must not be started again on it
            entries.remove(removed);
            if (removed != null) {
                departure = ++departures;
                departed.put(departure, removed);
            }
        }
        if (removed == null) {
            return;
        }
        Provider leaving = removed;
        LOG.info("Runtime provider for '{}' is leaving: {}", leaving.runtime(), leaving.identity());
        listeners.forEach(l -> l.providerRemoving(leaving));
        long number = departure;
        delays.after(RETURN_WINDOW, () -> windowPassed(number));
        // another provider of the runtime may take over what this one ran
        provider(leaving.runtime()).ifPresent(next -> listeners.forEach(l -> l.providerAdded(next, Optional.empty())));
    }

    /** The bundle was uninstalled: what it provided and left will not come back. */
    public void bundleUninstalled(long bundleId) {
        List<Provider> left;
        synchronized (entries) {
            left = departed.values().stream().filter(p -> p.identity().bundleId() == bundleId).toList();
            departed.values().removeAll(left);
        }
        left.forEach(this::gone);
    }

    /** The return window of a departure passed: gone, unless it came back or is gone already. */
    private void windowPassed(long departure) {
        Provider provider;
        synchronized (entries) {
            provider = departed.remove(departure);
        }
        if (provider != null) {
            gone(provider);
        }
    }

    private void gone(Provider provider) {
        LOG.info("Runtime provider {} for '{}' is gone", provider.identity(), provider.runtime());
        listeners.forEach(l -> l.providerGone(provider));
    }

    /** The preferred provider for a runtime. */
    public Optional<ContainerRuntime> find(String runtime) {
        return provider(runtime).map(Provider::service);
    }

    /** The preferred provider for a runtime, with its identity. */
    public Optional<Provider> provider(String runtime) {
        synchronized (entries) {
            return entries.stream().filter(e -> e.runtime().equals(runtime)).findFirst();
        }
    }

    /** Every provider present, preferred ones first. */
    public List<Provider> providers() {
        synchronized (entries) {
            return List.copyOf(entries);
        }
    }

    /** The runtimes served now. */
    public Set<String> runtimes() {
        synchronized (entries) {
            Set<String> names = new TreeSet<>();
            entries.forEach(e -> names.add(e.runtime()));
            return names;
        }
    }

    /**
     * Each runtime served now with the container runtime version of its preferred provider
     * ({@code wasi -> chicory://1.7.5}); a provider whose info() fails is reported as unknown.
     */
    public Map<String, String> versions() {
        Map<String, String> versions = new TreeMap<>();
        for (String runtime : runtimes()) {
            find(runtime).ifPresent(p -> {
                try {
                    versions.put(runtime, p.info().containerRuntimeVersion());
                } catch (RuntimeException | LinkageError e) {
                    versions.put(runtime, runtime + "://unknown");
                }
            });
        }
        return versions;
    }

    /** The architectures implied by the providers present. */
    public Set<String> architectures() {
        synchronized (entries) {
            Set<String> names = new TreeSet<>();
            entries.stream().filter(e -> e.arch() != null).forEach(e -> names.add(e.arch()));
            return names;
        }
    }

    private static String stringProperty(Map<String, ?> properties, String key) {
        Object value = properties.get(key);
        if (value instanceof String[] array) {
            return array.length == 0 ? null : array[0];
        }
        return value == null ? null : value.toString();
    }

    private static int intProperty(Map<String, ?> properties, String key) {
        return properties.get(key) instanceof Number n ? n.intValue() : 0;
    }

    private static long longProperty(Map<String, ?> properties, String key) {
        return properties.get(key) instanceof Number n ? n.longValue() : -1L;
    }
}
