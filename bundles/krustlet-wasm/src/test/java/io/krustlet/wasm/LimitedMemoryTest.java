package io.krustlet.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both access strategies of {@link LimitedMemory} (Unsafe, VarHandles) against the core spec's
 * rules for memory instructions: little-endian values at any alignment, a trap for any access that
 * reaches past the memory's size (not its array's capacity), grow semantics, and the record of a
 * grow refused by the container limit; and the storage of the Unsafe kind: off the Java heap,
 * pages that take RAM only once written, contents kept across a move to a larger reservation,
 * released on demand.
 */
class LimitedMemoryTest {

    private static final int PAGE = Memory.PAGE_SIZE;

    static Stream<Function<MemoryLimits, LimitedMemory>> kinds() {
        return Stream.of(l -> new LimitedMemory.OnUnsafe(l, Integer.MAX_VALUE, 65536),
                l -> new LimitedMemory.OnVarHandles(l, Integer.MAX_VALUE, 65536));
    }

    @Test
    void unsafeIsUsedOnThisMachine() {
        String arch = System.getProperty("os.arch");
        if (arch.equals("amd64") || arch.equals("aarch64")) {
            assertThat(LimitedMemory.unsafeAccess()).isTrue();
            assertThat(LimitedMemory.create(new MemoryLimits(1, 2), Integer.MAX_VALUE, 2))
                    .isInstanceOf(LimitedMemory.OnUnsafe.class);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void valuesAreLittleEndianAtAnyAlignment(Function<MemoryLimits, LimitedMemory> kind) {
        LimitedMemory memory = kind.apply(new MemoryLimits(1, 1));
        memory.writeLong(3, 0x0102030405060708L);
        assertThat(memory.read(3)).isEqualTo((byte) 0x08);
        assertThat(memory.read(10)).isEqualTo((byte) 0x01);
        assertThat(memory.readInt(3)).isEqualTo(0x05060708);
        assertThat(memory.readShort(4)).isEqualTo((short) 0x0607);
        assertThat(memory.readU16(9)).isEqualTo(0x0102);
        assertThat(memory.readLong(3)).isEqualTo(0x0102030405060708L);
        memory.writeI32(101, 0xCAFEBABE);
        assertThat(memory.readU32(101)).isEqualTo(0xCAFEBABEL);
        assertThat(memory.readBytes(101, 4)).containsExactly(0xBE, 0xBA, 0xFE, 0xCA);
        memory.writeShort(201, (short) -2);
        assertThat(memory.readI16(201)).isEqualTo(-2);
        memory.writeF32(301, 1.5f);
        assertThat(memory.readFloat(301)).isEqualTo(1.5f);
        assertThat(memory.readF32(301)).isEqualTo(Float.floatToRawIntBits(1.5f));
        memory.writeF64(401, -2.25);
        assertThat(memory.readDouble(401)).isEqualTo(-2.25);
        assertThat(memory.readF64(401)).isEqualTo(Double.doubleToRawLongBits(-2.25));
        memory.writeByte(PAGE - 1, (byte) 0x7F);
        assertThat(memory.readU8(PAGE - 1)).isEqualTo(0x7F);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void everyAccessReachingPastTheSizeTraps(Function<MemoryLimits, LimitedMemory> kind) {
        LimitedMemory memory = kind.apply(new MemoryLimits(1, 4));
        // the last valid address of each width works, one more byte traps
        memory.writeByte(PAGE - 1, (byte) 1);
        memory.writeShort(PAGE - 2, (short) 1);
        memory.writeI32(PAGE - 4, 1);
        memory.writeLong(PAGE - 8, 1);
        memory.writeF32(PAGE - 4, 1);
        memory.writeF64(PAGE - 8, 1);
        assertTraps(() -> memory.read(PAGE));
        assertTraps(() -> memory.writeByte(PAGE, (byte) 1));
        assertTraps(() -> memory.readShort(PAGE - 1));
        assertTraps(() -> memory.writeShort(PAGE - 1, (short) 1));
        assertTraps(() -> memory.readInt(PAGE - 3));
        assertTraps(() -> memory.writeI32(PAGE - 3, 1));
        assertTraps(() -> memory.readLong(PAGE - 7));
        assertTraps(() -> memory.writeLong(PAGE - 7, 1));
        assertTraps(() -> memory.readFloat(PAGE - 3));
        assertTraps(() -> memory.writeF32(PAGE - 3, 1));
        assertTraps(() -> memory.readDouble(PAGE - 7));
        assertTraps(() -> memory.writeF64(PAGE - 7, 1));
        // addresses of 2 GiB and more arrive negative
        for (int address : new int[] {-1, -8, Integer.MIN_VALUE}) {
            assertTraps(() -> memory.read(address));
            assertTraps(() -> memory.readInt(address));
            assertTraps(() -> memory.readLong(address));
            assertTraps(() -> memory.writeLong(address, 1));
            assertTraps(() -> memory.readBytes(address, 1));
        }
        assertTraps(() -> memory.readBytes(PAGE - 2, 3));
        assertTraps(() -> memory.write(PAGE - 2, new byte[3]));
        assertTraps(() -> memory.copy(0, PAGE - 2, 3));
        assertTraps(() -> memory.copy(PAGE - 2, 0, 3));
        assertTraps(() -> memory.fill((byte) 1, PAGE - 2, PAGE + 1));
        assertThat(memory.readBytes(PAGE, 0)).isEmpty(); // a zero-length access at the end is in bounds
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void theSpareCapacityOfAGrownStorageIsOutOfBounds(Function<MemoryLimits, LimitedMemory> kind) {
        LimitedMemory memory = kind.apply(new MemoryLimits(8, 100));
        assertThat(memory.grow(1)).isEqualTo(8); // the storage has spare capacity (a quarter more, or the reservation); the memory grows by one page
        int size = 9 * PAGE;
        memory.writeLong(size - 8, 42);
        assertThat(memory.readLong(size - 8)).isEqualTo(42);
        assertTraps(() -> memory.read(size));
        assertTraps(() -> memory.readLong(size - 4));
        assertTraps(() -> memory.writeI32(size + PAGE / 2, 1));
        assertThat(memory.grow(1)).isEqualTo(9);
        assertThat(memory.readLong(size - 8)).isEqualTo(42);
        assertThat(memory.readLong(size)).isZero(); // new pages are zero
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void growReturnsTheOldSizeAndRefusesBeyondTheMaximum(Function<MemoryLimits, LimitedMemory> kind) {
        LimitedMemory memory = kind.apply(new MemoryLimits(0, 3));
        assertThat(memory.pages()).isZero();
        assertTraps(() -> memory.read(0));
        assertThat(memory.grow(0)).isZero();
        assertThat(memory.grow(2)).isZero();
        assertThat(memory.pages()).isEqualTo(2);
        assertThat(memory.grow(2)).isEqualTo(-1);
        assertThat(memory.pages()).isEqualTo(2);
        assertThat(memory.grow(-1)).isEqualTo(-1); // 4 Gi pages, unsigned
        assertThat(memory.grow(1)).isEqualTo(2);
        memory.writeLong(3 * PAGE - 8, 7);
        assertThat(memory.limitHit()).isFalse();
    }

    @Test
    void aGrowRefusedByTheContainerLimitIsRememberedOneRefusedByTheModulesMaximumIsNot() {
        // the container allows 2 pages of a module that declares up to 10
        LimitedMemory limited = LimitedMemory.create(new MemoryLimits(1, 2), 2, 10);
        assertThat(limited.grow(1)).isEqualTo(1);
        assertThat(limited.limitHit()).isFalse();
        assertThat(limited.grow(3)).isEqualTo(-1);
        assertThat(limited.limitHit()).isTrue();
        assertThat(limited.refusedAtBytes()).isEqualTo(5L * PAGE);
        // the module's own maximum (2) refuses: not the container's doing
        LimitedMemory own = LimitedMemory.create(new MemoryLimits(1, 2), Integer.MAX_VALUE, 2);
        assertThat(own.grow(5)).isEqualTo(-1);
        assertThat(own.limitHit()).isFalse();
        assertThat(own.refusedAtBytes()).isEqualTo(-1);
    }

    @Test
    void aGrowRefusedOnlyByTheRuntimesTwoGibibytesIsRememberedApart() {
        // no container limit, or one of 3 GiB; the module allows 4 GiB; 40,001 pages pass the runtime's 32,767
        for (int limitPages : new int[] {Integer.MAX_VALUE, 49152}) {
            LimitedMemory memory = LimitedMemory.create(new MemoryLimits(1, Math.min(limitPages, 65536)), limitPages,
                    65536);
            assertThat(memory.grow(40000)).isEqualTo(-1);
            assertThat(memory.beyondRuntimeAtBytes()).isEqualTo(40001L * PAGE);
            assertThat(memory.limitHit()).isFalse();
            memory.release();
        }
        // a container limit under the request: OOMKilled, whatever the runtime supports
        LimitedMemory limited = LimitedMemory.create(new MemoryLimits(1, 100), 100, 65536);
        assertThat(limited.grow(40000)).isEqualTo(-1);
        assertThat(limited.limitHit()).isTrue();
        assertThat(limited.beyondRuntimeAtBytes()).isEqualTo(-1);
        // the module's own maximum: neither
        LimitedMemory own = LimitedMemory.create(new MemoryLimits(1, 100), Integer.MAX_VALUE, 100);
        assertThat(own.grow(40000)).isEqualTo(-1);
        assertThat(own.limitHit()).isFalse();
        assertThat(own.beyondRuntimeAtBytes()).isEqualTo(-1);
    }

    @Test
    void theStorageIsSaidForTheLog() {
        String arch = System.getProperty("os.arch");
        if ((arch.equals("amd64") || arch.equals("aarch64")) && OffHeapPages.lazilyCommitted()) {
            assertThat(LimitedMemory.storage()).isEqualTo("linear memory off the heap, committed as touched");
        } else {
            assertThat(LimitedMemory.storage()).startsWith("linear memory ");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void bulkOperationsCopyFillAndOverlap(Function<MemoryLimits, LimitedMemory> kind) {
        LimitedMemory memory = kind.apply(new MemoryLimits(1, 1));
        memory.write(10, new byte[] {1, 2, 3, 4, 5});
        memory.copy(12, 10, 5); // overlapping, forwards: as if through a temporary buffer
        assertThat(memory.readBytes(10, 7)).containsExactly(1, 2, 1, 2, 3, 4, 5);
        memory.copy(10, 12, 5); // overlapping, backwards
        assertThat(memory.readBytes(10, 7)).containsExactly(1, 2, 3, 4, 5, 4, 5);
        memory.fill((byte) 9, 11, 13);
        assertThat(memory.readBytes(10, 4)).containsExactly(1, 9, 9, 4);
        memory.write(20, new byte[] {7, 8, 9}, 1, 2);
        assertThat(memory.readBytes(20, 3)).containsExactly(8, 9, 0);
        memory.zero();
        assertThat(memory.readBytes(10, 12)).containsOnly(0);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void largeOverlappingCopiesMoveAsIfThroughATemporaryOnceCompiledToo(Function<MemoryLimits, LimitedMemory> kind) {
        LimitedMemory memory = kind.apply(new MemoryLimits(4, 4));
        int length = 3 * PAGE;
        byte[] pattern = new byte[length + 64];
        new Random(7).nextBytes(pattern);
        for (int round = 0; round < 3000; round++) { // enough calls for the JIT to compile copy()
            memory.write(0, pattern);
            int shift = 1 + round % 63;
            memory.copy(shift, 0, length); // forwards over itself
            byte[] moved = memory.readBytes(shift, length);
            assertThat(Arrays.equals(moved, 0, length, pattern, 0, length)).as("forwards, round %d", round).isTrue();
            memory.write(0, pattern);
            memory.copy(0, shift, length); // backwards over itself
            byte[] back = memory.readBytes(0, length);
            assertThat(Arrays.equals(back, 0, length, pattern, shift, shift + length)).as("backwards, round %d", round).isTrue();
        }
    }

    @Test
    void aMemoryStartingAboveTwoGibibytesIsRefused() {
        assertThatThrownBy(() -> LimitedMemory.create(new MemoryLimits(32768, 65536), Integer.MAX_VALUE, 65536))
                .isInstanceOf(com.dylibso.chicory.wasm.UninstantiableException.class).hasMessageContaining("2 GiB");
        assertThatThrownBy(() -> LimitedMemory.create(new MemoryLimits(65536, 65536), Integer.MAX_VALUE, 65536))
                .isInstanceOf(com.dylibso.chicory.wasm.UninstantiableException.class);
    }

    @Test
    void sharedMemoriesAreNotMadeOfIt() {
        assertThatThrownBy(() -> LimitedMemory.create(new MemoryLimits(1, 1, true), Integer.MAX_VALUE, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void untouchedPagesOfAnOffHeapMemoryTakeNoRam() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")) && OffHeapPages.lazilyCommitted());
        long before = residentBytes();
        List<LimitedMemory> memories = new ArrayList<>();
        for (int i = 0; i < 128; i++) { // 128 x 16 MiB = 2 GiB reserved, one page of each written
            LimitedMemory memory = new LimitedMemory.OnUnsafe(new MemoryLimits(256, 256), Integer.MAX_VALUE, 256);
            memory.writeLong(8, 1);
            memory.zero(); // as Chicory does for every memory it instantiates
            memory.writeLong(100 * PAGE + 8, i);
            memories.add(memory);
        }
        long grown = residentBytes() - before;
        try {
            assertThat(grown).as("RSS growth for 2 GiB of linear memory, 128 pages written").isLessThan(256L << 20);
            for (int i = 0; i < memories.size(); i++) {
                assertThat(memories.get(i).readLong(100 * PAGE + 8)).isEqualTo(i);
                assertThat(memories.get(i).readLong(255 * PAGE)).isZero();
                assertThat(memories.get(i).readLong(8)).isZero();
            }
        } finally {
            memories.forEach(LimitedMemory::release);
        }
    }

    @Test
    void aMemoryGrowingPastItsReservationKeepsItsContents() {
        LimitedMemory memory = new LimitedMemory.OnUnsafe(new MemoryLimits(2, 3000), Integer.MAX_VALUE, 3000);
        memory.writeLong(0, 1);
        memory.writeLong(2 * PAGE - 8, 2);
        assertThat(memory.grow(1100)).isEqualTo(2); // past the 64 MiB reserved at first
        memory.writeLong(1102 * PAGE - 8, 3);
        assertThat(memory.grow(1500)).isEqualTo(1102); // and past the doubled reservation
        assertThat(memory.readLong(0)).isEqualTo(1);
        assertThat(memory.readLong(2 * PAGE - 8)).isEqualTo(2);
        assertThat(memory.readLong(1102 * PAGE - 8)).isEqualTo(3);
        assertThat(memory.readLong(1102 * PAGE)).isZero();
        assertThat(memory.readLong(2602 * PAGE - 8)).isZero();
        assertTraps(() -> memory.read(2602 * PAGE));
        memory.release();
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aReleasedMemoryTrapsEveryAccessAndGrowsNoMore(Function<MemoryLimits, LimitedMemory> kind) {
        LimitedMemory memory = kind.apply(new MemoryLimits(1, 4));
        memory.writeI32(16, 5);
        memory.release();
        memory.release(); // twice is harmless
        assertTraps(() -> memory.readInt(16));
        assertTraps(() -> memory.writeByte(0, (byte) 1));
        assertTraps(() -> memory.readBytes(0, 1));
        assertThat(memory.grow(1)).isEqualTo(-1);
        assertThat(memory.limitHit()).isFalse();
    }

    @Test
    void anInterruptedThreadGetsAMappingKeepsItsInterruptAndLeavesMappingWorkingForOthers() {
        assumeTrue(OffHeapPages.lazilyCommitted());
        Object owner = new Object();
        Thread.currentThread().interrupt(); // as a module thread being stopped is
        OffHeapPages.Region interrupted = OffHeapPages.reserve(owner, PAGE, 16 * PAGE);
        assertThat(Thread.interrupted()).as("the caller's interrupt is kept").isTrue();
        OffHeapPages.Region next = OffHeapPages.reserve(owner, PAGE, 16 * PAGE);
        try {
            assertThat(interrupted.mapped()).isTrue();
            assertThat(next.mapped()).as("the next memory is still a mapping: no channel was closed").isTrue();
        } finally {
            interrupted.release();
            next.release();
        }
    }

    @Test
    void theAllocatedFallbackRegionIsZeroedAndFreedOnce() {
        Object owner = new Object();
        OffHeapPages.Region region = OffHeapPages.allocate(owner, 3 * PAGE);
        assertThat(region.capacity).isEqualTo(3L * PAGE);
        assertThat(region.mapped()).isFalse();
        for (long i = 0; i < region.capacity; i += 8) {
            assertThat(LimitedMemory.OnUnsafe.UNSAFE.getLong(region.address + i)).isZero();
        }
        region.release();
        region.release(); // a second release (and the cleaner later) does nothing
    }

    /** VmRSS of this JVM, in bytes. */
    private static long residentBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new AssertionError("no VmRSS in /proc/self/status");
    }

    private static void assertTraps(Runnable access) {
        assertThatThrownBy(access::run).isInstanceOf(WasmRuntimeException.class)
                .hasMessageContaining("out of bounds memory access");
    }
}
