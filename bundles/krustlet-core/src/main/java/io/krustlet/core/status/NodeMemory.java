package io.krustlet.core.status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The memory of the machine the node runs on, in bytes, as the kubelet counts it: capacity is the
 * machine's memory ({@code MemTotal} of {@code /proc/meminfo}, cAdvisor's figure), lowered to the
 * limit of the cgroup the node runs in when it has one (cgroup v2 {@code memory.max}); available
 * is what the kernel says can be given without swapping ({@code MemAvailable}), lowered likewise
 * to what the cgroup has left. A node's pods need this, not the JVM's heap: WebAssembly linear
 * memory lives outside the heap.
 *
 * <p>Where {@code /proc/meminfo} cannot be read (not Linux), the JVM's maximum heap and what is
 * left of it stand in.
 *
 * @param capacityBytes the node's memory capacity
 * @param availableBytes what of it is available now
 */
public record NodeMemory(long capacityBytes, long availableBytes) {

    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final Path CGROUP = Path.of("/sys/fs/cgroup");

    /** Reads the figures now: a few small files, a millisecond; any thread. */
    public static NodeMemory read() {
        Optional<String> meminfo = text(MEMINFO);
        if (meminfo.isEmpty()) {
            Runtime runtime = Runtime.getRuntime();
            long used = runtime.totalMemory() - runtime.freeMemory();
            return new NodeMemory(runtime.maxMemory(), Math.max(0, runtime.maxMemory() - used));
        }
        return of(meminfo.get(), text(CGROUP.resolve("memory.max")).orElse(null),
                text(CGROUP.resolve("memory.current")).orElse(null));
    }

    /**
     * The figures from the files' contents.
     *
     * @param meminfo {@code /proc/meminfo}
     * @param cgroupMax {@code memory.max} of the node's cgroup ({@code max} or a byte count), or null
     * @param cgroupCurrent {@code memory.current} of that cgroup, or null
     * @throws IllegalArgumentException when {@code meminfo} has no {@code MemTotal}
     */
    public static NodeMemory of(String meminfo, String cgroupMax, String cgroupCurrent) {
        long total = kibibytes(meminfo, "MemTotal:")
                .orElseThrow(() -> new IllegalArgumentException("no MemTotal in /proc/meminfo")) * 1024;
        long available = kibibytes(meminfo, "MemAvailable:").or(() -> kibibytes(meminfo, "MemFree:")).orElse(0L) * 1024;
        long limit = number(cgroupMax).orElse(Long.MAX_VALUE);
        if (limit < total) {
            long used = number(cgroupCurrent).orElse(0L);
            return new NodeMemory(limit, Math.max(0, Math.min(available, limit - used)));
        }
        return new NodeMemory(total, available);
    }

    private static Optional<Long> kibibytes(String meminfo, String key) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith(key)) {
                return number(line.substring(key.length()).replace("kB", ""));
            }
        }
        return Optional.empty();
    }

    private static Optional<Long> number(String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty(); // "max": no limit
        }
    }

    private static Optional<String> text(Path file) {
        try {
            // not Files.readString: it trusts the size /proc and /sys report, which can cut a file short
            return Optional.of(String.join("\n", Files.readAllLines(file)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
