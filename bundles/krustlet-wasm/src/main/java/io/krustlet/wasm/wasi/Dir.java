package io.krustlet.wasm.wasi;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * An open host directory: a {@link SecureDirectoryStream}, that is an {@code openat}-style file
 * descriptor, so every name looked up through it is resolved in this very directory, whatever
 * happens to the path that led here. Names are single components, never followed when they are
 * symlinks ({@code O_NOFOLLOW}, {@code AT_SYMLINK_NOFOLLOW}).
 *
 * <p>Not thread-safe; a module's WASI calls come from its one thread.
 */
final class Dir implements Closeable {

    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    final SecureDirectoryStream<Path> sds;
    /** Where the directory was when it was opened; used only after {@link #verifiedHostPath()}. */
    final Path hostPath;
    final Preopen preopen;
    private final Object key;

    private Dir(SecureDirectoryStream<Path> sds, Path hostPath, Preopen preopen) throws IOException {
        this.sds = sds;
        this.hostPath = hostPath;
        this.preopen = preopen;
        this.key = sds.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
    }

    /**
     * Opens a mount's root directory (the node chose this path; symlinks in it are the node's).
     *
     * @throws IOException when it cannot be opened, or the JVM offers no {@link SecureDirectoryStream}
     *     on this platform (then nothing below could be sandboxed)
     */
    static Dir root(Path hostPath, Preopen preopen) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(hostPath);
        if (!(stream instanceof SecureDirectoryStream<Path> sds)) {
            stream.close();
            throw new IOException("this JVM has no SecureDirectoryStream for " + hostPath
                    + ": WASI mounts need openat-style directory access (Linux)");
        }
        return new Dir(sds, hostPath, preopen);
    }

    /** The sub-directory {@code name}, refusing a symlink there. */
    Dir child(String name) throws IOException {
        SecureDirectoryStream<Path> child = sds.newDirectoryStream(Path.of(name), NOFOLLOW);
        try {
            return new Dir(child, hostPath.resolve(name).normalize(), preopen);
        } catch (IOException | RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /** The attributes of {@code name} itself (a symlink is reported as one), or null when nothing is there. */
    BasicFileAttributes stat(String name) throws IOException {
        try {
            return sds.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, NOFOLLOW).readAttributes();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** The attributes of this directory. */
    BasicFileAttributes statSelf() throws IOException {
        return sds.getFileAttributeView(BasicFileAttributeView.class).readAttributes();
    }

    /**
     * This directory's host path, once checked to still lead to this very directory. The few
     * operations the JDK offers only by path (mkdir, symlink, link, readlink, times of a symlink)
     * use it; the check leaves a window of microseconds in which a host process that swaps a
     * directory on the way for a symlink could redirect that one call (see the README).
     *
     * @throws WasiError {@link Errno#IO} when the path no longer leads here (the directory was
     *     moved or replaced after it was opened)
     */
    Path verifiedHostPath() throws WasiError {
        try {
            Object now = Files.readAttributes(hostPath, BasicFileAttributes.class).fileKey();
            if (key != null && key.equals(now)) {
                return hostPath;
            }
        } catch (IOException e) {
            // moved or removed: fall through
        }
        throw WasiError.of(Errno.IO);
    }

    /** The target of the symlink {@code name}, by path (see {@link #verifiedHostPath()}). */
    String readlink(String name) throws IOException, WasiError {
        return Files.readSymbolicLink(verifiedHostPath().resolve(name)).toString();
    }

    /** The identity (device and inode) of this directory, as the JDK's file key. */
    Object key() {
        return key;
    }

    @Override
    public void close() {
        try {
            sds.close();
        } catch (IOException e) {
            // nothing to do: the descriptor is gone either way
        }
    }
}
