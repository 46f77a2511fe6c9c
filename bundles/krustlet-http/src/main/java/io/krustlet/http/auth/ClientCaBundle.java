package io.krustlet.http.auth;

import io.krustlet.http.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CAs client certificates are verified against. From a file, it is read again when the file
 * changes (checked at most once a second, on use), so a CA rotation needs no restart; a file that
 * turns unreadable keeps the last good bundle.
 */
public final class ClientCaBundle {

    private static final Logger LOG = LoggerFactory.getLogger(ClientCaBundle.class);
    private static final long RECHECK_NANOS = 1_000_000_000L;

    private final Path file;
    private volatile Loaded loaded;
    private volatile long checkedAt;

    private record Loaded(List<X509Certificate> certificates, Set<TrustAnchor> anchors, FileTime modified) {
    }

    private ClientCaBundle(Path file, List<X509Certificate> certificates, FileTime modified) {
        this.file = file;
        this.loaded = loaded(certificates, modified);
        this.checkedAt = System.nanoTime();
    }

    /** No client CA: client certificates are not accepted. */
    public static ClientCaBundle none() {
        return new ClientCaBundle(null, List.of(), null);
    }

    public static ClientCaBundle fromPem(String pem) throws IOException, GeneralSecurityException {
        return new ClientCaBundle(null, PemFiles.certificates(pem), null);
    }

    public static ClientCaBundle fromFile(Path file) throws IOException, GeneralSecurityException {
        FileTime modified = Files.getLastModifiedTime(file);
        return new ClientCaBundle(file, PemFiles.certificates(file), modified);
    }

    private static Loaded loaded(List<X509Certificate> certificates, FileTime modified) {
        Set<TrustAnchor> anchors = certificates.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toSet());
        return new Loaded(List.copyOf(certificates), anchors, modified);
    }

    public boolean isEmpty() {
        return current().certificates().isEmpty();
    }

    public Set<TrustAnchor> anchors() {
        return current().anchors();
    }

    public X509Certificate[] certificates() {
        return current().certificates().toArray(X509Certificate[]::new);
    }

    private Loaded current() {
        Loaded now = loaded;
        if (file == null || System.nanoTime() - checkedAt < RECHECK_NANOS) {
            return now;
        }
        checkedAt = System.nanoTime();
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(now.modified())) {
                now = loaded(PemFiles.certificates(file), modified);
                loaded = now;
                LOG.info("Client CA bundle {} reloaded ({} certificates)", file, now.certificates().size());
            }
        } catch (IOException | GeneralSecurityException e) {
            LOG.warn("Cannot read the client CA bundle {} ({}); keeping the previous one", file, e.toString());
        }
        return now;
    }
}
