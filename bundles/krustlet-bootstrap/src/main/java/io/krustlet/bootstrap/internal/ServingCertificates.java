package io.krustlet.bootstrap.internal;

import io.krustlet.bootstrap.NodeAddresses;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's serving certificate (serverTLSBootstrap): signer kubernetes.io/kubelet-serving,
 * SANs = the node's IPs and host name. Such CSRs are not approved automatically, so the log says
 * which command approves it. Written as {@code kubelet.crt} and {@code kubelet.key} in certDir,
 * which the HTTPS API bundle serves and reloads.
 */
final class ServingCertificates implements CertificateKind {

    static final String SIGNER = "kubernetes.io/kubelet-serving";
    /** The kubelet's usages for an ECDSA key. */
    static final List<String> USAGES = List.of("digital signature", "server auth");

    private static final Logger LOG = LoggerFactory.getLogger(ServingCertificates.class);
    private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

    private final String nodeName;
    private final List<String> nodeIPs;
    private final String hostname;
    private final Path certFile;
    private final Path keyFile;
    private final Path kubeconfig;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param nodeIPs the configured addresses; empty: the one detected towards the API server
     */
    ServingCertificates(String nodeName, List<String> nodeIPs, String hostname, Path certDir, Path kubeconfig,
            Clock clock) {
        this.nodeName = nodeName;
        this.nodeIPs = List.copyOf(nodeIPs);
        this.hostname = hostname.toLowerCase(Locale.ROOT);
        this.certFile = certDir.resolve(CertificateFiles.SERVING_CERT);
        this.keyFile = certDir.resolve(CertificateFiles.SERVING_KEY);
        this.kubeconfig = kubeconfig;
        this.clock = clock;
    }

    @Override
    public String description() {
        return "serving certificate";
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
        try {
            Optional<String> cert = CertificateFiles.read(certFile);
            Optional<String> key = CertificateFiles.read(keyFile);
            if (cert.isEmpty() || key.isEmpty()) {
                LOG.info("No serving certificate in {} yet: requesting one from the cluster (serverTLSBootstrap)",
                        certFile.getParent());
                return Optional.empty();
            }
            IssuedCertificate current = IssuedCertificate.of(Pem.privateKey(key.get()), Pem.certificates(cert.get()));
            if (current.expiredAt(clock.instant())) {
                throw new BadCertificateException("expired at " + current.notAfter());
            }
            if (current.leaf().getIssuerX500Principal().equals(current.leaf().getSubjectX500Principal())) {
                // the HTTPS API's stand-in until the cluster signs one (serverTLSBootstrap asks for that)
                LOG.info("The serving certificate in {} is self-signed: requesting one from the cluster",
                        certFile.getParent());
                return Optional.empty();
            }
            return Optional.of(current);
        } catch (IOException | BadCertificateException e) {
            LOG.warn("The serving certificate {} is not usable ({}): requesting a new one", certFile, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public KubernetesClient apiClient() throws IOException {
        return Kubeconfigs.client(Kubeconfigs.load(kubeconfig));
    }

    @Override
    public String pkcs10(KeyPair key, KubernetesClient client) throws IOException {
        List<String> ips = nodeIPs.isEmpty()
                ? List.of(NodeAddresses.detect("", client.getConfiguration().getMasterUrl()))
                : nodeIPs;
        return CertificateRequests.pkcs10(key, nodeName, List.of(hostname), ips);
    }

    /** {@code csr-xxxxx}, as the kubelet's generateName gives its serving CSRs. */
    @Override
    public String csrName(KeyPair key) {
        StringBuilder name = new StringBuilder("csr-");
        for (int i = 0; i < 5; i++) {
            name.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
        }
        return name.toString();
    }

    @Override
    public void store(IssuedCertificate issued) throws IOException {
        CertificateFiles.writePair(certFile, keyFile, Pem.encode(issued.chain()), issued.keyPem());
        LOG.info("Wrote the serving certificate {} and key {}", certFile, keyFile);
    }

    @Override
    public void ready(IssuedCertificate certificate) {
        // the files are the contract: the HTTPS API bundle watches them
    }

    @Override
    public Optional<String> approvalHint(String csrName) {
        return Optional.of("The serving certificate of node " + nodeName + " waits for approval (kubelet-serving CSRs"
                + " are not approved automatically); check its SANs, then run: kubectl certificate approve " + csrName);
    }
}
