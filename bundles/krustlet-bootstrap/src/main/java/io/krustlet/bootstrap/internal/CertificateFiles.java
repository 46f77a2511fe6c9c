package io.krustlet.bootstrap.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.UUID;

/**
 * Files that other bundles read while they change: written to a temporary file beside the target
 * and moved over it, so a reader sees the old file or the new one, never half of one. Secrets are
 * created 0600 from the start, so a key is never readable by others, not even for a moment.
 */
final class CertificateFiles {

    static final String SERVING_CERT = "kubelet.crt";
    static final String SERVING_KEY = "kubelet.key";

    private CertificateFiles() {
    }

    /** Writes one file atomically; {@code secret}: mode 0600, else 0644. */
    static void write(Path target, String content, boolean secret) throws IOException {
        move(temp(target, content, secret), target);
    }

    /**
     * Writes a certificate and its key: both to temporary files first, then the key is moved, then
     * the certificate. A watcher keyed on the certificate file therefore finds the matching key
     * in place when it sees the certificate change.
     */
    static void writePair(Path cert, Path key, String certPem, String keyPem) throws IOException {
        Path keyTemp = temp(key, keyPem, true);
        Path certTemp;
        try {
            certTemp = temp(cert, certPem, false);
        } catch (IOException e) {
            Files.deleteIfExists(keyTemp);
            throw e;
        }
        move(keyTemp, key);
        move(certTemp, cert);
    }

    /** The file's text, or empty when it does not exist. */
    static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static Path temp(Path target, String content, boolean secret) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        try (FileChannel channel = FileChannel.open(temp, new java.util.HashSet<>(java.util.List.of(
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)), permissions(secret))) {
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true); // the rename must not land before the bytes after a crash
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    private static FileAttribute<?>[] permissions(boolean secret) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"))};
    }
}
