package io.krustlet.core.cluster;

import io.krustlet.core.status.NodeMemory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's pressure conditions, measured the way they matter for a JVM node running
 * WebAssembly modules. Memory: the machine's available memory under 100 MiB (the kubelet's default
 * hard eviction threshold, {@code memory.available<100Mi}; the modules' linear memories live
 * there, outside the heap), or the heap left after the last garbage collections under 5 % (the
 * node's own state lives there; the momentary use always climbs to the next collection). Disk:
 * the free space where pods, volumes, modules and logs live, under 10 %.
 */
public final class NodePressure {

    private static final long MEMORY_AVAILABLE_MIN_BYTES = 100L << 20;
    private static final double HEAP_AVAILABLE_MIN = 0.05;
    private static final double DISK_AVAILABLE_MIN = 0.10;

    private final Path dataDir;

    /** @param dataDir where pods, volumes, modules and logs live: the disk that matters */
    public NodePressure(Path dataDir) {
        this.dataDir = dataDir;
    }

    NodeStatusFactory.Pressure measure() {
        return new NodeStatusFactory.Pressure(memoryPressure() != null, diskPressure(), false);
    }

    /**
     * Why the node is short of memory now, for the condition's message, or null when it is not.
     * Reads /proc and the JVM's memory pools: cheap, any thread.
     */
    public static String memoryPressure() {
        long available = NodeMemory.read().availableBytes();
        if (available < MEMORY_AVAILABLE_MIN_BYTES) {
            return "the machine has " + (available >> 20) + " MiB of memory available, less than 100 MiB";
        }
        long max = Runtime.getRuntime().maxMemory();
        long usedAfterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                usedAfterGc += pool.getCollectionUsage().getUsed();
            }
        }
        if (max > 0 && max != Long.MAX_VALUE && (max - usedAfterGc) < max * HEAP_AVAILABLE_MIN) {
            return "less than 5% of the node's heap is free after collection";
        }
        return null;
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
