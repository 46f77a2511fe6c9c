package io.krustlet.core.cluster;

import io.krustlet.core.status.NodeMemory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/** What the node finds out about the machine it runs on, for its Node object. */
public final class NodeEnvironment {

    private NodeEnvironment() {
    }

    public static ClusterNode.Environment of(Path dataDir) {
        long storage;
        try {
            storage = Files.getFileStore(dataDir).getTotalSpace();
        } catch (IOException e) {
            storage = 0;
        }
        return new ClusterNode.Environment(hostname(), Runtime.getRuntime().availableProcessors(),
                NodeMemory.read().capacityBytes(), storage, kubeletVersion(), bootId());
    }

    static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** {@code v<bundle version>-krustlet}, what {@code kubectl get nodes} shows as VERSION. */
    static String kubeletVersion() {
        String version = "0.1.0";
        try {
            var bundle = org.osgi.framework.FrameworkUtil.getBundle(NodeEnvironment.class);
            if (bundle != null) {
                var v = bundle.getVersion();
                version = v.getMajor() + "." + v.getMinor() + "." + v.getMicro();
            }
        } catch (LinkageError e) {
            // outside OSGi (tests, benchmarks): no framework classes
        }
        return "v" + version + "-krustlet";
    }

    /** The machine's boot id, which changes on reboot (what the kubelet reports). */
    static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException | RuntimeException e) {
            return UUID.nameUUIDFromBytes(hostname().getBytes(StandardCharsets.UTF_8)).toString();
        }
    }
}
