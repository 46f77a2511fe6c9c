package io.krustlet.wasm.wasi;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.krustlet.api.Mount;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This project's WASI preview1 ({@code wasi_snapshot_preview1}): every function of the
 * preview1 witx, implemented with the module's own descriptor table, rights, and sandboxed path
 * resolution (see {@link PathResolver}). It replaces Chicory's {@code WasiPreview1} wholesale:
 * Chicory resolves paths on the host with {@code java.nio} (following symlinks out of a mount),
 * keeps its descriptor table private and misses several calls.
 *
 * <p>A module's bad calls are answered with an errno and logged at TRACE at most: nothing a
 * module does reaches the node's log at WARN or ERROR. Only {@code proc_exit},
 * {@code proc_raise} (a terminating signal) and a stop of the module leave a call by exception.
 *
 * <p>Thread safety: one instance serves one module instance, whose calls come from one thread.
 */
public final class Preview1 implements AutoCloseable {

    public static final String MODULE = "wasi_snapshot_preview1";
    private static final Logger LOG = LoggerFactory.getLogger(Preview1.class);
    private static final long MASK = 0xFFFFFFFFL;

    /**
     * What an instance of the host module is made of.
     *
     * @param argv the arguments, {@code argv[0]} included
     * @param env the environment, in order
     * @param stdin standard input (never null: an empty stream for none)
     * @param stdout standard output
     * @param stderr standard error
     * @param mounts directories preopened as fd 3, 4, ... in this order
     * @param clock the realtime clock (and the time "now" for set-times calls)
     * @param sleeper where {@code poll_oneoff} waits
     */
    public record Options(List<String> argv, Map<String, String> env, InputStream stdin, OutputStream stdout,
            OutputStream stderr, List<Mount> mounts, Clock clock, Sleeper sleeper) {
    }

    @FunctionalInterface
    private interface Call {
        int apply(GuestMemory m, long[] a) throws WasiError;
    }

    private final byte[][] argv;
    private final byte[][] env;
    private final FdTable fds = new FdTable();
    private final Clocks clocks;
    private final FdCalls fd;
    private final PathCalls path;
    private final Poll poll;
    private SecureRandom random;

