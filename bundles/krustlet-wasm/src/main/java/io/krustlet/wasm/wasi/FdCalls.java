package io.krustlet.wasm.wasi;

import io.krustlet.wasm.wasi.DirectoryDescriptor.DirEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The {@code fd_*} calls of WASI preview1. Each returns an errno or throws {@link WasiError}. */
final class FdCalls {

    private static final long MASK = 0xFFFFFFFFL;
    /** The most one read call copies at once; callers loop, as POSIX allows short reads. */
    private static final int MAX_READ = 1 << 20;

    private final FdTable fds;
    private final Clock clock;

    FdCalls(FdTable fds, Clock clock) {
        this.fds = fds;
        this.clock = clock;
    }

    int read(GuestMemory m, int fd, long iovs, long count, long nreadPtr) throws WasiError {
        Descriptor d = fds.get(fd);
        long capacity = m.capacity(iovs, count);
        byte[] data;
        int n;
        if (d instanceof StreamDescriptor s) {
            if (s.in == null) {
                throw WasiError.of(Errno.BADF);
            }
            d.require(Rights.FD_READ);
            data = new byte[(int) Math.min(capacity, MAX_READ)];
            try {
                n = data.length == 0 ? 0 : Math.max(0, s.in.read(data, 0, data.length));
            } catch (IOException e) {
                throw WasiError.of(Errno.IO);
            }
        } else {
            FileDescriptor f = file(d, true);
            data = new byte[(int) Math.min(capacity, MAX_READ)];
            n = readChannel(f.channel, data, -1);
        }
        m.scatter(iovs, count, data, n);
        m.i32(nreadPtr, n);
        return Errno.SUCCESS;
    }

    int pread(GuestMemory m, int fd, long iovs, long count, long offset, long nreadPtr) throws WasiError {
        Descriptor d = fds.get(fd);
        if (d instanceof StreamDescriptor) {
            throw WasiError.of(Errno.SPIPE);
        }
        FileDescriptor f = file(d, true);
        d.require(Rights.FD_SEEK);
        if (offset < 0) {
            throw WasiError.of(Errno.INVAL);
        }
        byte[] data = new byte[(int) Math.min(m.capacity(iovs, count), MAX_READ)];
        int n = readChannel(f.channel, data, offset);
        m.scatter(iovs, count, data, n);
        m.i32(nreadPtr, n);
        return Errno.SUCCESS;
    }

