package io.krustlet.http.tls;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a rotated certificate without a restart: watches the directories of the certificate and
 * key files (a rotation may replace them by rename or through a symlink), and when their content
 * changes into a valid pair, swaps Jetty's key store with {@link SslContextFactory#reload}. New
 * connections get the new certificate; open ones keep theirs. A periodic check backs the file
 * events up (network file systems, missed events).
 */
public final class CertificateWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateWatcher.class);
    private static final long RECHECK_SECONDS = 10;

    private final Path certFile;
    private final Path keyFile;
    private final SslContextFactory.Server ssl;
    private final WatchService watcher;
    private final Thread thread;
    private volatile byte[] served;
    private volatile boolean closed;

    public CertificateWatcher(Path certFile, Path keyFile, SslContextFactory.Server ssl) throws IOException {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.ssl = ssl;
        this.served = digest();
        this.watcher = certFile.getFileSystem().newWatchService();
        Set<Path> dirs = new LinkedHashSet<>();
        dirs.add(certFile.toAbsolutePath().getParent());
        dirs.add(keyFile.toAbsolutePath().getParent());
        for (Path dir : dirs) {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        }
        this.thread = new Thread(this::run, "krustlet-http-certificates");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (!closed) {
            try {
                var key = watcher.poll(RECHECK_SECONDS, TimeUnit.SECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
                reloadIfChanged();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("Checking the serving certificate failed: {}", e.toString());
            }
        }
    }

    /** Reloads when the files hold something new that is a valid pair; a half-done rotation waits. */
    void reloadIfChanged() {
        byte[] now = digest();
        if (now == null || Arrays.equals(now, served)) {
            return;
        }
        try {
            ServingKeyStore next = ServingKeyStore.load(certFile, keyFile);
            ssl.reload(factory -> factory.setKeyStore(next.keyStore()));
            served = now;
            LOG.info("Serving the new certificate {} (SHA-256 fingerprint {}, valid until {})",
                    next.leaf().getSubjectX500Principal(), PemFiles.fingerprint(next.leaf()), next.leaf().getNotAfter());
        } catch (IOException | GeneralSecurityException e) {
            LOG.debug("Certificate files changed but are not a valid pair yet: {}", e.toString());
        } catch (Exception e) {
            LOG.error("Cannot reload the serving certificate: {}", e.toString());
        }
    }

    private byte[] digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(certFile));
            sha.update((byte) 0);
            sha.update(Files.readAllBytes(keyFile));
            return sha.digest();
        } catch (IOException | GeneralSecurityException e) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            watcher.close();
        } catch (IOException e) {
            // closing only
        }
        thread.interrupt();
    }
}
