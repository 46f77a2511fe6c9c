package io.krustlet.oci.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.krustlet.oci.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed module store: {@code blobs/sha256/<hex>} holds module bytes,
 * {@code refs/<registry>/<repository>/<tag or digest>.json} remembers what a reference resolved
 * to. A blob is verified against its digest when written and again before its first use by
 * this process; when the store passes its size, least recently used blobs go first.
 */
final class ModuleStore {

    /** What a reference resolved to when it was last pulled. */
    record StoredRef(String manifestDigest, String layerDigest, long size) {
    }

    private record FileVersion(long size, long modified) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ModuleStore.class);

    private final Path root;
    private final long maxBytes;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, FileVersion> verified = new ConcurrentHashMap<>();

    ModuleStore(Path root, long maxBytes) throws IOException {
        this.root = root;
        this.maxBytes = maxBytes;
        Files.createDirectories(root.resolve("blobs/sha256"));
        Files.createDirectories(root.resolve("refs"));
        Files.createDirectories(root.resolve("tmp"));
    }

    Path blob(String digest) {
        return root.resolve("blobs/sha256").resolve(Digests.hex(digest));
    }

    /** The blob's file when present and its bytes match the digest; a corrupt blob is removed. */
    Optional<Path> verifiedBlob(String digest) {
        Path file = blob(digest);
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            FileVersion version = new FileVersion(Files.size(file), Files.getLastModifiedTime(file).toMillis());
            if (!version.equals(verified.get(digest))) {
                if (!digest.equals(digestOf(file))) {
                    LOG.warn("Module store blob {} does not match its digest; removing it", digest);
                    Files.deleteIfExists(file);
                    verified.remove(digest);
                    return Optional.empty();
                }
            }
            Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
            verified.put(digest, new FileVersion(Files.size(file), Files.getLastModifiedTime(file).toMillis()));
            return Optional.of(file);
        } catch (IOException e) {
            LOG.warn("Cannot read module store blob {}: {}", digest, e.toString());
            return Optional.empty();
        }
    }

    /** A fresh temporary file in the store's file system, for a download to land in. */
    Path newTempFile() throws IOException {
        return Files.createTempFile(root.resolve("tmp"), "download-", ".part");
    }

    /** Moves a verified download into place. */
    Path commit(Path temp, String digest) throws IOException {
        Path target = blob(digest);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        verified.put(digest, new FileVersion(Files.size(target), Files.getLastModifiedTime(target).toMillis()));
        return target;
    }

    Optional<StoredRef> lookup(ImageReference ref) {
        Path file = refFile(ref);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(file.toFile(), StoredRef.class));
        } catch (IOException e) {
            LOG.warn("Ignoring unreadable module store entry {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    void record(ImageReference ref, StoredRef stored) throws IOException {
        Path file = refFile(ref);
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(root.resolve("tmp"), "ref-", ".json");
        json.writeValue(temp.toFile(), stored);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes least recently used blobs until the store fits its size; {@code keep} is never deleted. */
    void collectGarbage(Set<String> keep) throws IOException {
        if (maxBytes <= 0) {
            return;
        }
        List<Path> blobs;
        try (Stream<Path> files = Files.list(root.resolve("blobs/sha256"))) {
            blobs = new ArrayList<>(files.filter(Files::isRegularFile).toList());
        }
        long total = 0;
        for (Path b : blobs) {
            total += Files.size(b);
        }
        if (total <= maxBytes) {
            return;
        }
        blobs.sort(Comparator.comparing(ModuleStore::lastUsed));
        for (Path b : blobs) {
            if (total <= maxBytes) {
                break;
            }
            String digest = "sha256:" + b.getFileName();
            if (keep.contains(digest)) {
                continue;
            }
            long size = Files.size(b);
            Files.deleteIfExists(b);
            verified.remove(digest);
            total -= size;
            LOG.info("Module store over {} bytes: removed least recently used module {} ({} bytes)", maxBytes, digest, size);
        }
    }

    long size() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("blobs/sha256"))) {
            long total = 0;
            for (Path p : files.toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    private static FileTime lastUsed(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private Path refFile(ImageReference ref) {
        String registry = URLEncoder.encode(ref.registry(), StandardCharsets.UTF_8);
        return root.resolve("refs").resolve(registry).resolve(ref.repository())
                .resolve(ref.reference().replace(':', '_') + ".json");
    }

    static String digestOf(Path file) throws IOException {
        MessageDigest md = Digests.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        }
        return Digests.format(md.digest());
    }
}
