package io.krustlet.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a new configuration of PID {@code io.krustlet.kubelet} changes in a running node, key by
 * key: the keys that apply live (no pod restarted) and those that need the node to restart, with
 * why. The settings the node goes on with ({@link #effective()}) take the new value of every live
 * key and keep the running value of every other one until the next restart (of the krustlet-core
 * bundle or of Karaf). Pure: computed from two settings, no side effects; any thread.
 *
 * @param effective the settings to run with from now on
 * @param live the config keys whose value changed and applies now, in declaration order
 * @param restartNeeded the config keys whose value changed but applies only after a restart
 */
public record SettingsChange(KubeletSettings effective, List<String> live, List<Restart> restartNeeded) {

    public SettingsChange {
        live = List.copyOf(live);
        restartNeeded = List.copyOf(restartNeeded);
    }

    /**
     * A key whose new value waits for a restart.
     *
     * @param key the config key ({@code nodeName}, ...)
     * @param running the value the node runs with
     * @param configured the value configured now
     * @param why why it cannot change in a running node
     */
    public record Restart(String key, Object running, Object configured, String why) {
    }

    /** A config key, how to read it from the settings, and (when it cannot apply live) why. */
    private record Key(String name, Function<KubeletSettings, Object> value, String restartBecause) {
        boolean live() {
            return restartBecause == null;
        }
    }

    /** Every key of {@link KubeletConfig} the core reads, live or not (bootstrap keys are the bootstrap's). */
    private static final List<Key> KEYS = List.of(
            new Key("nodeName", KubeletSettings::nodeName, "the node's name is its identity: the Node object,"
                    + " its Lease, its client certificate and the names of its static pods"),
            new Key("nodeIP", KubeletSettings::nodeIP, "pods' hostIP, their probes and the Node's addresses"
                    + " were set from it when the node started"),
            new Key("dataDir", s -> s.dataDir().toString(), "running pods' volumes and container logs live in"
                    + " the current data directory"),
            new Key("podManifestPath", s -> s.podManifestPath().toString(), null),
            new Key("manifestRescanSeconds", s -> s.manifestRescan().toSeconds(), null),
            new Key("maxPods", KubeletSettings::maxPods, null),
            new Key("defaultRuntime", KubeletSettings::defaultRuntime, null),
            new Key("allowLocalModules", KubeletSettings::allowLocalModules, null),
            new Key("localModuleRoot", s -> s.localModuleRoot().toString(), null),
            new Key("containerLogMaxSize", KubeletSettings::containerLogMaxSize, null),
            new Key("containerLogMaxFiles", KubeletSettings::containerLogMaxFiles, null),
            new Key("kubeconfig", KubeletSettings::kubeconfig, "it names the cluster the node belongs to and"
                    + " takes its pods from; its running pods came from the current one"),
            new Key("nodeLabels", KubeletSettings::nodeLabels, null),
            new Key("port", KubeletSettings::port, "the Node's kubelet endpoint is registered when the node"
                    + " starts (the HTTPS API listens on the port of PID io.krustlet.http)"),
            new Key("bootstrapFile", KubeletSettings::bootstrapFile, "TLS bootstrap is decided when the node"
                    + " starts"),
            new Key("kubeAPIQPS", KubeletSettings::kubeAPIQPS, null),
            new Key("kubeAPIBurst", KubeletSettings::kubeAPIBurst, null),
            new Key("volumeRefreshSeconds", s -> s.volumeRefresh().toSeconds(), null));

    /** The config keys that apply to a running node without a restart. */
    public static List<String> liveKeys() {
        return KEYS.stream().filter(Key::live).map(Key::name).toList();
    }

    /** The config keys whose change needs a restart. */
    public static List<String> restartKeys() {
        return KEYS.stream().filter(k -> !k.live()).map(Key::name).toList();
    }

    /**
     * @param running the settings the node runs with
     * @param configured the settings the configuration (with its environment overrides) gives now
     */
    public static SettingsChange between(KubeletSettings running, KubeletSettings configured) {
        List<String> live = new ArrayList<>();
        List<Restart> restart = new ArrayList<>();
        for (Key key : KEYS) {
            Object before = key.value().apply(running);
            Object after = key.value().apply(configured);
            if (Objects.equals(before, after)) {
                continue;
            }
            if (key.live()) {
                live.add(key.name());
            } else {
                restart.add(new Restart(key.name(), before, after, key.restartBecause()));
            }
        }
        var effective = new KubeletSettings(running.nodeName(), running.nodeIP(), running.dataDir(),
                configured.podManifestPath(), configured.manifestRescan(), configured.maxPods(),
                configured.defaultRuntime(), configured.allowLocalModules(), configured.localModuleRoot(),
                configured.containerLogMaxSize(), configured.containerLogMaxFiles(), running.kubeconfig(),
                configured.nodeLabels(), running.port(), running.bootstrapFile(), configured.kubeAPIQPS(),
                configured.kubeAPIBurst(), configured.volumeRefresh());
        return new SettingsChange(effective, live, restart);
    }

    /** The value of config key {@code key} in {@code settings}, as the log shows it. */
    public static Object value(String key, KubeletSettings settings) {
        return KEYS.stream().filter(k -> k.name().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no such kubelet config key: " + key))
                .value().apply(settings);
    }

    /** Whether {@code key} changed and applies now. */
    public boolean changed(String key) {
        return live.contains(key);
    }
}
