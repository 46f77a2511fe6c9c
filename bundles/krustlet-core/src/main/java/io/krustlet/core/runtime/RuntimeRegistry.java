package io.krustlet.core.runtime;

import io.krustlet.api.ContainerRuntime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers present right now, by the runtime they serve. Fed by the core component's
 * dynamic reference; pod workers ask it which provider runs their containers and hear when one
 * arrives or leaves.
 */
public final class RuntimeRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeRegistry.class);

    /** Told when providers come and go. */
    public interface Listener {
        void runtimeAdded(String runtime);

        /** Called while the provider is still usable, before it is gone. */
        void runtimeRemoving(String runtime, ContainerRuntime provider);
    }

    private record Entry(String runtime, String arch, int ranking, long serviceId, ContainerRuntime provider) {
    }

    private static final Comparator<Entry> PREFERENCE =
            Comparator.comparingInt(Entry::ranking).reversed().thenComparingLong(Entry::serviceId);

    private final List<Entry> entries = new ArrayList<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    public void add(ContainerRuntime provider, Map<String, ?> properties) {
        String runtime = stringProperty(properties, ContainerRuntime.RUNTIME_PROPERTY);
        if (runtime == null) {
            LOG.warn("Ignoring container runtime service {} without the {} property", provider,
                    ContainerRuntime.RUNTIME_PROPERTY);
            return;
        }
        Entry entry = new Entry(runtime, stringProperty(properties, ContainerRuntime.ARCH_PROPERTY),
                intProperty(properties, "service.ranking"), longProperty(properties, "service.id"), provider);
        synchronized (entries) {
            entries.add(entry);
            entries.sort(PREFERENCE);
        }
        LOG.info("Runtime provider for '{}' ({}) is available", runtime, entry.arch());
        listeners.forEach(l -> l.runtimeAdded(runtime));
    }

    public void remove(ContainerRuntime provider, Map<String, ?> properties) {
        Entry removed = null;
        synchronized (entries) {
            for (Entry e : entries) {
                if (e.provider() == provider) {
                    removed = e;
                    break;
                }
            }
            // out of the registry first: a container stopped below must not be started again on it
            entries.remove(removed);
        }
        if (removed == null) {
            return;
        }
        LOG.info("Runtime provider for '{}' is leaving", removed.runtime());
        for (Listener l : listeners) {
            l.runtimeRemoving(removed.runtime(), provider);
        }
        String runtime = removed.runtime();
        if (find(runtime).isPresent()) {
            listeners.forEach(l -> l.runtimeAdded(runtime));
        }
    }

    /** The preferred provider for a runtime. */
    public Optional<ContainerRuntime> find(String runtime) {
        synchronized (entries) {
            return entries.stream().filter(e -> e.runtime().equals(runtime)).map(Entry::provider).findFirst();
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
        Map<String, String> versions = new java.util.TreeMap<>();
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
        return properties.get(key) instanceof Number n ? n.longValue() : 0L;
    }
}
