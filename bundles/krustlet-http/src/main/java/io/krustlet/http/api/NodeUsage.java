package io.krustlet.http.api;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;

/**
 * The node's own CPU and memory. The node is this JVM: the core reports its capacity as the JVM's
 * processors and maximum heap, so usage is the JVM process's CPU time and its used heap.
 * usageNanoCores is the rate over the time since the previous sample (at least a second apart),
 * as cAdvisor computes it over its housekeeping interval.
 */
final class NodeUsage {

    record Sample(Instant time, long cpuNanos, long usageNanoCores, long workingSetBytes, long availableBytes) {
    }

    private long lastNanoTime;
    private long lastCpu;
    private long lastRate;

    synchronized Sample sample() {
        long now = System.nanoTime();
        long cpu = cpuNanos();
        if (lastNanoTime == 0) {
            long uptime = Math.max(1, ManagementFactory.getRuntimeMXBean().getUptime()) * 1_000_000L;
            lastRate = (long) (cpu * 1e9 / uptime);
            lastNanoTime = now;
            lastCpu = cpu;
        } else if (now - lastNanoTime >= 1_000_000_000L) {
            lastRate = (long) ((cpu - lastCpu) * 1e9 / (now - lastNanoTime));
            lastNanoTime = now;
            lastCpu = cpu;
        }
        Runtime runtime = Runtime.getRuntime();
        long used = runtime.totalMemory() - runtime.freeMemory();
        return new Sample(Instant.now(), cpu, Math.max(0, lastRate), used, Math.max(0, runtime.maxMemory() - used));
    }

    static Instant startTime() {
        return Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
}
