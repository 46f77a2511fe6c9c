package io.krustlet.wasm;

import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A module's linear memory (WebAssembly core spec 4.2.8, memory instances): one contiguous range
 * of bytes, so that every load and store of compiled code is one bounds check and one access. It
 * is the memory of every non-shared memory the runtime creates, with or without a container
 * memory limit. Its storage, loads and stores live in one of two final subclasses, chosen once
 * per JVM (see {@link #create}), so the call sites in compiled modules only ever see one class
 * (monomorphic: the JIT inlines it).
 *
 * <p>Why not Chicory's own: its {@code ByteArrayMemory} and {@code ByteBufferMemory} keep one
 * array per 64 KiB page (a second array load and a page-crossing test per access), and their
 * accesses go through VarHandles, whose inlined form is large enough that HotSpot's C2 stops
 * inlining after a few hundred accesses in one method ("NodeCountInliningCutoff", "size >
 * DesiredMethodLimit"): the remaining accesses become calls. Here an access is the bounds check
 * below, then, on little-endian x86-64 and AArch64 ({@link OnUnsafe}), one {@code sun.misc.Unsafe}
 * load or store (small, intrinsic, inlined everywhere) at a native address outside the Java heap
 * ({@link OffHeapPages}: a page takes RAM only once the module touches it, as with wasmtime's
 * mmap'ed memories; a sleeping module of 128 KiB costs the pages it used); elsewhere, or with the
 * system property {@code krustlet.wasm.varHandleMemory=true} ({@link OnVarHandles}), a {@code
 * byte[]} and little-endian VarHandles. Every access is checked against the memory's size first,
 * and the size never exceeds the storage's capacity: that check is what keeps a module inside its
 * memory (and, off the heap, inside the JVM's).
 *
 * <p>It also remembers whether a {@code memory.grow} was refused because of the container's
 * limit (one the module's own maximum would have allowed): a module that then dies was OOM-killed
 * in Kubernetes terms, one that copes with the refusal was not.
 *
 * <p>Sizes: the storage may be larger than the memory (on the heap it grows by at least a quarter;
 * off the heap up to 64 MiB are reserved at once and the reservation doubles, as untouched pages
 * cost no RAM), so that a module growing page by page is not copied on every grow; accesses are
 * checked against the memory's size, never the capacity, and the capacity never exceeds the
 * maximum.
 *
 * <p>Thread safety: like Chicory's own non-shared memories, one thread (the module's) reads,
 * writes, grows and {@linkplain #release() releases} it; {@link #pages()}, {@link #limitHit()}
 * and {@link #refusedAtBytes()} may be read from any thread. Shared memories (the threads
 * proposal) are not made of this class.
 */
public abstract sealed class LimitedMemory implements Memory permits LimitedMemory.OnUnsafe, LimitedMemory.OnVarHandles {

    private final int initialPages;
    private final int maximumPages;
    private final int limitPages;
    private final int declaredMaxPages;
    /** The memory's size in bytes: pages * 64 KiB. Read by every access: plain, the owner thread's. */
    int size;
    /** The size in pages, for other threads. */
    private volatile int pages;
    private volatile long refusedAtBytes = -1;
    private volatile long beyondRuntimeAtBytes = -1;
    private DataSegment[] dataSegments;
    private boolean released;

    private LimitedMemory(MemoryLimits limits, int limitPages, int declaredMaxPages) {
        if (limits.shared()) {
            throw new IllegalArgumentException("a shared memory needs Chicory's own memory");
        }
        if (limits.initialPages() > RUNTIME_MAX_PAGES) {
            throw new UninstantiableException("a memory of " + limits.initialPages() + " pages to start with is more"
                    + " than the " + RUNTIME_MAX_PAGES + " pages (2 GiB) the runtime supports");
        }
        this.initialPages = limits.initialPages();
        this.maximumPages = Math.min(limits.maximumPages(), RUNTIME_MAX_PAGES);
        this.limitPages = limitPages;
        this.declaredMaxPages = declaredMaxPages;
        this.size = initialPages * PAGE_SIZE;
        this.pages = initialPages;
    }

    private static sun.misc.Unsafe unsafe() {
        String arch = System.getProperty("os.arch", "");
        boolean unaligned = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64");
        if (!unaligned || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN
                || Boolean.getBoolean("krustlet.wasm.varHandleMemory")) {
            return null;
        }
        try {
            Field field = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            sun.misc.Unsafe unsafe = (sun.misc.Unsafe) field.get(null);
            // a JVM started with --sun-misc-unsafe-memory-access=deny (JEP 498) throws here: VarHandles then
            unsafe.freeMemory(unsafe.allocateMemory(8));
            return unsafe;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * How linear memories are kept in this JVM, for a runtime's start-up log line: off the heap in
     * pages committed as they are touched (the usual), off the heap allocated whole (mapping does
     * not work here), or on the Java heap (no {@code sun.misc.Unsafe} memory access, e.g. a JVM
     * started with {@code --sun-misc-unsafe-memory-access=deny}: {@code -Xmx} then bounds them).
     */
    public static String storage() {
        if (OnUnsafe.UNSAFE == null) {
            return "linear memory on the Java heap (no sun.misc.Unsafe memory access)";
        }
        return OffHeapPages.lazilyCommitted() ? "linear memory off the heap, committed as touched"
                : "linear memory off the heap, allocated whole (no mapping, see the log)";
    }

    /** Whether loads and stores use {@code sun.misc.Unsafe} (else VarHandles) in this JVM. */
    public static boolean unsafeAccess() {
        return OnUnsafe.UNSAFE != null;
    }

    /**
     * A memory of {@code limits} (which must not be shared).
     *
     * @param limits the limits the memory enforces (the module's own, capped by the container's)
     * @param limitPages the container's limit in pages, or {@link Integer#MAX_VALUE} without one
     * @param declaredMaxPages the most pages the module itself declares
     * @throws IllegalArgumentException for shared limits (this memory is for one thread)
     * @throws UninstantiableException when the initial size is more than 2 GiB, which no JVM array holds
     * @throws OutOfMemoryError when the JVM (or, off the heap, the system) cannot give the initial pages
     */
    public static LimitedMemory create(MemoryLimits limits, int limitPages, int declaredMaxPages) {
        return OnUnsafe.UNSAFE != null ? new OnUnsafe(limits, limitPages, declaredMaxPages)
                : new OnVarHandles(limits, limitPages, declaredMaxPages);
    }

    /** Whether a grow was refused by the container limit (one the module's own maximum would have allowed). */
    public boolean limitHit() {
        return refusedAtBytes >= 0;
    }

    /** The memory size the module asked for when it was refused, in bytes, or -1. */
    public long refusedAtBytes() {
        return refusedAtBytes;
    }

    /**
     * The memory size, in bytes, of a grow refused only because it passes the 2 GiB this runtime
     * supports ({@link #RUNTIME_MAX_PAGES} pages: addresses are Java ints), one that the module's
     * maximum and the container's limit would have allowed; -1 without one.
     */
    public long beyondRuntimeAtBytes() {
        return beyondRuntimeAtBytes;
    }

    // ---- size ----

    @Override
    public int pages() {
        return pages;
    }

    @Override
    public int initialPages() {
        return initialPages;
    }

    @Override
    public int maximumPages() {
        return maximumPages;
    }

    @Override
    public boolean shared() {
        return false;
    }

    /**
     * {@code memory.grow}: the previous size in pages, or -1 when the memory would exceed its
     * maximum (then nothing changes; a refusal because of the container limit is remembered).
     * Reserves a larger storage on the calling thread when the memory outgrows its capacity; a JVM
     * (or a system) out of memory is a refusal too.
     */
    @Override
    public int grow(int delta) {
        int before = size >>> 16;
        long wanted = before + Integer.toUnsignedLong(delta);
        if (released) {
            return -1;
        }
        if (wanted > maximumPages) {
            if (wanted > limitPages && wanted <= declaredMaxPages) {
                refusedAtBytes = wanted * PAGE_SIZE;
            } else if (wanted > RUNTIME_MAX_PAGES && wanted <= declaredMaxPages) {
                beyondRuntimeAtBytes = wanted * PAGE_SIZE;
            }
            return -1;
        }
        int newSize = (int) wanted * PAGE_SIZE;
        if (newSize > capacity()) {
            try {
                enlarge(newSize);
            } catch (OutOfMemoryError e) {
                return -1;
            }
        }
        size = newSize;
        pages = (int) wanted;
        return before;
    }

    // ---- instantiation ----

    @Override
    public void initialize(Instance instance, DataSegment[] segments) {
        initialize(instance, segments, 0);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] segments, int memoryIndex) {
        this.dataSegments = segments;
        if (segments == null) {
            return;
        }
        for (DataSegment segment : segments) {
            if (segment instanceof ActiveDataSegment active) {
                if (active.index() != memoryIndex) {
                    continue;
                }
                int offset = (int) ConstantEvaluators.computeConstantValue(instance, active.offsetInstructions())[0];
                byte[] data = active.data();
                if (!inBounds(offset, data.length)) {
                    throw new UninstantiableException("out of bounds memory access: data segment of " + data.length
                            + " bytes at " + Integer.toUnsignedString(offset) + " in a memory of " + size + " bytes");
                }
                copyIn(data, 0, offset, data.length);
            } else if (!(segment instanceof PassiveDataSegment)) {
                throw new ChicoryException("data segment should be active or passive: " + segment);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int length) {
        write(dest, dataSegments[segmentId].data(), offset, length);
    }

    @Override
    public void drop(int segment) {
        dataSegments[segment] = PassiveDataSegment.EMPTY;
    }

    // ---- bounds ----

    /** Whether {@code [address, address + length)} lies in the memory (address unsigned). */
    private boolean inBounds(int address, int length) {
        return address >= 0 && length >= 0 && address <= size - length;
    }

    private void check(int address, int length) {
        if (!inBounds(address, length)) {
            throw outOfBounds(address, length);
        }
    }

    final WasmRuntimeException outOfBounds(int address, int length) {
        return new WasmRuntimeException("out of bounds memory access: attempted to access address: "
                + Integer.toUnsignedString(address) + " but limit is: " + size + " and size: " + length);
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }

    // ---- bulk ----

    @Override
    public void write(int addr, byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset > data.length - length) {
            throw new WasmRuntimeException("out of bounds memory access: " + length + " bytes at " + offset
                    + " of a source of " + data.length + " bytes");
        }
        check(addr, length);
        copyIn(data, offset, addr, length);
    }

    @Override
    public void copy(int dest, int src, int length) {
        check(dest, length);
        check(src, length);
        move(src, dest, length); // overlapping ranges: as if through a temporary
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        check(fromIndex, toIndex - fromIndex);
        set(fromIndex, toIndex - fromIndex, value);
    }

    /** All bytes 0. Chicory calls it on every memory it instantiates, before the data segments. */
    @Override
    public void zero() {
        set(0, size, (byte) 0);
    }

    @Override
    public byte[] readBytes(int addr, int length) {
        check(addr, length);
        byte[] bytes = new byte[length];
        copyOut(addr, bytes, length);
        return bytes;
    }

    /**
     * Gives the memory's storage back (to the system, off the heap) now rather than when the memory
     * becomes unreachable; the memory is then empty and every access traps. Only for the thread
     * that ran the module, once the module can run no more (its run ended): the storage may be
     * unmapped, and no other thread may be inside a load or store of it.
     */
    public void release() {
        if (released) {
            return;
        }
        released = true;
        size = 0;
        freeStorage();
    }

    /** The most the storage may ever hold: the maximum in bytes. */
    final long maximumBytes() {
        return (long) maximumPages * PAGE_SIZE;
    }

    /** Whether {@link #release()} was called. */
    boolean released() {
        return released;
    }

    // ---- storage: checked by the callers above ----

    /** The bytes the storage holds; the size never exceeds it. */
    abstract long capacity();

    /** Replaces the storage by one of at least {@code newSize} bytes, contents kept, zero beyond. */
    abstract void enlarge(int newSize);

    abstract void copyIn(byte[] source, int offset, int addr, int length);

    abstract void copyOut(int addr, byte[] target, int length);

    abstract void move(int src, int dest, int length);

    abstract void set(int addr, int length, byte value);

    abstract void freeStorage();

    // ---- the threads proposal: only for shared memories, which this class never is ----

    @Override
    public Object lock(int address) {
        return this;
    }

    @Override
    public int waitOn(int address, int expected, long timeout) {
        throw new ChicoryException("memory.atomic.wait on a memory that is not shared");
    }

    @Override
    public int waitOn(int address, long expected, long timeout) {
        throw new ChicoryException("memory.atomic.wait on a memory that is not shared");
    }

    @Override
    public int notify(int address, int maxThreads) {
        check(address, 4);
        return 0; // nobody can wait on an unshared memory (threads proposal: notify returns 0)
    }

    /**
     * Loads and stores through {@code sun.misc.Unsafe} at native addresses of lazily committed
     * pages ({@link OffHeapPages}): on the platforms where Unsafe reads and writes little-endian
     * values at any alignment, after the bounds check of each method. The base address and the
     * size are plain fields of the module's thread; the storage is freed on {@link #release()} or
     * when the memory becomes unreachable.
     */
    static final class OnUnsafe extends LimitedMemory {
        static final sun.misc.Unsafe UNSAFE = unsafe();
        private static final long BYTES = UNSAFE == null ? 0 : UNSAFE.arrayBaseOffset(byte[].class);
        /** Most that is reserved at once beyond the initial size; more is reserved as the module grows. */
        private static final long RESERVATION = 64L << 20;
        /** The unit in which a move to a larger reservation skips pages that were never written. */
        private static final int SKIPPED_PAGE = 4096;

        private OffHeapPages.Region region;
        /** The region's address; 0 once released (and then the size is 0 too). */
        private long base;

        OnUnsafe(MemoryLimits limits, int limitPages, int declaredMaxPages) {
            super(limits, limitPages, declaredMaxPages);
            long initial = (long) initialPages() * PAGE_SIZE;
            this.region = OffHeapPages.reserve(this, initial, Math.max(initial, Math.min(maximumBytes(), RESERVATION)));
            this.base = region.address;
        }

        @Override
        long capacity() {
            return region.capacity;
        }

        /**
         * A larger region: twice the reservation (a quarter more for allocated ones); only the
         * pages ever written are copied, so the rest stay uncommitted.
         */
        @Override
        void enlarge(int newSize) {
            long capacity = region.capacity;
            OffHeapPages.Region larger = OffHeapPages.reserve(this,
                    Math.min(maximumBytes(), Math.max(newSize, capacity + capacity / 4)),
                    Math.min(maximumBytes(), Math.max(newSize, 2 * capacity)));
            for (long page = 0; page < size; page += SKIPPED_PAGE) {
                if (!zeroes(base + page)) {
                    UNSAFE.copyMemory(base + page, larger.address + page, SKIPPED_PAGE);
                }
            }
            replaceRegion(larger);
        }

        private void replaceRegion(OffHeapPages.Region replacement) {
            OffHeapPages.Region old = region;
            region = replacement;
            base = replacement.address;
            old.release();
        }

        private static boolean zeroes(long page) {
            for (int i = 0; i < SKIPPED_PAGE; i += 8) {
                if (UNSAFE.getLong(page + i) != 0) {
                    return false;
                }
            }
            return true;
        }

        @Override
        void copyIn(byte[] source, int offset, int addr, int length) {
            UNSAFE.copyMemory(source, BYTES + offset, null, base + addr, length);
        }

        @Override
        void copyOut(int addr, byte[] target, int length) {
            UNSAFE.copyMemory(null, base + addr, target, BYTES, length);
        }

        @Override
        void move(int src, int dest, int length) {
            UNSAFE.copyMemory(base + src, base + dest, length); // memmove semantics for overlaps
        }

        @Override
        void set(int addr, int length, byte value) {
            UNSAFE.setMemory(base + addr, length, value);
        }

        @Override
        void freeStorage() {
            base = 0;
            region.release();
        }

        /**
         * A fresh reservation instead of writing zeros: writing them would make every page of the
         * memory resident (Chicory zeroes each memory it instantiates, so every module would cost its
         * whole memory at once); new pages are zero and take no RAM until touched.
         */
        @Override
        public void zero() {
            if (size == 0) {
                return;
            }
            replaceRegion(OffHeapPages.reserve(this, size, region.capacity));
        }

        @Override
        public byte read(int addr) {
            if (addr < 0 || addr >= size) {
                throw outOfBounds(addr, 1);
            }
            return UNSAFE.getByte(base + addr);
        }

        @Override
        public void writeByte(int addr, byte data) {
            if (addr < 0 || addr >= size) {
                throw outOfBounds(addr, 1);
            }
            UNSAFE.putByte(base + addr, data);
        }

        @Override
        public short readShort(int addr) {
            if (addr < 0 || addr > size - 2) {
                throw outOfBounds(addr, 2);
            }
            return UNSAFE.getShort(base + addr);
        }

        @Override
        public void writeShort(int addr, short data) {
            if (addr < 0 || addr > size - 2) {
                throw outOfBounds(addr, 2);
            }
            UNSAFE.putShort(base + addr, data);
        }

        @Override
        public int readInt(int addr) {
            if (addr < 0 || addr > size - 4) {
                throw outOfBounds(addr, 4);
            }
            return UNSAFE.getInt(base + addr);
        }

        @Override
        public void writeI32(int addr, int data) {
            if (addr < 0 || addr > size - 4) {
                throw outOfBounds(addr, 4);
            }
            UNSAFE.putInt(base + addr, data);
        }

        @Override
        public long readLong(int addr) {
            if (addr < 0 || addr > size - 8) {
                throw outOfBounds(addr, 8);
            }
            return UNSAFE.getLong(base + addr);
        }

        @Override
        public void writeLong(int addr, long data) {
            if (addr < 0 || addr > size - 8) {
                throw outOfBounds(addr, 8);
            }
            UNSAFE.putLong(base + addr, data);
        }

        @Override
        public float readFloat(int addr) {
            if (addr < 0 || addr > size - 4) {
                throw outOfBounds(addr, 4);
            }
            return UNSAFE.getFloat(base + addr);
        }

        @Override
        public void writeF32(int addr, float data) {
            if (addr < 0 || addr > size - 4) {
                throw outOfBounds(addr, 4);
            }
            UNSAFE.putFloat(base + addr, data);
        }

        @Override
        public double readDouble(int addr) {
            if (addr < 0 || addr > size - 8) {
                throw outOfBounds(addr, 8);
            }
            return UNSAFE.getDouble(base + addr);
        }

        @Override
        public void writeF64(int addr, double data) {
            if (addr < 0 || addr > size - 8) {
                throw outOfBounds(addr, 8);
            }
            UNSAFE.putDouble(base + addr, data);
        }
    }

    /** Loads and stores through little-endian VarHandles: wherever Unsafe is not used. */
    static final class OnVarHandles extends LimitedMemory {
        private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
        private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
        private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
        private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
        private static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

        /** The memory's bytes; {@code bytes.length >= size}. Replaced (copied) by a grow beyond it. */
        private byte[] bytes;

        OnVarHandles(MemoryLimits limits, int limitPages, int declaredMaxPages) {
            super(limits, limitPages, declaredMaxPages);
            this.bytes = new byte[initialPages() * PAGE_SIZE];
        }

        @Override
        long capacity() {
            return bytes.length;
        }

        @Override
        void enlarge(int newSize) {
            long grown = Math.max(newSize, bytes.length + (long) bytes.length / 4);
            bytes = Arrays.copyOf(bytes, (int) Math.min(grown, maximumBytes()));
        }

        @Override
        void copyIn(byte[] source, int offset, int addr, int length) {
            System.arraycopy(source, offset, bytes, addr, length);
        }

        @Override
        void copyOut(int addr, byte[] target, int length) {
            System.arraycopy(bytes, addr, target, 0, length);
        }

        @Override
        void move(int src, int dest, int length) {
            System.arraycopy(bytes, src, bytes, dest, length);
        }

        @Override
        void set(int addr, int length, byte value) {
            Arrays.fill(bytes, addr, addr + length, value);
        }

        @Override
        void freeStorage() {
            bytes = new byte[0];
        }

        @Override
        public byte read(int addr) {
            if (addr < 0 || addr >= size) {
                throw outOfBounds(addr, 1);
            }
            return bytes[addr];
        }

        @Override
        public void writeByte(int addr, byte data) {
            if (addr < 0 || addr >= size) {
                throw outOfBounds(addr, 1);
            }
            bytes[addr] = data;
        }

        @Override
        public short readShort(int addr) {
            if (addr < 0 || addr > size - 2) {
                throw outOfBounds(addr, 2);
            }
            return (short) SHORT.get(bytes, addr);
        }

        @Override
        public void writeShort(int addr, short data) {
            if (addr < 0 || addr > size - 2) {
                throw outOfBounds(addr, 2);
            }
            SHORT.set(bytes, addr, data);
        }

        @Override
        public int readInt(int addr) {
            if (addr < 0 || addr > size - 4) {
                throw outOfBounds(addr, 4);
            }
            return (int) INT.get(bytes, addr);
        }

        @Override
        public void writeI32(int addr, int data) {
            if (addr < 0 || addr > size - 4) {
                throw outOfBounds(addr, 4);
            }
            INT.set(bytes, addr, data);
        }

        @Override
        public long readLong(int addr) {
            if (addr < 0 || addr > size - 8) {
                throw outOfBounds(addr, 8);
            }
            return (long) LONG.get(bytes, addr);
        }

        @Override
        public void writeLong(int addr, long data) {
            if (addr < 0 || addr > size - 8) {
                throw outOfBounds(addr, 8);
            }
            LONG.set(bytes, addr, data);
        }

        @Override
        public float readFloat(int addr) {
            if (addr < 0 || addr > size - 4) {
                throw outOfBounds(addr, 4);
            }
            return (float) FLOAT.get(bytes, addr);
        }

        @Override
        public void writeF32(int addr, float data) {
            if (addr < 0 || addr > size - 4) {
                throw outOfBounds(addr, 4);
            }
            FLOAT.set(bytes, addr, data);
        }

        @Override
        public double readDouble(int addr) {
            if (addr < 0 || addr > size - 8) {
                throw outOfBounds(addr, 8);
            }
            return (double) DOUBLE.get(bytes, addr);
        }

        @Override
        public void writeF64(int addr, double data) {
            if (addr < 0 || addr > size - 8) {
                throw outOfBounds(addr, 8);
            }
            DOUBLE.set(bytes, addr, data);
        }
    }
}
