package io.krustlet.wasm.wasi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A WASI {@code filestat} (64 bytes: dev, ino, filetype, nlink, size, atim, mtim, ctim). */
record Stat(long dev, long ino, byte type, long nlink, long size, long atim, long mtim, long ctim) {

    void write(GuestMemory memory, long at) throws WasiError {
        memory.zero(at, Abi.FILESTAT_SIZE);
        memory.i64(at, dev);
        memory.i64(at + 8, ino);
        memory.u8(at + 16, type);
        memory.i64(at + 24, nlink);
        memory.i64(at + 32, size);
        memory.i64(at + 40, atim);
        memory.i64(at + 48, mtim);
        memory.i64(at + 56, ctim);
    }

    Stat withSize(long newSize) {
        return new Stat(dev, ino, type, nlink, newSize, atim, mtim, ctim);
    }

    static byte type(BasicFileAttributes a) {
        if (a.isSymbolicLink()) {
            return Abi.FILETYPE_SYMBOLIC_LINK;
        }
        if (a.isDirectory()) {
            return Abi.FILETYPE_DIRECTORY;
        }
        if (a.isRegularFile()) {
            return Abi.FILETYPE_REGULAR_FILE;
        }
        return Abi.FILETYPE_UNKNOWN;
    }

    /** The entry {@code name} of {@code dir} itself (not following a symlink). */
    static Stat of(Dir dir, String name) throws WasiError {
        try {
            BasicFileAttributes a = name.equals(".") ? dir.statSelf() : dir.stat(name);
            if (a == null) {
                throw WasiError.of(Errno.NOENT);
            }
            return of(a, dir.hostPath.resolve(name));
        } catch (IOException e) {
            throw WasiError.of(Errno.of(e));
        }
    }

    /**
     * A stat from attributes read through a directory descriptor. The link count and change time
     * are only available by path: they are taken from {@code hostPath} when it still leads to the
     * same file (same device and inode), else the link count reads 1 and ctim equals mtim.
     */
    static Stat of(BasicFileAttributes a, Path hostPath) {
        long[] id = devIno(a.fileKey());
        long nlink = 1;
        long ctim = nanos(a.lastModifiedTime());
        try {
            Map<String, Object> unix = Files.readAttributes(hostPath, "unix:dev,ino,nlink,ctime",
                    LinkOption.NOFOLLOW_LINKS);
            if (((Number) unix.get("dev")).longValue() == id[0] && ((Number) unix.get("ino")).longValue() == id[1]) {
                nlink = ((Number) unix.get("nlink")).longValue();
                ctim = nanos((FileTime) unix.get("ctime"));
            }
        } catch (IOException | RuntimeException e) {
            // moved meanwhile, or no unix view: keep the defaults
        }
        return new Stat(id[0], id[1], type(a), nlink, a.size(), nanos(a.lastAccessTime()), nanos(a.lastModifiedTime()),
                ctim);
    }

    static long nanos(FileTime time) {
        return time == null ? 0 : time.to(TimeUnit.NANOSECONDS);
    }

    /**
     * Device and inode from the JDK's Unix file key, whose text is {@code (dev=<hex>,ino=<decimal>)}
     * (sun.nio.fs.UnixFileKey); zeros when the key is missing or shaped otherwise.
     */
    static long[] devIno(Object key) {
        if (key == null) {
            return new long[2];
        }
        String s = key.toString();
        int dev = s.indexOf("dev=");
        int ino = s.indexOf(",ino=");
        int end = s.indexOf(')', ino);
        if (dev < 0 || ino < 0 || end < 0) {
            return new long[] {0, key.hashCode() & 0xFFFFFFFFL};
        }
        try {
            return new long[] {Long.parseUnsignedLong(s.substring(dev + 4, ino), 16),
                    Long.parseUnsignedLong(s.substring(ino + 5, end))};
        } catch (NumberFormatException e) {
            return new long[] {0, key.hashCode() & 0xFFFFFFFFL};
        }
    }
}
