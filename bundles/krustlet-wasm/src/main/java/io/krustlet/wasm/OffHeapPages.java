package io.krustlet.wasm;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero-filled memory outside the Java heap whose pages take RAM only once a module touches them,
 * as an anonymous {@code mmap} does for wasmtime's linear memories: a WebAssembly memory of 128 KiB
 * that a sleeping program has touched 12 KiB of costs the node 12 KiB, not 128 (a {@code byte[]}
 * is zeroed, so made resident, when it is allocated, and copied again by every GC that moves it).
 *
 * <p>How: the JDK maps no anonymous memory, and refuses to map {@code /dev/zero} (it wants to
 * extend the file first), so each region is a {@link FileChannel.MapMode#PRIVATE private} mapping
 * of one sparse, already deleted file in {@code java.io.tmpdir}: a private mapping never writes
 * the file, so the file stays a hole of no disk blocks, and every page a module writes becomes a
 * private copy-on-write page of the JVM, counted in its RSS like any anonymous page. A page that
 * is read before it is ever written is the file's page-cache page of zeros, shared by all.
 *
 * <p>Where mapping does not work (no writable temporary directory, a file system without sparse
 * files), or when the mappings made here reach half of Linux's {@code vm.max_map_count} (65,530
 * by default: the JVM's own thread stacks, heap and code need the rest, and a JVM that cannot map
 * them dies), a region is allocated with {@code malloc} and zeroed instead: it then costs its
 * whole size at once; that is said once in the log at INFO.
 *
 * <p>Interrupts: module threads are interrupted to stop them, and an interrupt during
 * {@link FileChannel#map} closes the channel for every thread. A mapping is therefore made with
 * the caller's interrupt status cleared (and set again after), and a channel closed all the same
 * (an interrupt in the middle of the call) is replaced by a new file; mappings already made do
 * not need their file's channel.
 *
 * <p>Lifetime: a region is freed by {@link Region#release()} (by the memory's owner, once no
 * code can access it any more), or else when its owner becomes unreachable (a {@link Cleaner}).
 * Accessing a region after it is freed crashes the JVM: {@link LimitedMemory} keeps that from
 * happening by setting its size to 0 first.
 *
 * <p>Thread safety: {@link #reserve} may be called from any thread; each region's
 * {@link Region#release()} at most once takes effect, from any thread.
 */
final class OffHeapPages {

    private static final Logger LOG = LoggerFactory.getLogger(OffHeapPages.class);
    /** Frees the regions of memories nobody released; one daemon thread per class loader. */
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicBoolean MALLOC_SAID = new AtomicBoolean();
    /** The file mappings are made of now; replaced when an interrupt closed its channel. */
    private static final AtomicReference<ZeroFile> FILE = new AtomicReference<>();
    /** The most mappings made here at once: half of {@code vm.max_map_count}. */
    private static final int MAX_MAPPINGS = maxMappings();
    private static final AtomicInteger MAPPINGS = new AtomicInteger();

    private OffHeapPages() {
    }

    /**
     * A region of zero bytes, freed at the latest when {@code owner} becomes unreachable: a
     * mapping of {@code reservedBytes}, or, where mapping does not work, {@code neededBytes}
     * allocated (and made resident) at once. See {@link Region#capacity} for which.
     *
     * @param neededBytes what the caller needs now
     * @param reservedBytes what it may need later, at least {@code neededBytes}, at most
     *     {@link Integer#MAX_VALUE} (a JDK mapping's limit): free to reserve while untouched
     * @throws OutOfMemoryError when neither a mapping nor {@code malloc} can give the region
     */
    static Region reserve(Object owner, long neededBytes, long reservedBytes) {
        Region region = map(reservedBytes);
        return region == null ? allocate(owner, neededBytes) : owned(owner, region);
    }

    /** A region of {@code bytes} from {@code malloc}, zeroed: what {@link #reserve} falls back on. */
    static Region allocate(Object owner, long bytes) {
        return owned(owner, Region.malloc(bytes));
    }

    /** {@code region}, freed by the cleaner once {@code owner} is unreachable unless released before. */
    private static Region owned(Object owner, Region region) {
        region.cleanable = CLEANER.register(owner, region.freeing());
        return region;
    }

    /** Whether regions are lazily committed mappings in this JVM now (else malloc'ed and zeroed). */
    static boolean lazilyCommitted() {
        return file().failure == null && MAPPINGS.get() < MAX_MAPPINGS;
    }

    /** The mappings made here and not yet freed. */
    static int mappings() {
        return MAPPINGS.get();
    }

    private static Region map(long bytes) {
        if (MAPPINGS.incrementAndGet() > MAX_MAPPINGS) {
            MAPPINGS.decrementAndGet();
            mallocSaid("more than " + MAX_MAPPINGS + " linear memories are mapped (half of vm.max_map_count)");
            return null;
        }
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 0; attempt < 2; attempt++) {
                ZeroFile file = file();
                if (file.failure != null) {
                    mallocSaid(file.failure);
                    break;
                }
                if (!file.channel.isOpen()) {
                    replace(file); // closed by an interrupt in the middle of a map
                    continue;
                }
                try {
                    return file.map(bytes);
                } catch (ClosedChannelException e) {
                    replace(file); // an interrupt in the middle of this map
                } catch (IOException | UncheckedIOException | OutOfMemoryError e) {
                    LOG.debug("Mapping {} bytes of linear memory failed; allocating them instead", bytes, e);
                    break;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        MAPPINGS.decrementAndGet();
        return null;
    }

    private static ZeroFile file() {
        ZeroFile file = FILE.get();
        if (file == null) {
            replace(null);
            file = FILE.get();
        }
        return file;
    }

    /** A new file in place of {@code expected}, unless another thread replaced it first. */
    private static void replace(ZeroFile expected) {
        ZeroFile fresh = ZeroFile.open();
        if (!FILE.compareAndSet(expected, fresh)) {
            fresh.close();
        }
    }

    private static void mallocSaid(String why) {
        if (MALLOC_SAID.compareAndSet(false, true)) {
            LOG.info("WebAssembly linear memories are allocated with malloc from now on, so each takes its full size"
                    + " in RAM at once: {}", why);
        }
    }

    private static int maxMappings() {
        try {
            // not Files.readString: it trusts the size /proc reports, and reads one byte of this file
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/vm/max_map_count")).get(0).trim()) / 2;
        } catch (IOException | RuntimeException e) {
            return 65_530 / 2; // Linux's default, where it cannot be read
        }
    }

    /**
     * A region of zeroed memory: {@link #address} up to {@code address + capacity}. The address
     * is a raw native address for {@code sun.misc.Unsafe}.
     */
    static final class Region {
        final long address;
        final long capacity;
        /** The mapping whose unmapping frees the region, or null for a malloc'ed one. */
        private final MappedByteBuffer mapping;
        private Cleaner.Cleanable cleanable;

        private Region(long address, long capacity, MappedByteBuffer mapping) {
            this.address = address;
            this.capacity = capacity;
            this.mapping = mapping;
        }

        private static Region malloc(long bytes) {
            var unsafe = LimitedMemory.OnUnsafe.UNSAFE;
            long address = unsafe.allocateMemory(Math.max(1, bytes)); // OutOfMemoryError when malloc fails
            unsafe.setMemory(address, bytes, (byte) 0);
            return new Region(address, bytes, null);
        }

        /** Whether the region is a lazily committed mapping (else malloc'ed and zeroed). */
        boolean mapped() {
            return mapping != null;
        }

        /** Frees the region now; later calls (and the cleaner) do nothing. */
        void release() {
            cleanable.clean();
        }

        /** The freeing action: refers to the region only, never to its owner (or it would never be freed). */
        private Runnable freeing() {
            MappedByteBuffer buffer = mapping;
            long malloced = mapping == null ? address : 0;
            return () -> {
                if (buffer != null) {
                    LimitedMemory.OnUnsafe.UNSAFE.invokeCleaner(buffer); // munmap
                    MAPPINGS.decrementAndGet();
                } else {
                    LimitedMemory.OnUnsafe.UNSAFE.freeMemory(malloced);
                }
            };
        }
    }

    /**
     * A sparse file regions map privately: deleted at once, extended (never written) as larger
     * regions are asked for; or why there is none.
     */
    private static final class ZeroFile {
        private static final long ADDRESS = addressOffset();

        private final RandomAccessFile file;
        private final FileChannel channel;
        final String failure;
        private long length;

        private ZeroFile(RandomAccessFile file, String failure) {
            this.file = file;
            this.channel = file == null ? null : file.getChannel();
            this.failure = failure;
        }

        static ZeroFile open() {
            if (ADDRESS < 0) {
                return new ZeroFile(null, "the address of a mapped buffer cannot be read in this JVM");
            }
            try {
                Path path = Files.createTempFile("krustlet-linear-memory-", ".zero");
                RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
                try {
                    Files.delete(path); // the open file keeps it; nothing is ever written to it
                } catch (IOException e) {
                    path.toFile().deleteOnExit(); // a system that cannot delete an open file
                }
                return new ZeroFile(file, null);
            } catch (IOException | RuntimeException e) {
                return new ZeroFile(null, "cannot create a file to map in " + System.getProperty("java.io.tmpdir")
                        + ": " + e);
            }
        }

        private static long addressOffset() {
            try {
                Field address = Buffer.class.getDeclaredField("address");
                return LimitedMemory.OnUnsafe.UNSAFE.objectFieldOffset(address);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return -1;
            }
        }

        /** A private mapping of {@code bytes}; the caller's interrupt status is clear. */
        Region map(long bytes) throws IOException {
            extendTo(bytes);
            MappedByteBuffer buffer = channel.map(FileChannel.MapMode.PRIVATE, 0, bytes);
            long address = LimitedMemory.OnUnsafe.UNSAFE.getLong(buffer, ADDRESS);
            return new Region(address, bytes, buffer);
        }

        /** Closes the file; the mappings made of it stay. */
        void close() {
            try {
                if (file != null) {
                    file.close();
                }
            } catch (IOException e) {
                LOG.debug("Closing a linear-memory file failed", e);
            }
        }

        private synchronized void extendTo(long bytes) throws IOException {
            if (bytes > length) {
                file.setLength(bytes); // ftruncate: a hole of no disk blocks, and none ever (every mapping is private)
                length = bytes;
            }
        }
    }
}