    private static int readChannel(FileChannel channel, byte[] data, long position) throws WasiError {
        if (data.length == 0) {
            return 0;
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        try {
            int n = position < 0 ? channel.read(buffer) : channel.read(buffer, position);
            return Math.max(0, n);
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
    }

    /** The open file behind {@code d} for reading or writing, with POSIX' errors for the rest. */
    private static FileDescriptor file(Descriptor d, boolean reading) throws WasiError {
        if (d instanceof DirectoryDescriptor) {
            throw WasiError.of(Errno.ISDIR);
        }
        FileDescriptor f = (FileDescriptor) d;
        if (reading ? !f.readable : !f.writable) {
            throw WasiError.of(Errno.BADF);
        }
        f.require(reading ? Rights.FD_READ : Rights.FD_WRITE);
        return f;
    }

    int write(GuestMemory m, int fd, long iovs, long count, long nwrittenPtr) throws WasiError {
        Descriptor d = fds.get(fd);
        byte[] data = m.gather(iovs, count);
        if (d instanceof StreamDescriptor s) {
            if (s.out == null) {
                throw WasiError.of(Errno.BADF);
            }
            d.require(Rights.FD_WRITE);
            try {
                s.out.write(data);
            } catch (IOException e) {
                throw WasiError.of(Errno.IO);
            }
        } else {
            FileDescriptor f = file(d, false);
            try {
                if (f.appending() && !f.kernelAppend) {
                    f.channel.position(f.channel.size());
                }
                writeFully(f.channel, data, -1);
            } catch (IOException e) {
                throw WasiError.of(Errno.of(e));
            }
        }
        m.i32(nwrittenPtr, data.length);
        return Errno.SUCCESS;
    }

    int pwrite(GuestMemory m, int fd, long iovs, long count, long offset, long nwrittenPtr) throws WasiError {
        Descriptor d = fds.get(fd);
        if (d instanceof StreamDescriptor) {
            throw WasiError.of(Errno.SPIPE);
        }
        FileDescriptor f = file(d, false);
        d.require(Rights.FD_SEEK);
        if (offset < 0) {
            throw WasiError.of(Errno.INVAL);
        }
        byte[] data = m.gather(iovs, count);
        try {
            // Linux' pwrite on an O_APPEND descriptor appends; so do we, for either kind of append
            writeFully(f.channel, data, f.appending() ? f.channel.size() : offset);
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        m.i32(nwrittenPtr, data.length);
        return Errno.SUCCESS;
    }

    private static void writeFully(FileChannel channel, byte[] data, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        long at = position;
        while (buffer.hasRemaining()) {
            int n = at < 0 ? channel.write(buffer) : channel.write(buffer, at);
            if (at >= 0) {
                at += n;
            }
        }
    }

    int seek(GuestMemory m, int fd, long offset, int whence, long newOffsetPtr) throws WasiError {
        FileDescriptor f = seekable(fds.get(fd));
        f.require(offset == 0 && whence == Abi.WHENCE_CUR ? Rights.FD_TELL : Rights.FD_SEEK);
        try {
            long base = switch (whence) {
                case Abi.WHENCE_SET -> 0;
                case Abi.WHENCE_CUR -> f.channel.position();
                case Abi.WHENCE_END -> f.channel.size();
                default -> throw WasiError.of(Errno.INVAL);
            };
            long target = base + offset;
            if (target < 0) {
                throw WasiError.of(Errno.INVAL);
            }
            f.channel.position(target);
            m.i64(newOffsetPtr, target);
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        return Errno.SUCCESS;
    }

    int tell(GuestMemory m, int fd, long offsetPtr) throws WasiError {
        FileDescriptor f = seekable(fds.get(fd));
        f.require(Rights.FD_TELL);
        try {
            m.i64(offsetPtr, f.channel.position());
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        return Errno.SUCCESS;
    }

    private static FileDescriptor seekable(Descriptor d) throws WasiError {
        if (d instanceof StreamDescriptor) {
            throw WasiError.of(Errno.SPIPE);
        }
        if (d instanceof DirectoryDescriptor) {
            throw WasiError.of(Errno.ISDIR);
        }
        return (FileDescriptor) d;
    }

    int close(int fd) throws WasiError {
        fds.close(fd);
        return Errno.SUCCESS;
    }

    int renumber(int from, int to) throws WasiError {
        fds.renumber(from, to);
        return Errno.SUCCESS;
    }

    int fdstatGet(GuestMemory m, int fd, long ptr) throws WasiError {
        Descriptor d = fds.get(fd);
        m.zero(ptr, Abi.FDSTAT_SIZE);
        m.u8(ptr, d.filetype());
        m.u16(ptr + 2, d.fdflags);
        m.i64(ptr + 8, d.rightsBase);
        m.i64(ptr + 16, d.rightsInheriting);
        return Errno.SUCCESS;
    }

    /**
     * Only {@code APPEND} and {@code NONBLOCK} can change after opening (as in wasmtime); the
     * synchronisation flags are fixed at open time ({@link Errno#NOTSUP}).
     */
    int fdstatSetFlags(int fd, int flags) throws WasiError {
        Descriptor d = fds.get(fd);
        d.require(Rights.FD_FDSTAT_SET_FLAGS);
        int sync = Abi.FD_DSYNC | Abi.FD_RSYNC | Abi.FD_SYNC;
        if ((flags & ~0x1F) != 0) {
            throw WasiError.of(Errno.INVAL);
        }
        if ((flags & sync) != (d.fdflags & sync)) {
            throw WasiError.of(Errno.NOTSUP);
        }
        if (d instanceof FileDescriptor f && f.kernelAppend && (flags & Abi.FD_APPEND) == 0) {
            throw WasiError.of(Errno.NOTSUP);
        }
        if (d instanceof DirectoryDescriptor && (flags & Abi.FD_APPEND) != 0) {
            throw WasiError.of(Errno.BADF);
        }
        d.fdflags = flags;
        return Errno.SUCCESS;
    }

    /** Rights can only be dropped: asking for one the descriptor lacks is {@link Errno#NOTCAPABLE}. */
    int fdstatSetRights(int fd, long base, long inheriting) throws WasiError {
        Descriptor d = fds.get(fd);
        if ((base & ~d.rightsBase) != 0 || (inheriting & ~d.rightsInheriting) != 0) {
            throw WasiError.of(Errno.NOTCAPABLE);
        }
        d.rightsBase = base;
        d.rightsInheriting = inheriting;
        return Errno.SUCCESS;
    }

    int filestatGet(GuestMemory m, int fd, long ptr) throws WasiError {
        Descriptor d = fds.get(fd);
        d.require(Rights.FD_FILESTAT_GET);
        Stat stat;
        if (d instanceof StreamDescriptor) {
            stat = new Stat(0, 0, Abi.FILETYPE_CHARACTER_DEVICE, 1, 0, 0, 0, 0);
        } else if (d instanceof DirectoryDescriptor dd) {
            stat = Stat.of(dd.dir(), ".");
        } else {
            stat = fileStat((FileDescriptor) d);
        }
        stat.write(m, ptr);
        return Errno.SUCCESS;
    }

    /** The open file's stat: by its path while that still leads to it, else as it was opened. */
    static Stat fileStat(FileDescriptor f) throws WasiError {
        long size;
        try {
            size = f.channel.size();
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        if (sameFile(f)) {
            try {
                BasicFileAttributes a = Files.readAttributes(f.hostPath, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                return Stat.of(a, f.hostPath).withSize(size);
            } catch (IOException e) {
                // moved meanwhile: fall through
            }
        }
        return f.opened.withSize(size);
    }

    /** Whether the open file is still the one at its host path (same device and inode). */
    static boolean sameFile(FileDescriptor f) {
        try {
            Object key = Files.readAttributes(f.hostPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            long[] id = Stat.devIno(key);
            return id[0] == f.opened.dev() && id[1] == f.opened.ino();
        } catch (IOException e) {
            return false;
        }
    }

    int filestatSetSize(int fd, long size) throws WasiError {
        Descriptor d = fds.get(fd);
        d.require(Rights.FD_FILESTAT_SET_SIZE);
        if (d instanceof DirectoryDescriptor) {
            throw WasiError.of(Errno.ISDIR);
        }
        if (!(d instanceof FileDescriptor f)) {
            throw WasiError.of(Errno.INVAL);
        }
        f.preopen.requireWritable();
        if (!f.writable) {
            throw WasiError.of(Errno.BADF);
        }
        if (size < 0) {
            throw WasiError.of(Errno.INVAL);
        }
        resize(f, size, true);
        return Errno.SUCCESS;
    }

    /** Truncates (when allowed) or extends with zeros to {@code size} bytes. */
    private static void resize(FileDescriptor f, long size, boolean shrink) throws WasiError {
        try {
            long current = f.channel.size();
            if (size < current && shrink) {
                f.channel.truncate(size);
            } else if (size > current) {
                if (f.kernelAppend) {
                    writeFully(f.channel, new byte[(int) Math.min(size - current, Integer.MAX_VALUE - 16)], -1);
                } else {
                    writeFully(f.channel, new byte[1], size - 1);
                }
            }
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
    }

    int filestatSetTimes(int fd, long atim, long mtim, int fstflags) throws WasiError {
        Descriptor d = fds.get(fd);
        d.require(Rights.FD_FILESTAT_SET_TIMES);
        FileTime[] times = times(atim, mtim, fstflags, clock);
        try {
            if (d instanceof DirectoryDescriptor dd) {
                dd.preopen.requireWritable();
                dd.dir().sds.getFileAttributeView(BasicFileAttributeView.class).setTimes(times[1], times[0], null);
            } else if (d instanceof FileDescriptor f) {
                f.preopen.requireWritable();
                if (!sameFile(f)) {
                    throw WasiError.of(Errno.IO);
                }
                Files.getFileAttributeView(f.hostPath, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(times[1], times[0], null);
            } else {
                throw WasiError.of(Errno.NOTSUP);
            }
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        return Errno.SUCCESS;
    }

    /**
     * The access and modification times a {@code fstflags} asks for ({@code null}: leave as is).
     *
     * @throws WasiError {@link Errno#INVAL} for a time and its {@code _NOW} flag together
     */
    static FileTime[] times(long atim, long mtim, int fstflags, Clock clock) throws WasiError {
        if ((fstflags & ~0xF) != 0
                || (fstflags & (Abi.FST_ATIM | Abi.FST_ATIM_NOW)) == (Abi.FST_ATIM | Abi.FST_ATIM_NOW)
                || (fstflags & (Abi.FST_MTIM | Abi.FST_MTIM_NOW)) == (Abi.FST_MTIM | Abi.FST_MTIM_NOW)) {
            throw WasiError.of(Errno.INVAL);
        }
        FileTime now = FileTime.from(clock.instant());
        FileTime a = (fstflags & Abi.FST_ATIM_NOW) != 0 ? now
                : (fstflags & Abi.FST_ATIM) != 0 ? FileTime.from(atim, java.util.concurrent.TimeUnit.NANOSECONDS) : null;
        FileTime mt = (fstflags & Abi.FST_MTIM_NOW) != 0 ? now
                : (fstflags & Abi.FST_MTIM) != 0 ? FileTime.from(mtim, java.util.concurrent.TimeUnit.NANOSECONDS) : null;
        return new FileTime[] {a, mt};
    }

    int advise(int fd, long offset, long len, int advice) throws WasiError {
        Descriptor d = fds.get(fd);
        d.require(Rights.FD_ADVISE);
        if (advice < 0 || advice > Abi.ADVICE_NOREUSE || offset < 0 || len < 0) {
            throw WasiError.of(Errno.INVAL);
        }
        if (d instanceof StreamDescriptor) {
            throw WasiError.of(Errno.SPIPE);
        }
        if (d instanceof DirectoryDescriptor) {
            throw WasiError.of(Errno.BADF);
        }
        return Errno.SUCCESS; // advice only: the JDK offers no fadvise
    }

    int allocate(int fd, long offset, long len) throws WasiError {
        Descriptor d = fds.get(fd);
        d.require(Rights.FD_ALLOCATE);
        if (d instanceof StreamDescriptor) {
            throw WasiError.of(Errno.SPIPE);
        }
        if (d instanceof DirectoryDescriptor) {
            throw WasiError.of(Errno.BADF);
        }
        FileDescriptor f = (FileDescriptor) d;
        f.preopen.requireWritable();
        if (!f.writable) {
            throw WasiError.of(Errno.BADF);
        }
        if (offset < 0 || len <= 0 || offset + len < 0) {
            throw WasiError.of(Errno.INVAL);
        }
        resize(f, offset + len, false);
        return Errno.SUCCESS;
    }

    int sync(int fd, boolean metadata) throws WasiError {
        Descriptor d = fds.get(fd);
        d.require(metadata ? Rights.FD_SYNC : Rights.FD_DATASYNC);
        try {
            if (d instanceof FileDescriptor f) {
                f.channel.force(metadata);
            } else if (d instanceof StreamDescriptor s && s.out != null) {
                s.out.flush();
            }
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        return Errno.SUCCESS;
    }

    int prestatGet(GuestMemory m, int fd, long ptr) throws WasiError {
        DirectoryDescriptor d = preopen(fds.get(fd));
        m.zero(ptr, 8);
        m.u8(ptr, 0);
        m.i32(ptr + 4, d.preopen.guestPath.getBytes(StandardCharsets.UTF_8).length);
        return Errno.SUCCESS;
    }

    int prestatDirName(GuestMemory m, int fd, long ptr, long len) throws WasiError {
        DirectoryDescriptor d = preopen(fds.get(fd));
        byte[] name = d.preopen.guestPath.getBytes(StandardCharsets.UTF_8);
        if (len < name.length) {
            throw WasiError.of(Errno.NAMETOOLONG);
        }
        m.write(ptr, name);
        return Errno.SUCCESS;
    }

    /** Only mounts have a prestat; wasi-libc stops looking for mounts at the first EBADF. */
    private static DirectoryDescriptor preopen(Descriptor d) throws WasiError {
        if (d instanceof DirectoryDescriptor dd && dd.isPreopen) {
            return dd;
        }
        throw WasiError.of(Errno.BADF);
    }

    /**
     * Writes directory entries from {@code cookie} on; the last one may be cut short (then the
     * buffer is full and wasi-libc asks again with a bigger one). Cookies index the listing
     * taken when the module last read from cookie 0.
     */
    int readdir(GuestMemory m, int fd, long buf, long bufLen, long cookie, long bufusedPtr) throws WasiError {
        Descriptor d = fds.get(fd);
        if (!(d instanceof DirectoryDescriptor dd)) {
            throw WasiError.of(Errno.NOTDIR);
        }
        d.require(Rights.FD_READDIR);
        if (cookie == 0 || dd.listing == null) {
            dd.listing = list(dd.dir());
        }
        long used = 0;
        for (long i = cookie; i >= 0 && i < dd.listing.size() && used < bufLen; i++) {
            DirEntry e = dd.listing.get((int) i);
            byte[] entry = new byte[Abi.DIRENT_SIZE + e.name().length];
            ByteBuffer b = ByteBuffer.wrap(entry).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.putLong(i + 1).putLong(e.ino()).putInt(e.name().length).put(e.type());
            System.arraycopy(e.name(), 0, entry, Abi.DIRENT_SIZE, e.name().length);
            int n = (int) Math.min(entry.length, bufLen - used);
            m.write(buf + used, entry, 0, n);
            used += n;
        }
        m.i32(bufusedPtr, (int) used);
        return Errno.SUCCESS;
    }

    private static List<DirEntry> list(Dir dir) throws WasiError {
        List<DirEntry> entries = new ArrayList<>();
        try {
            entries.add(new DirEntry(new byte[] {'.'}, Abi.FILETYPE_DIRECTORY, Stat.devIno(dir.key())[1]));
            BasicFileAttributes parent = dir.stat("..");
            entries.add(new DirEntry(new byte[] {'.', '.'}, Abi.FILETYPE_DIRECTORY,
                    parent == null ? 0 : Stat.devIno(parent.fileKey())[1]));
            try (DirectoryStream<Path> stream = dir.sds.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS)) {
                for (Path p : stream) {
                    String name = p.getFileName().toString();
                    BasicFileAttributes a = dir.stat(name);
                    if (a != null) { // gone since the listing: skip, as readdir would not have seen it
                        entries.add(new DirEntry(name.getBytes(StandardCharsets.UTF_8), Stat.type(a),
                                Stat.devIno(a.fileKey())[1]));
                    }
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            IOException cause = e instanceof IOException io ? io : ((java.nio.file.DirectoryIteratorException) e).getCause();
            throw WasiError.of(Errno.of(cause));
        }
        return entries;
    }

    int sock(int fd) throws WasiError {
        fds.get(fd);
        return Errno.NOTSOCK; // no sockets are ever handed to a module
    }
}
