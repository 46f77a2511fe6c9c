package io.krustlet.http.api;

import io.krustlet.core.status.NodeMemory;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;

/**
 * The node's own CPU and memory. CPU: the node is this JVM, whose capacity the core reports as the
 * JVM's processors, so usage is the JVM process's CPU time. Memory: the core reports the machine's
 * ({@link NodeMemory}: the modules' linear memories live outside the heap), so the working set is
 * what of it is not available, as the kubelet reports its root cgroup.
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
        NodeMemory memory = NodeMemory.read();
        return new Sample(Instant.now(), cpu, Math.max(0, lastRate),
                Math.max(0, memory.capacityBytes() - memory.availableBytes()), memory.availableBytes());
    }

    static Instant startTime() {
        return Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
}
