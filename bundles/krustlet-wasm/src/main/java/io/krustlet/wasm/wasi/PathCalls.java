package io.krustlet.wasm.wasi;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

/**
 * The {@code path_*} calls of WASI preview1. Every path goes through {@link PathResolver}; the
 * last component is then acted on through its directory's descriptor wherever the JDK allows
 * it (open, stat, set times, unlink, rmdir, rename), and through its verified host path where
 * the JDK has no descriptor-relative form (mkdir, symlink, link, readlink, times of a symlink).
 */
final class PathCalls {

    private final FdTable fds;
    private final Clock clock;

    PathCalls(FdTable fds, Clock clock) {
        this.fds = fds;
        this.clock = clock;
    }

    private DirectoryDescriptor directory(int fd, long rights) throws WasiError {
        Descriptor d = fds.get(fd);
        if (!(d instanceof DirectoryDescriptor dd)) {
            throw WasiError.of(Errno.NOTDIR);
        }
        d.require(rights);
        return dd;
    }

    private static BasicFileAttributes stat(Resolved r) throws WasiError {
        try {
            return r.name().equals(".") ? r.dir().statSelf() : r.dir().stat(r.name());
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
    }

    int open(GuestMemory m, int dirfd, int lookupflags, String path, int oflags, long base, long inheriting,
            int fdflags, long fdPtr) throws WasiError {
        DirectoryDescriptor dd = directory(dirfd, Rights.PATH_OPEN);
        boolean create = (oflags & Abi.O_CREAT) != 0;
        boolean excl = (oflags & Abi.O_EXCL) != 0;
        boolean trunc = (oflags & Abi.O_TRUNC) != 0;
        boolean wantDir = (oflags & Abi.O_DIRECTORY) != 0;
        boolean append = (fdflags & Abi.FD_APPEND) != 0;
        if (create) {
            dd.require(Rights.PATH_CREATE_FILE);
        }
        if (trunc) {
            dd.require(Rights.PATH_FILESTAT_SET_SIZE);
        }
        boolean write = (base & Rights.WRITING) != 0 || trunc || append;
        boolean read = (base & (Rights.FD_READ | Rights.FD_READDIR)) != 0 || !write;
        boolean follow = (lookupflags & Abi.LOOKUP_SYMLINK_FOLLOW) != 0 && !(create && excl);
        long rightsBase = base & dd.rightsInheriting;
        long rightsInheriting = inheriting & dd.rightsInheriting;
        Descriptor opened;
        try (Resolved r = PathResolver.resolve(dd.dir(), path, follow)) {
            BasicFileAttributes attrs = stat(r);
            if (attrs == null) {
                if (!create) {
                    throw WasiError.of(Errno.NOENT);
                }
                if (r.trailingSlash() || wantDir) {
                    throw WasiError.of(wantDir ? Errno.INVAL : Errno.ISDIR);
                }
                dd.preopen.requireWritable();
                opened = openFile(r, read, write, append, trunc, create, excl, fdflags, rightsBase, rightsInheriting);
            } else if (create && excl) {
                throw WasiError.of(Errno.EXIST);
            } else if (attrs.isSymbolicLink()) {
                throw WasiError.of(Errno.LOOP);
            } else if (attrs.isDirectory()) {
                if ((base & Rights.FD_WRITE) != 0 || trunc || append) {
                    throw WasiError.of(Errno.ISDIR);
                }
                opened = new DirectoryDescriptor(dd.preopen, r.dir().child(r.name()), false, rightsBase, rightsInheriting);
            } else {
                if (wantDir || r.trailingSlash()) {
                    throw WasiError.of(Errno.NOTDIR);
                }
                if (write) {
                    dd.preopen.requireWritable();
                }
                opened = openFile(r, read, write, append, trunc, false, false, fdflags, rightsBase, rightsInheriting);
            }
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        m.i32(fdPtr, fds.add(opened));
        return Errno.SUCCESS;
    }

    /**
     * Opens (or creates) a non-directory with {@code O_NOFOLLOW} through its directory's descriptor.
     * The JDK refuses READ with APPEND and APPEND with TRUNCATE_EXISTING, and creates files only
     * when writing; see {@link FileDescriptor} for how append mode is kept anyway.
     */
    private static FileDescriptor openFile(Resolved r, boolean read, boolean write, boolean append, boolean trunc,
            boolean create, boolean excl, int fdflags, long rightsBase, long rightsInheriting)
            throws IOException, WasiError {
        Path name = Path.of(r.name());
        if (create && !write) {
            Set<OpenOption> creating = Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS,
                    excl ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE);
            r.dir().sds.newByteChannel(name, creating).close();
        }
        boolean kernelAppend = append && write && !read;
        Set<OpenOption> options = new HashSet<>();
        options.add(LinkOption.NOFOLLOW_LINKS);
        if (read) {
            options.add(StandardOpenOption.READ);
        }
        if (write) {
            options.add(kernelAppend ? StandardOpenOption.APPEND : StandardOpenOption.WRITE);
            if (trunc && !kernelAppend) {
                options.add(StandardOpenOption.TRUNCATE_EXISTING);
            }
            if (create) {
                options.add(excl ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE);
            }
        }
        if ((fdflags & (Abi.FD_SYNC | Abi.FD_RSYNC)) != 0) {
            options.add(StandardOpenOption.SYNC);
        } else if ((fdflags & Abi.FD_DSYNC) != 0) {
            options.add(StandardOpenOption.DSYNC);
        }
        FileChannel channel;
        try {
            channel = (FileChannel) r.dir().sds.newByteChannel(name, options);
        } catch (FileAlreadyExistsException e) {
            throw WasiError.of(Errno.EXIST);
        }
        try {
            if (trunc && kernelAppend) {
                channel.truncate(0);
            }
            BasicFileAttributes attrs = r.dir().stat(r.name());
            Path hostPath = r.dir().hostPath.resolve(r.name());
            Stat opened = attrs != null ? Stat.of(attrs, hostPath)
                    : new Stat(0, 0, Abi.FILETYPE_REGULAR_FILE, 1, 0, 0, 0, 0);
            return new FileDescriptor(channel, read, write, kernelAppend, r.dir().preopen, hostPath, opened,
                    rightsBase & Rights.FILE, rightsInheriting, fdflags);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    int createDirectory(int fd, String path) throws WasiError {
        DirectoryDescriptor dd = directory(fd, Rights.PATH_CREATE_DIRECTORY);
        try (Resolved r = PathResolver.resolve(dd.dir(), path, false)) {
            if (r.name().equals(".") || stat(r) != null) {
                throw WasiError.of(Errno.EXIST);
            }
            dd.preopen.requireWritable();
            Files.createDirectory(r.dir().verifiedHostPath().resolve(r.name()));
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        return Errno.SUCCESS;
    }

    int filestatGet(GuestMemory m, int fd, int lookupflags, String path, long ptr) throws WasiError {
        DirectoryDescriptor dd = directory(fd, Rights.PATH_FILESTAT_GET);
        boolean follow = (lookupflags & Abi.LOOKUP_SYMLINK_FOLLOW) != 0;
        try (Resolved r = PathResolver.resolve(dd.dir(), path, follow)) {
            Stat stat = Stat.of(r.dir(), r.name());
            if (r.trailingSlash() && stat.type() != Abi.FILETYPE_DIRECTORY) {
                throw WasiError.of(Errno.NOTDIR);
            }
            stat.write(m, ptr);
        }
        return Errno.SUCCESS;
    }

    int filestatSetTimes(int fd, int lookupflags, String path, long atim, long mtim, int fstflags)
            throws WasiError {
        DirectoryDescriptor dd = directory(fd, Rights.PATH_FILESTAT_SET_TIMES);
        FileTime[] times = FdCalls.times(atim, mtim, fstflags, clock);
        boolean follow = (lookupflags & Abi.LOOKUP_SYMLINK_FOLLOW) != 0;
        try (Resolved r = PathResolver.resolve(dd.dir(), path, follow)) {
            BasicFileAttributes attrs = stat(r);
            if (attrs == null) {
                throw WasiError.of(Errno.NOENT);
            }
            dd.preopen.requireWritable();
            if (attrs.isSymbolicLink()) {
                // the link's own times (lutimes): the JDK has this only by path
                Files.getFileAttributeView(r.dir().verifiedHostPath().resolve(r.name()), BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).setTimes(times[1], times[0], null);
            } else if (r.name().equals(".")) {
                r.dir().sds.getFileAttributeView(BasicFileAttributeView.class).setTimes(times[1], times[0], null);
            } else {
                r.dir().sds.getFileAttributeView(Path.of(r.name()), BasicFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS).setTimes(times[1], times[0], null);
            }
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        return Errno.SUCCESS;
    }

    int link(int oldFd, int oldFlags, String oldPath, int newFd, String newPath) throws WasiError {
        DirectoryDescriptor from = directory(oldFd, Rights.PATH_LINK_SOURCE);
        DirectoryDescriptor to = directory(newFd, Rights.PATH_LINK_TARGET);
        if ((oldFlags & Abi.LOOKUP_SYMLINK_FOLLOW) != 0) {
            throw WasiError.of(Errno.INVAL); // as wasmtime: hard links to a symlink's target are not made
        }
        try (Resolved source = PathResolver.resolve(from.dir(), oldPath, false);
                Resolved target = PathResolver.resolve(to.dir(), newPath, false)) {
            BasicFileAttributes attrs = stat(source);
            if (attrs == null) {
                throw WasiError.of(Errno.NOENT);
            }
            if (attrs.isDirectory()) {
                throw WasiError.of(Errno.PERM);
            }
            if (source.trailingSlash()) {
                throw WasiError.of(Errno.NOTDIR);
            }
            if (target.name().equals(".") || stat(target) != null) {
                throw WasiError.of(Errno.EXIST);
            }
            if (target.trailingSlash()) {
                throw WasiError.of(Errno.NOENT);
            }
            from.preopen.requireWritable();
            to.preopen.requireWritable();
            Files.createLink(target.dir().verifiedHostPath().resolve(target.name()),
                    source.dir().verifiedHostPath().resolve(source.name()));
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        return Errno.SUCCESS;
    }

    int readlink(GuestMemory m, int fd, String path, long buf, long bufLen, long bufusedPtr) throws WasiError {
        DirectoryDescriptor dd = directory(fd, Rights.PATH_READLINK);
        try (Resolved r = PathResolver.resolve(dd.dir(), path, false)) {
            BasicFileAttributes attrs = stat(r);
            if (attrs == null) {
                throw WasiError.of(Errno.NOENT);
            }
            if (!attrs.isSymbolicLink()) {
                throw WasiError.of(Errno.INVAL);
            }
            byte[] target = r.dir().readlink(r.name()).getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(target.length, bufLen);
            m.write(buf, target, 0, n);
            m.i32(bufusedPtr, n);
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        return Errno.SUCCESS;
    }

    int removeDirectory(int fd, String path) throws WasiError {
        DirectoryDescriptor dd = directory(fd, Rights.PATH_REMOVE_DIRECTORY);
        try (Resolved r = PathResolver.resolve(dd.dir(), path, false)) {
            if (r.name().equals(".")) {
                throw WasiError.of(Errno.INVAL);
            }
            BasicFileAttributes attrs = stat(r);
            if (attrs == null) {
                throw WasiError.of(Errno.NOENT);
            }
            if (!attrs.isDirectory()) {
                throw WasiError.of(Errno.NOTDIR);
            }
            dd.preopen.requireWritable();
            r.dir().sds.deleteDirectory(Path.of(r.name()));
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        return Errno.SUCCESS;
    }

    /**
     * {@code renameat}: atomic, replacing an existing file or empty directory, with POSIX'
     * errors for a directory over a file ({@link Errno#NOTDIR}) and the other way round
     * ({@link Errno#ISDIR}); trailing slashes require a directory.
     */
    int rename(int fd, String oldPath, int newFd, String newPath) throws WasiError {
        DirectoryDescriptor from = directory(fd, Rights.PATH_RENAME_SOURCE);
        DirectoryDescriptor to = directory(newFd, Rights.PATH_RENAME_TARGET);
        try (Resolved source = PathResolver.resolve(from.dir(), oldPath, false);
                Resolved target = PathResolver.resolve(to.dir(), newPath, false)) {
            if (source.name().equals(".") || target.name().equals(".")) {
                throw WasiError.of(Errno.BUSY);
            }
            BasicFileAttributes attrs = stat(source);
            if (attrs == null) {
                throw WasiError.of(Errno.NOENT);
            }
            boolean dir = attrs.isDirectory();
            if ((source.trailingSlash() || target.trailingSlash()) && !dir) {
                throw WasiError.of(Errno.NOTDIR);
            }
            BasicFileAttributes existing = stat(target);
            if (existing != null && dir && !existing.isDirectory()) {
                throw WasiError.of(Errno.NOTDIR);
            }
            if (existing != null && !dir && existing.isDirectory()) {
                throw WasiError.of(Errno.ISDIR);
            }
            from.preopen.requireWritable();
            to.preopen.requireWritable();
            source.dir().sds.move(Path.of(source.name()), target.dir().sds, Path.of(target.name()));
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        return Errno.SUCCESS;
    }

    /**
     * Creates a symlink holding {@code target} as given. An absolute target is refused with
     * {@link Errno#PERM}: it could never be followed inside the sandbox, and a host process
     * following it would leave the mount.
     */
    int symlink(String target, int fd, String path) throws WasiError {
        DirectoryDescriptor dd = directory(fd, Rights.PATH_SYMLINK);
        if (target.startsWith("/")) {
            throw WasiError.of(Errno.PERM);
        }
        try (Resolved r = PathResolver.resolve(dd.dir(), path, false)) {
            if (r.name().equals(".") || stat(r) != null) {
                throw WasiError.of(Errno.EXIST);
            }
            if (r.trailingSlash()) {
                throw WasiError.of(Errno.NOENT);
            }
            dd.preopen.requireWritable();
            Files.createSymbolicLink(r.dir().verifiedHostPath().resolve(r.name()), Path.of(target));
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        return Errno.SUCCESS;
    }

    int unlinkFile(int fd, String path) throws WasiError {
        DirectoryDescriptor dd = directory(fd, Rights.PATH_UNLINK_FILE);
        try (Resolved r = PathResolver.resolve(dd.dir(), path, false)) {
            if (r.name().equals(".")) {
                throw WasiError.of(Errno.ISDIR);
            }
            BasicFileAttributes attrs = stat(r);
            if (attrs == null) {
                throw WasiError.of(Errno.NOENT);
            }
            if (attrs.isDirectory()) {
                throw WasiError.of(Errno.ISDIR);
            }
            if (r.trailingSlash()) {
                throw WasiError.of(Errno.NOTDIR);
            }
            dd.preopen.requireWritable();
            r.dir().sds.deleteFile(Path.of(r.name()));
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
        return Errno.SUCCESS;
    }
}
