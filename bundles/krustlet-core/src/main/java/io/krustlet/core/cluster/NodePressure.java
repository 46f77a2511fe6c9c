package io.krustlet.core.cluster;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's pressure conditions, measured the way they matter for a JVM node: memory is the
 * heap left after the last garbage collections (not the momentary use, which always climbs to
 * the next collection), disk is the free space where pods, volumes, modules and logs live.
 * Thresholds are the kubelet's hard eviction defaults in spirit: under 5 % heap, under 10 % disk.
 */
public final class NodePressure {

    private static final double MEMORY_AVAILABLE_MIN = 0.05;
    private static final double DISK_AVAILABLE_MIN = 0.10;

    private final Path dataDir;

    /** @param dataDir where pods, volumes, modules and logs live: the disk that matters */
    public NodePressure(Path dataDir) {
        this.dataDir = dataDir;
    }

    NodeStatusFactory.Pressure measure() {
        return new NodeStatusFactory.Pressure(memoryPressure(), diskPressure(), false);
    }

    /** Whether less than 5 % of the heap is left after the last collections. */
    public static boolean memoryPressure() {
        long max = Runtime.getRuntime().maxMemory();
        long usedAfterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                usedAfterGc += pool.getCollectionUsage().getUsed();
            }
        }
        return max > 0 && max != Long.MAX_VALUE && (max - usedAfterGc) < max * MEMORY_AVAILABLE_MIN;
    }

    /** Whether less than 10 % of the data directory's disk is free. */
    public boolean diskPressure() {
        try {
            var store = Files.getFileStore(dataDir);
            long total = store.getTotalSpace();
            return total > 0 && store.getUsableSpace() < total * DISK_AVAILABLE_MIN;
        } catch (IOException e) {
            return false;
        }
    }
}
