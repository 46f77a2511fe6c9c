package io.krustlet.wasm.wasi;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * An open regular file (or other non-directory). Opened through its directory's descriptor with
 * {@code O_NOFOLLOW}; the host path and identity are kept only to answer {@code fd_filestat_get}
 * and {@code fd_filestat_set_times}, which the JDK offers by path alone, and are checked first.
 *
 * <p>Append mode: the JDK refuses {@code O_APPEND} together with reading or truncation, so a
 * file opened write-only for appending gets the kernel's {@code O_APPEND} (atomic appends, also
 * against other writers), and one that is also read, or whose append flag the module toggles,
 * appends by moving to the end before each write.
 */
final class FileDescriptor extends Descriptor {

    final FileChannel channel;
    final boolean readable;
    final boolean writable;
    /** Whether the channel was opened with the kernel's O_APPEND (then every write appends). */
    final boolean kernelAppend;
    final Preopen preopen;
    final Path hostPath;
    /** The file as it was opened (its identity, and times for a file moved since). */
    final Stat opened;

    FileDescriptor(FileChannel channel, boolean readable, boolean writable, boolean kernelAppend, Preopen preopen,
            Path hostPath, Stat opened, long rightsBase, long rightsInheriting, int fdflags) {
        super(rightsBase, rightsInheriting, fdflags);
        this.channel = channel;
        this.readable = readable;
        this.writable = writable;
        this.kernelAppend = kernelAppend;
        this.preopen = preopen;
        this.hostPath = hostPath;
        this.opened = opened;
    }

    boolean appending() {
        return (fdflags & Abi.FD_APPEND) != 0;
    }

    @Override
    byte filetype() {
        return Abi.FILETYPE_REGULAR_FILE;
    }

    @Override
    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closed either way
        }
    }
}
