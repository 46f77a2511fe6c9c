package io.krustlet.wasm.wasi;

import java.util.ArrayList;
import java.util.List;

/**
 * A module's file descriptors: the lowest free number is handed out first, as POSIX does, up to
 * {@value #MAX_OPEN} open at once ({@link Errno#MFILE} past that, like a process' open file limit).
 */
final class FdTable {

    static final int MAX_OPEN = 1024;

    private final List<Descriptor> entries = new ArrayList<>();
    private int open;

    Descriptor get(int fd) throws WasiError {
        if (fd < 0 || fd >= entries.size() || entries.get(fd) == null) {
            throw WasiError.of(Errno.BADF);
        }
        return entries.get(fd);
    }

    int add(Descriptor descriptor) throws WasiError {
        if (open >= MAX_OPEN) {
            descriptor.close();
            throw WasiError.of(Errno.MFILE);
        }
        open++;
        for (int fd = 0; fd < entries.size(); fd++) {
            if (entries.get(fd) == null) {
                entries.set(fd, descriptor);
                return fd;
            }
        }
        entries.add(descriptor);
        return entries.size() - 1;
    }

    /** Removes and closes {@code fd}. */
    void close(int fd) throws WasiError {
        Descriptor d = get(fd);
        entries.set(fd, null);
        open--;
        d.close();
    }

    /** {@code fd_renumber}: {@code to} now refers to what {@code from} did; {@code from} is free. */
    void renumber(int from, int to) throws WasiError {
        Descriptor moving = get(from);
        Descriptor replaced = get(to);
        if (from == to) {
            return;
        }
        entries.set(to, moving);
        entries.set(from, null);
        open--;
        replaced.close();
    }

    void closeAll() {
        for (int fd = 0; fd < entries.size(); fd++) {
            Descriptor d = entries.get(fd);
            if (d != null) {
                d.close();
                entries.set(fd, null);
            }
        }
        open = 0;
    }
}
