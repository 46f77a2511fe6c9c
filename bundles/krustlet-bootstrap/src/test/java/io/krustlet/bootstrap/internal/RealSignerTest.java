package io.krustlet.bootstrap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.krustlet.testapiserver.MockApiServer;
import io.krustlet.testkit.time.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Security;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates as a real cluster issues them: built from the CSR by a signer that is not
 * BouncyCastle (openssl here, Go's crypto/x509 in kube-controller-manager), read by a node whose
 * JVM may have BouncyCastle registered as a security provider (Karaf's SSH server registers it when
 * it finds it, and the node's feature brings it). The key must match the certificate whatever
 * provider loaded either, and a certificate the node cannot use must never make it ask again
 * faster than its back-off.
 */
class RealSignerTest {

    private static final Timing TIMING = new Timing(Duration.ofSeconds(2), Duration.ofSeconds(30),
            Duration.ofSeconds(5), Duration.ofMinutes(5));

    @TempDir
    Path dir;

    private MockApiServer api;
    private ManualScheduler time;
    private TestCsrController controller;
    private OpensslSigner signer;
    private NodeCertificates certificates;
    private final List<IssuedCertificate> published = new ArrayList<>();
    private LogCapture log;
    private boolean registeredBouncyCastle;

    @BeforeEach
    void setUp() throws Exception {
        api = MockApiServer.start();
        time = new ManualScheduler(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        controller = new TestCsrController(api.client(), time.clock());
        signer = new OpensslSigner(dir.resolve("openssl-ca"));
        log = new LogCapture();
    }

    @AfterEach
    void tearDown() {
        if (certificates != null) {
            certificates.close();
        }
        if (registeredBouncyCastle) {
            Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
        }
        log.close();
        api.close();
    }

    private void registerBouncyCastle() {
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
            registeredBouncyCastle = true;
        }
    }

    private Path startBootstrap() throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        var settings = new BootstrapSettings("node-a", List.of("192.0.2.10"), dir, kubeconfig.toString(),
                Optional.of(api.writeKubeconfig(dir.resolve("bootstrap-kubeconfig"))), dir.resolve("pki"), true,
                false);
        CredentialsPublisher publisher = new CredentialsPublisher() {
            @Override
            public void publish(Path file, IssuedCertificate clientCertificate) {
                published.add(clientCertificate);
            }

            @Override
            public void close() {
            }
        };
        Scheduler scheduler = (task, delay) -> {
            var future = time.schedule(task, delay);
            return () -> future.cancel(false);
        };
        certificates = new NodeCertificates(settings, scheduler, time.clock(), TIMING, new Random(7), publisher,
                "node-a");
        certificates.start(Map.of(), dir);
        time.runDue();
        return kubeconfig;
    }

    @Test
    void aKeyMatchesTheCertificateOpensslIssuedForItWhateverProviderLoadedIt() throws Exception {
        var key = CertificateRequests.newKey();
        var chain = Pem.certificates(signer.sign(CertificateRequests.pkcs10(key, "node-a", List.of(), List.of()), 1));
        // BouncyCastle's provider names the algorithm "ECDSA", the JDK's (which read the certificate) "EC"
        PrivateKey viaBouncyCastle = KeyFactory.getInstance("ECDSA", new BouncyCastleProvider())
                .generatePrivate(new PKCS8EncodedKeySpec(key.getPrivate().getEncoded()));
        assertThat(viaBouncyCastle.getAlgorithm()).isNotEqualTo(chain.get(0).getPublicKey().getAlgorithm());

        assertThat(IssuedCertificate.of(viaBouncyCastle, chain).leaf()).isEqualTo(chain.get(0));
        assertThat(IssuedCertificate.of(key.getPrivate(), chain).leaf()).isEqualTo(chain.get(0));
        // and written out and read back, as the kubeconfig holds it
        var issued = IssuedCertificate.of(key.getPrivate(), chain);
        assertThat(IssuedCertificate.of(Pem.privateKey(issued.keyPem()), chain).serial()).isEqualTo(issued.serial());
        // a key of the same type but another pair is still told apart
        assertThatThrownBy(() -> IssuedCertificate.of(CertificateRequests.newKey().getPrivate(), chain))
                .isInstanceOf(BadCertificateException.class).hasMessageContaining("does not match the private key");
    }

    @Test
    void anRsaKeyAsKubeadmWritesItMatchesItsCertificate() throws Exception {
        Path work = Files.createDirectories(dir.resolve("rsa"));
        var process = new ProcessBuilder("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout",
                "node.key", "-out", "node.csr", "-subj", "/O=system:nodes/CN=system:node:node-a")
                .directory(work.toFile()).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor()).isZero();
        var chain = Pem.certificates(signer.sign(Files.readString(work.resolve("node.csr")), 1));

        IssuedCertificate issued = IssuedCertificate.of(Pem.privateKey(Files.readString(work.resolve("node.key"))),
                chain);
        assertThat(issued.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=system:node:node-a,O=system:nodes");
    }

    @Test
    void theNodeJoinsWithTheCertificateAnotherSignerIssuedAndAsksOnce() throws Exception {
        registerBouncyCastle();
        Path kubeconfig = startBootstrap();
        var first = controller.requests().get(0);

        controller.approveWith(first.name(), csr -> signer.sign(csr, 365));
        time.advance(TIMING.pollInterval());
        time.advance(Duration.ofMinutes(2)); // the loop the issue saw: 57 CSRs in 120 s

        assertThat(controller.requests()).as("one CSR, approved once, is all it takes").hasSize(1);
        assertThat(kubeconfig).exists();
        assertThat(published).singleElement().satisfies(c -> assertThat(c.leaf().getIssuerX500Principal().getName())
                .isEqualTo("CN=kubernetes"));
        assertThat(log.text()).contains("CertificateSigningRequest " + first.name() + " was issued")
                .doesNotContain("is not usable");
        try (var client = Kubeconfigs.client(Kubeconfigs.load(kubeconfig))) {
            assertThat(client.getConfiguration().getMasterUrl()).startsWith(api.url());
        }
    }

    @Test
    void aCertificateTheNodeCannotUseMakesAtMostOneCsrPerBackoffStep() throws Exception {
        startBootstrap();
        List<Instant> requested = new ArrayList<>(List.of(time.clock().instant()));
        java.util.Set<String> answered = new java.util.HashSet<>();
        Instant end = time.clock().instant().plus(Duration.ofMinutes(12));
        while (time.clock().instant().isBefore(end)) {
            var requests = controller.requests();
            int made = requests.size() - requested.size();
            assertThat(made).as("new CSRs within one second at " + time.clock().instant()).isLessThanOrEqualTo(1);
            if (made == 1) {
                requested.add(time.clock().instant());
            }
            for (var request : requests) {
                if (answered.add(request.name())) {
                    controller.approveWithForeignKey(request.name()); // a signer that keeps getting it wrong
                }
            }
            time.advance(Duration.ofSeconds(1));
        }

        // a back-off of 5 s doubling to 5 minutes: the n-th gap is at least its step
        assertThat(requested).hasSizeGreaterThan(3);
        Duration step = TIMING.backoffInitial();
        for (int i = 1; i < requested.size(); i++) {
            Duration gap = Duration.between(requested.get(i - 1), requested.get(i));
            assertThat(gap).as("gap before CSR %d of %s", i + 1, requested).isGreaterThanOrEqualTo(step);
            step = step.multipliedBy(2).compareTo(TIMING.backoffMax()) > 0 ? TIMING.backoffMax() : step.multipliedBy(2);
        }
        assertThat(requested.size()).as("CSRs in 12 minutes: %s", requested).isLessThanOrEqualTo(9);
    }
}
