package io.krustlet.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link ModuleCpu} on a platform thread (every JDK) and on a virtual thread (Java 21+; the build
 * runs this module's tests on Java 25 too when it is installed): work is counted, waits between
 * {@code enter} and {@code exit} are not, and no segment is ever charged more than the wall-clock
 * time it lasted.
 */
class ModuleCpuTest {

    /** Busy work the JIT cannot remove: spins until {@code nanos} of wall-clock time passed. */
    private static long spin(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 1;
        while (System.nanoTime() < end) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    private record Measured(long cpu, long wall, long cpuAfterWork, long cpuBeforeWait) {
    }

    /** Work 300 ms, wait 400 ms (bracketed), work 300 ms, on {@code thread}. */
    private static Measured measure(boolean virtual) throws Exception {
        var cpu = new ModuleCpu();
        var result = new CompletableFuture<Measured>();
        var sink = new AtomicLong();
        Thread thread = ModuleThreads.newThread("cpu-test", () -> {
            try {
                long start = System.nanoTime();
                cpu.begin();
                sink.addAndGet(spin(300_000_000L));
                long afterWork = cpu.nanos();
                cpu.enter();
                long beforeWait = cpu.nanos();
                Thread.sleep(400);
                long afterWait = cpu.nanos();
                cpu.exit();
                sink.addAndGet(spin(300_000_000L));
                cpu.end();
                long wall = System.nanoTime() - start;
                assertThat(afterWait).as("a wait counts nothing").isEqualTo(beforeWait);
                result.complete(new Measured(cpu.nanos(), wall, afterWork, beforeWait));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, virtual);
        thread.start();
        return result.get(60, TimeUnit.SECONDS);
    }

    private static void assertSensible(Measured m) {
        assertThat(m.cpuAfterWork()).as("300 ms of work counted while the run goes on").isPositive();
        assertThat(m.cpu()).as("the work of both segments").isGreaterThan(m.cpuBeforeWait());
        // the 400 ms wait is not CPU time: what was counted is at most the wall time minus the wait
        assertThat(m.cpu()).as("never more than the time the module held a thread")
                .isLessThanOrEqualTo(m.wall() - 400_000_000L + 20_000_000L);
    }

    @Test
    void onAPlatformThreadItCountsTheThreadsCpuTimeAndNotItsWaits() throws Exception {
        Measured m = measure(false);
        assertSensible(m);
    }

    @Test
    void onAVirtualThreadItCountsTheCarriersCpuTimeAndNotItsWaits() throws Exception {
        assumeTrue(ModuleThreads.virtualAvailable(), "virtual threads need Java 21+");
        Measured m = measure(true);
        assertSensible(m);
    }

    @Test
    void anotherThreadSeesTheSegmentUnderWay() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            if (virtual && !ModuleThreads.virtualAvailable()) {
                continue;
            }
            var cpu = new ModuleCpu();
            var started = new CountDownLatch(1);
            var stop = new CountDownLatch(1);
            Thread thread = ModuleThreads.newThread("cpu-test", () -> {
                cpu.begin();
                started.countDown();
                while (stop.getCount() > 0) {
                    spin(1_000_000L);
                }
                cpu.end();
            }, virtual);
            thread.start();
            started.await();
            long first = cpu.nanos();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> cpu.nanos() > first + 50_000_000L);
            stop.countDown();
            thread.join(10_000);
            assertThat(cpu.nanos()).as("virtual=%s: the finished run keeps its total", virtual)
                    .isGreaterThan(first + 50_000_000L);
        }
    }

    @Test
    void beforeItBeginsARunHasUsedNothing() {
        assertThat(new ModuleCpu().nanos()).isZero();
    }

    @Test
    void threadsAreVirtualExactlyWhenTheJvmHasThemAndTheyAreAskedFor() {
        boolean jdk21 = Runtime.version().feature() >= 21;
        assertThat(ModuleThreads.virtualAvailable()).isEqualTo(jdk21);
        assertThat(ModuleThreads.isVirtual(ModuleThreads.newThread("v", () -> { }, true))).isEqualTo(jdk21);
        Thread platform = ModuleThreads.newThread("p", () -> { }, false);
        assertThat(ModuleThreads.isVirtual(platform)).isFalse();
        assertThat(platform.isDaemon()).isTrue();
        assertThat(platform.getName()).isEqualTo("p");
    }
}
