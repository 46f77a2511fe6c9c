package io.krustlet.bootstrap.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cluster CA in openssl's hands: signs certificate requests with {@code openssl x509 -req}, so
 * that the certificates the node gets are built by a signer that is not BouncyCastle, as
 * kube-controller-manager (Go's crypto/x509) builds them: the CSR's public key copied as is, an
 * RSA CA, the JDK or whoever else reading it. openssl is a test prerequisite ({@code .ci/run}
 * installs it).
 */
final class OpensslSigner {

    private final Path dir;
    private final AtomicLong serials = new AtomicLong(0x5000);

    OpensslSigner(Path dir) throws IOException, InterruptedException {
        this.dir = Files.createDirectories(dir);
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-subj", "/CN=kubernetes", "-days", "3650");
    }

    /** The issued certificate (PEM) for a PEM certificate request, valid for {@code days}. */
    String sign(String requestPem, int days) {
        try {
            long serial = serials.incrementAndGet();
            Path request = dir.resolve("request-" + serial + ".csr");
            Path issued = dir.resolve("issued-" + serial + ".crt");
            Files.writeString(request, requestPem);
            run("x509", "-req", "-in", request.toString(), "-CA", "ca.crt", "-CAkey", "ca.key",
                    "-set_serial", Long.toString(serial), "-days", Integer.toString(days), "-sha256",
                    "-out", issued.toString());
            return Files.readString(issued);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("openssl is needed by this test (apt-get install openssl): " + e.getMessage(), e);
        }
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: "
                    + new String(output, StandardCharsets.UTF_8));
        }
    }
}
