package io.krustlet.core.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The node's memory from /proc/meminfo and its cgroup's files, as the kubelet counts it. */
class NodeMemoryTest {

    private static final String MEMINFO = """
            MemTotal:       24684000 kB
            MemFree:        19000000 kB
            MemAvailable:   23500000 kB
            Buffers:          100000 kB
            """;

    @Test
    void theMachinesMemoryWithoutACgroupLimit() {
        assertThat(NodeMemory.of(MEMINFO, null, null))
                .isEqualTo(new NodeMemory(24_684_000L * 1024, 23_500_000L * 1024));
        assertThat(NodeMemory.of(MEMINFO, "max\n", "123\n"))
                .isEqualTo(new NodeMemory(24_684_000L * 1024, 23_500_000L * 1024));
    }

    @Test
    void aLowerCgroupLimitIsTheCapacityAndWhatItHasLeftIsAvailable() {
        long limit = 4L << 30;
        long used = 3L << 30;
        assertThat(NodeMemory.of(MEMINFO, limit + "\n", used + "\n")).isEqualTo(new NodeMemory(limit, limit - used));
        // a cgroup over its limit (reclaim pending) has nothing available, never a negative amount
        assertThat(NodeMemory.of(MEMINFO, Long.toString(limit), Long.toString(limit + 1)).availableBytes()).isZero();
        // a cgroup limit above the machine's memory changes nothing
        assertThat(NodeMemory.of(MEMINFO, Long.toString(64L << 30), "1").capacityBytes()).isEqualTo(24_684_000L * 1024);
    }

    @Test
    void anOldKernelWithoutMemAvailableCountsMemFree() {
        assertThat(NodeMemory.of("MemTotal: 1000 kB\nMemFree: 400 kB\n", null, null))
                .isEqualTo(new NodeMemory(1000 * 1024, 400 * 1024));
    }

    @Test
    void meminfoWithoutMemTotalIsRefused() {
        assertThatThrownBy(() -> NodeMemory.of("MemFree: 1 kB\n", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MemTotal");
    }

    @Test
    void thisMachinesFiguresAreCoherent() {
        NodeMemory memory = NodeMemory.read();
        assertThat(memory.capacityBytes()).isPositive();
        assertThat(memory.availableBytes()).isBetween(0L, memory.capacityBytes());
    }
}