    public Preview1(Options options) {
        this.argv = options.argv().stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        this.env = options.env().entrySet().stream().map(e -> (e.getKey() + "=" + e.getValue())
                .getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        this.clocks = new Clocks(options.clock());
        this.fd = new FdCalls(fds, options.clock());
        this.path = new PathCalls(fds, options.clock());
        this.poll = new Poll(fds, clocks, options.sleeper());
        try {
            fds.add(new StreamDescriptor(options.stdin(), null));
            fds.add(new StreamDescriptor(null, options.stdout()));
            fds.add(new StreamDescriptor(null, options.stderr()));
            for (Mount mount : options.mounts()) {
                fds.add(new DirectoryDescriptor(new Preopen(mount.guestPath(), mount.hostPath(), mount.readOnly()),
                        null, true, Rights.ALL, Rights.ALL));
            }
        } catch (WasiError e) {
            throw new IllegalArgumentException("too many mounts: " + options.mounts().size());
        }
    }

    /** Closes every descriptor the module still holds. */
    @Override
    public void close() {
        fds.closeAll();
    }

    /** The host functions, to be linked under {@value #MODULE}. */
    public HostFunction[] toHostFunctions() {
        List<HostFunction> f = new ArrayList<>();
        f.add(fn("args_get", "ii", (m, a) -> strings(m, argv, a[0], a[1])));
        f.add(fn("args_sizes_get", "ii", (m, a) -> sizes(m, argv, a[0], a[1])));
        f.add(fn("environ_get", "ii", (m, a) -> strings(m, env, a[0], a[1])));
        f.add(fn("environ_sizes_get", "ii", (m, a) -> sizes(m, env, a[0], a[1])));
        f.add(fn("clock_res_get", "ii", (m, a) -> clockRes(m, (int) a[0], a[1])));
        f.add(fn("clock_time_get", "iIi", (m, a) -> clockTime(m, (int) a[0], a[2])));
        f.add(fn("fd_advise", "iIIi", (m, a) -> fd.advise((int) a[0], a[1], a[2], (int) a[3])));
        f.add(fn("fd_allocate", "iII", (m, a) -> fd.allocate((int) a[0], a[1], a[2])));
        f.add(fn("fd_close", "i", (m, a) -> fd.close((int) a[0])));
        f.add(fn("fd_datasync", "i", (m, a) -> fd.sync((int) a[0], false)));
        f.add(fn("fd_fdstat_get", "ii", (m, a) -> fd.fdstatGet(m, (int) a[0], a[1])));
        f.add(fn("fd_fdstat_set_flags", "ii", (m, a) -> fd.fdstatSetFlags((int) a[0], (int) (a[1] & 0xFFFF))));
        f.add(fn("fd_fdstat_set_rights", "iII", (m, a) -> fd.fdstatSetRights((int) a[0], a[1], a[2])));
        f.add(fn("fd_filestat_get", "ii", (m, a) -> fd.filestatGet(m, (int) a[0], a[1])));
        f.add(fn("fd_filestat_set_size", "iI", (m, a) -> fd.filestatSetSize((int) a[0], a[1])));
        f.add(fn("fd_filestat_set_times", "iIIi",
                (m, a) -> fd.filestatSetTimes((int) a[0], a[1], a[2], (int) (a[3] & 0xFFFF))));
        f.add(fn("fd_pread", "iiiIi", (m, a) -> fd.pread(m, (int) a[0], a[1] & MASK, a[2] & MASK, a[3], a[4])));
        f.add(fn("fd_prestat_get", "ii", (m, a) -> fd.prestatGet(m, (int) a[0], a[1])));
        f.add(fn("fd_prestat_dir_name", "iii", (m, a) -> fd.prestatDirName(m, (int) a[0], a[1], a[2] & MASK)));
        f.add(fn("fd_pwrite", "iiiIi", (m, a) -> fd.pwrite(m, (int) a[0], a[1] & MASK, a[2] & MASK, a[3], a[4])));
        f.add(fn("fd_read", "iiii", (m, a) -> fd.read(m, (int) a[0], a[1] & MASK, a[2] & MASK, a[3])));
        f.add(fn("fd_readdir", "iiiIi", (m, a) -> fd.readdir(m, (int) a[0], a[1] & MASK, a[2] & MASK, a[3], a[4])));
        f.add(fn("fd_renumber", "ii", (m, a) -> fd.renumber((int) a[0], (int) a[1])));
        f.add(fn("fd_seek", "iIii", (m, a) -> fd.seek(m, (int) a[0], a[1], (int) (a[2] & 0xFF), a[3])));
        f.add(fn("fd_sync", "i", (m, a) -> fd.sync((int) a[0], true)));
        f.add(fn("fd_tell", "ii", (m, a) -> fd.tell(m, (int) a[0], a[1])));
        f.add(fn("fd_write", "iiii", (m, a) -> fd.write(m, (int) a[0], a[1] & MASK, a[2] & MASK, a[3])));
        f.add(fn("path_create_directory", "iii", (m, a) -> path.createDirectory((int) a[0], m.string(a[1], a[2] & MASK))));
        f.add(fn("path_filestat_get", "iiiii",
                (m, a) -> path.filestatGet(m, (int) a[0], (int) a[1], m.string(a[2], a[3] & MASK), a[4])));
        f.add(fn("path_filestat_set_times", "iiiiIIi", (m, a) -> path.filestatSetTimes((int) a[0], (int) a[1],
                m.string(a[2], a[3] & MASK), a[4], a[5], (int) (a[6] & 0xFFFF))));
        f.add(fn("path_link", "iiiiiii", (m, a) -> path.link((int) a[0], (int) a[1], m.string(a[2], a[3] & MASK),
                (int) a[4], m.string(a[5], a[6] & MASK))));
        f.add(fn("path_open", "iiiiiIIii", (m, a) -> path.open(m, (int) a[0], (int) a[1], m.string(a[2], a[3] & MASK),
                (int) (a[4] & 0xFFFF), a[5], a[6], (int) (a[7] & 0xFFFF), a[8])));
        f.add(fn("path_readlink", "iiiiii",
                (m, a) -> path.readlink(m, (int) a[0], m.string(a[1], a[2] & MASK), a[3], a[4] & MASK, a[5])));
        f.add(fn("path_remove_directory", "iii", (m, a) -> path.removeDirectory((int) a[0], m.string(a[1], a[2] & MASK))));
        f.add(fn("path_rename", "iiiiii", (m, a) -> path.rename((int) a[0], m.string(a[1], a[2] & MASK), (int) a[3],
                m.string(a[4], a[5] & MASK))));
        f.add(fn("path_symlink", "iiiii",
                (m, a) -> path.symlink(m.string(a[0], a[1] & MASK), (int) a[2], m.string(a[3], a[4] & MASK))));
        f.add(fn("path_unlink_file", "iii", (m, a) -> path.unlinkFile((int) a[0], m.string(a[1], a[2] & MASK))));
        f.add(fn("poll_oneoff", "iiii", (m, a) -> poll.poll(m, a[0] & MASK, a[1] & MASK, a[2] & MASK, a[3])));
        f.add(new HostFunction(MODULE, "proc_exit", FunctionType.of(List.of(ValType.I32), List.of()), (instance, args) -> {
            throw new WasiExitException((int) args[0]);
        }));
        f.add(fn("proc_raise", "i", (m, a) -> Signals.raise((int) (a[0] & 0xFF))));
        f.add(fn("random_get", "ii", (m, a) -> randomGet(m, a[0], a[1] & MASK)));
        f.add(fn("sched_yield", "", (m, a) -> {
            Thread.yield();
            return Errno.SUCCESS;
        }));
        f.add(fn("sock_accept", "iii", (m, a) -> fd.sock((int) a[0])));
        f.add(fn("sock_recv", "iiiiii", (m, a) -> fd.sock((int) a[0])));
        f.add(fn("sock_send", "iiiii", (m, a) -> fd.sock((int) a[0])));
        f.add(fn("sock_shutdown", "ii", (m, a) -> fd.sock((int) a[0])));
        return f.toArray(HostFunction[]::new);
    }

    /** A function returning an errno; {@code sig} lists its parameters ({@code i}: i32, {@code I}: i64). */
    private static HostFunction fn(String name, String sig, Call call) {
        return new HostFunction(MODULE, name, TYPES.computeIfAbsent(sig, Preview1::errnoType), (instance, args) ->
                new long[] {invoke(name, call, instance, args)});
    }

    /**
     * The function types by signature, shared by every instance: a linked module keeps the host
     * functions it imports, and 10,000 modules would otherwise keep 10,000 copies of each type.
     */
    private static final java.util.Map<String, FunctionType> TYPES = new java.util.concurrent.ConcurrentHashMap<>();

    private static FunctionType errnoType(String sig) {
        List<ValType> params = new ArrayList<>();
        for (char c : sig.toCharArray()) {
            params.add(c == 'I' ? ValType.I64 : ValType.I32);
        }
        return FunctionType.of(List.copyOf(params), List.of(ValType.I32));
    }

    private static int invoke(String name, Call call, Instance instance, long[] args) {
        try {
            return call.apply(new GuestMemory(instance.memory()), args);
        } catch (WasiError e) {
            if (LOG.isTraceEnabled()) {
                LOG.trace("{} failed with errno {}", name, e.errno);
            }
            return e.errno;
        } catch (ChicoryException e) {
            throw e; // an exit, a signal, a stop: the module ends
        } catch (RuntimeException e) {
            // a fault of this host module, not of the module's: EIO keeps the node's log quiet per call
            LOG.debug("WASI {} failed", name, e);
            return Errno.IO;
        }
    }

    private static int strings(GuestMemory m, byte[][] values, long pointers, long buffer) throws WasiError {
        long at = buffer & MASK;
        for (int i = 0; i < values.length; i++) {
            m.i32(pointers + 4L * i, (int) at);
            m.write(at, values[i]);
            m.u8(at + values[i].length, 0);
            at += values[i].length + 1;
        }
        return Errno.SUCCESS;
    }

    private static int sizes(GuestMemory m, byte[][] values, long countPtr, long sizePtr) throws WasiError {
        long size = 0;
        for (byte[] v : values) {
            size += v.length + 1;
        }
        m.i32(countPtr, values.length);
        m.i32(sizePtr, (int) size);
        return Errno.SUCCESS;
    }

    private int clockRes(GuestMemory m, int id, long ptr) throws WasiError {
        long res = Clocks.resolution(id);
        if (res < 0) {
            throw WasiError.of(Errno.INVAL);
        }
        m.i64(ptr, res);
        return Errno.SUCCESS;
    }

    private int clockTime(GuestMemory m, int id, long ptr) throws WasiError {
        long time = clocks.time(id);
        if (time < 0) {
            throw WasiError.of(Errno.INVAL);
        }
        m.i64(ptr, time);
        return Errno.SUCCESS;
    }

    private int randomGet(GuestMemory m, long ptr, long len) throws WasiError {
        if (random == null) {
            random = new SecureRandom();
        }
        byte[] bytes = new byte[(int) Math.min(len, Integer.MAX_VALUE - 16)];
        random.nextBytes(bytes);
        m.write(ptr, bytes);
        return Errno.SUCCESS;
    }
}
