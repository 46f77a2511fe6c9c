package io.krustlet.bootstrap.internal;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's client certificate, as the kubelet's --bootstrap-kubeconfig obtains it: while the
 * kubeconfig is missing or its certificate is unusable, a CSR for system:node:&lt;node&gt; is made with
 * the bootstrap kubeconfig's credentials (a bootstrap token, which the controller manager
 * auto-approves); renewals are made with the node's own certificate while it is valid.
 */
final class ClientBootstrap implements CertificateKind {

    static final String SIGNER = "kubernetes.io/kube-apiserver-client-kubelet";
    /** The kubelet's usages for an ECDSA key (key encipherment only goes with RSA). */
    static final List<String> USAGES = List.of("digital signature", "client auth");

    private static final Logger LOG = LoggerFactory.getLogger(ClientBootstrap.class);

    private final String nodeName;
    private final Path kubeconfig;
    private final Path bootstrapFile;
    private final Clock clock;
    private final Consumer<IssuedCertificate> onReady;

    ClientBootstrap(String nodeName, Path kubeconfig, Path bootstrapFile, Clock clock,
            Consumer<IssuedCertificate> onReady) {
        this.nodeName = nodeName;
        this.kubeconfig = kubeconfig;
        this.bootstrapFile = bootstrapFile;
        this.clock = clock;
        this.onReady = onReady;
    }

    @Override
    public String description() {
        return "client certificate";
    }

    @Override
    public String signerName() {
        return SIGNER;
    }

    @Override
    public List<String> usages() {
        return USAGES;
    }

    @Override
    public Optional<IssuedCertificate> current() {
        if (!Files.exists(kubeconfig)) {
            LOG.info("No kubeconfig at {} yet: the node's client certificate is requested with the bootstrap"
                    + " kubeconfig {}", kubeconfig, bootstrapFile);
            return Optional.empty();
        }
        try {
            return Optional.of(read());
        } catch (IOException | BadCertificateException e) {
            LOG.warn("The kubeconfig {} is not usable ({}): the node's client certificate is requested again with the"
                    + " bootstrap kubeconfig {}", kubeconfig, e.getMessage(), bootstrapFile);
            return Optional.empty();
        }
    }

    /** The node's own certificate while it is valid (a renewal), else the bootstrap token. */
    @Override
    public KubernetesClient apiClient() throws IOException {
        Optional<IssuedCertificate> current = quietlyCurrent();
        if (current.isPresent()) {
            return Kubeconfigs.client(Kubeconfigs.load(kubeconfig));
        }
        try {
            return Kubeconfigs.client(Kubeconfigs.load(bootstrapFile));
        } catch (IOException e) {
            throw new IOException("cannot read the bootstrap kubeconfig (bootstrapFile): " + e.getMessage(), e);
        }
    }

    @Override
    public String pkcs10(KeyPair key, KubernetesClient client) throws IOException {
        return CertificateRequests.pkcs10(key, nodeName, List.of(), List.of());
    }

    /**
     * {@code node-csr-<digest>} as the kubelet names its bootstrap CSRs: the digest covers the
     * public key, subject and usages, so a new key (after a denial) gets a new name.
     */
    @Override
    public String csrName(KeyPair key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-512/256");
            digest.update(key.getPublic().getEncoded());
            for (String part : List.of(CertificateRequests.nodeCommonName(nodeName), CertificateRequests.NODES_GROUP,
                    String.join(",", USAGES))) {
                digest.update((byte) '|');
                digest.update(part.getBytes(StandardCharsets.UTF_8));
            }
            return "node-csr-" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no SHA-512/256", e);
        }
    }

    /**
     * Writes the kubeconfig: server and CA from the bootstrap kubeconfig (as the kubelet does),
     * or, when that is gone by a renewal, from the node's current kubeconfig.
     */
    @Override
    public void store(IssuedCertificate issued) throws IOException {
        Config cluster;
        try {
            cluster = Kubeconfigs.load(bootstrapFile);
        } catch (IOException bootstrapUnreadable) {
            try {
                cluster = Kubeconfigs.load(kubeconfig);
            } catch (IOException e) {
                throw bootstrapUnreadable;
            }
        }
        CertificateFiles.write(kubeconfig, Kubeconfigs.nodeKubeconfig(cluster, issued), true);
        LOG.info("Wrote the node's kubeconfig {} (client certificate for {}, API server {})", kubeconfig,
                CertificateRequests.nodeCommonName(nodeName), cluster.getMasterUrl());
    }

    @Override
    public void ready(IssuedCertificate certificate) {
        onReady.accept(certificate);
    }

    private Optional<IssuedCertificate> quietlyCurrent() {
        try {
            return Optional.of(read());
        } catch (IOException | BadCertificateException e) {
            return Optional.empty();
        }
    }

    /** The kubeconfig's client certificate with its key, if it is usable now. */
    private IssuedCertificate read() throws IOException, BadCertificateException {
        Config config = Kubeconfigs.load(kubeconfig);
        String certificate = Kubeconfigs.clientCertificatePem(config);
        String key = Kubeconfigs.clientKeyPem(config);
        if (certificate == null || key == null) {
            throw new BadCertificateException("has no client certificate and key");
        }
        IssuedCertificate current = IssuedCertificate.of(Pem.privateKey(key), Pem.certificates(certificate));
        if (current.expiredAt(clock.instant())) {
            throw new BadCertificateException("holds a client certificate that expired at " + current.notAfter());
        }
        return current;
    }
}
