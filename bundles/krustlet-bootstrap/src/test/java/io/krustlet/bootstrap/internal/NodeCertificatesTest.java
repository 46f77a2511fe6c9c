package io.krustlet.bootstrap.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.krustlet.testapiserver.MockApiServer;
import io.krustlet.testkit.time.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's certificates against fabric8's mock API server, the test playing the controller
 * manager. Time is the test's: a manual scheduler and clock, so nothing waits for real.
 */
class NodeCertificatesTest {

    private static final Timing TIMING = new Timing(Duration.ofSeconds(2), Duration.ofSeconds(30),
            Duration.ofSeconds(5), Duration.ofMinutes(5));

    @TempDir
    Path dir;

    private MockApiServer api;
    private ManualScheduler time;
    private TestCsrController controller;
    private NodeCertificates certificates;
    private final List<IssuedCertificate> published = new ArrayList<>();
    private LogCapture log;

    @BeforeEach
    void setUp() throws Exception {
        api = MockApiServer.start();
        time = new ManualScheduler(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        controller = new TestCsrController(api.client(), time.clock());
        log = new LogCapture();
    }

    @AfterEach
    void tearDown() {
        if (certificates != null) {
            certificates.close();
        }
        log.close();
        api.close();
    }

    private Path bootstrapKubeconfig() throws Exception {
        return api.writeKubeconfig(dir.resolve("bootstrap-kubeconfig"));
    }

    private BootstrapSettings settings(Optional<Path> bootstrap, String kubeconfig, boolean serving) {
        return new BootstrapSettings("node-a", List.of("192.0.2.10"), dir, kubeconfig, bootstrap, dir.resolve("pki"),
                true, serving);
    }

    private void start(BootstrapSettings settings) {
        CredentialsPublisher publisher = new CredentialsPublisher() {
            @Override
            public void publish(Path kubeconfig, IssuedCertificate clientCertificate) {
                published.add(clientCertificate);
            }

            @Override
            public void close() {
            }
        };
        certificates = new NodeCertificates(settings, scheduler(time), time.clock(), TIMING, new Random(7), publisher, "Node-A.example");
        certificates.start(Map.of(), dir);
        time.runDue();
    }

    /** The bootstrap's {@link Scheduler} on the testkit's manual one. */
    private static Scheduler scheduler(ManualScheduler time) {
        return (task, delay) -> {
            var future = time.schedule(task, delay);
            return () -> future.cancel(false);
        };
    }

    private void poll() {
        time.advance(TIMING.pollInterval());
    }

    @Test
    void bootstrapsTheClientCertificateAndWritesTheKubeconfig() throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        start(settings(Optional.of(bootstrapKubeconfig()), kubeconfig.toString(), false));

        var requests = controller.requests();
        assertThat(requests).hasSize(1);
        var csr = requests.get(0);
        assertThat(csr.name()).startsWith("node-csr-");
        assertThat(csr.signer()).isEqualTo("kubernetes.io/kube-apiserver-client-kubelet");
        assertThat(csr.usages()).containsExactly("digital signature", "client auth");
        assertThat(csr.commonName()).isEqualTo("system:node:node-a");
        assertThat(csr.organization()).isEqualTo("system:nodes");
        assertThat(csr.dnsNames()).isEmpty();
        assertThat(log.text()).contains("Requested the node's client certificate with CertificateSigningRequest "
                + csr.name());

        time.advance(Duration.ofSeconds(30)); // still pending: the wait is reported, with its length
        assertThat(log.text()).contains("CertificateSigningRequest " + csr.name()
                + " for the node's client certificate still waits for approval (30s so far)");
        assertThat(kubeconfig).doesNotExist();

        X509Certificate issued = controller.approve(csr.name(), Duration.ofDays(365));
        poll();

        assertThat(kubeconfig).exists();
        assertThat(Files.getPosixFilePermissions(kubeconfig)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
        assertThat(config.getMasterUrl()).startsWith(api.url());
        X509Certificate leaf = Pem.certificates(Kubeconfigs.clientCertificatePem(config)).get(0);
        leaf.verify(controller.ca().getPublicKey()); // chains to the cluster's CA
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=system:node:node-a,O=system:nodes");
        assertThat(leaf).isEqualTo(issued);
        IssuedCertificate.of(Pem.privateKey(Kubeconfigs.clientKeyPem(config)), List.of(leaf)); // key matches
        // fabric8 itself loads the EC key from it (it reads SEC1 "EC PRIVATE KEY" without BouncyCastle)
        assertThat(SSLUtils.keyManagers(config)).isNotEmpty();
        // and a client built from it talks to the API server (the mock is plain HTTP: no TLS here)
        try (var nodeClient = Kubeconfigs.client(Kubeconfigs.load(kubeconfig))) {
            assertThat(nodeClient.certificates().v1().certificateSigningRequests().list().getItems()).hasSize(1);
        }
        assertThat(published).extracting(IssuedCertificate::leaf).containsExactly(issued);
    }

    @Test
    void keepsAUsableKubeconfigAndRequestsNothing() throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        start(settings(Optional.of(bootstrapKubeconfig()), kubeconfig.toString(), false));
        controller.approve(controller.requests().get(0).name(), Duration.ofDays(365));
        poll();
        certificates.close();
        published.clear();

        start(settings(Optional.of(bootstrapKubeconfig()), kubeconfig.toString(), false)); // the node restarts

        assertThat(controller.requests()).hasSize(1);
        assertThat(published).hasSize(1);
    }

    @Test
    void requestsTheServingCertificateAndSaysHowToApproveIt() throws Exception {
        Path kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig")); // an admin-given kubeconfig
        start(settings(Optional.empty(), kubeconfig.toString(), true));

        var requests = controller.requests();
        assertThat(requests).hasSize(1);
        var csr = requests.get(0);
        assertThat(csr.name()).matches("csr-[a-z0-9]{5}");
        assertThat(csr.signer()).isEqualTo("kubernetes.io/kubelet-serving");
        assertThat(csr.usages()).containsExactly("digital signature", "server auth");
        assertThat(csr.commonName()).isEqualTo("system:node:node-a");
        assertThat(csr.organization()).isEqualTo("system:nodes");
        assertThat(csr.ips()).containsExactly("192.0.2.10");
        assertThat(csr.dnsNames()).containsExactly("node-a.example");
        assertThat(log.text()).contains("kubectl certificate approve " + csr.name());

        controller.approve(csr.name(), Duration.ofDays(365));
        poll();

        Path cert = dir.resolve("pki/kubelet.crt");
        Path key = dir.resolve("pki/kubelet.key");
        assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        X509Certificate leaf = Pem.certificates(Files.readString(cert)).get(0);
        leaf.verify(controller.ca().getPublicKey());
        IssuedCertificate.of(Pem.privateKey(Files.readString(key)), List.of(leaf));
        assertThat(leaf.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
                .containsExactlyInAnyOrder((Object) "node-a.example", "192.0.2.10");
        try (var files = Files.list(dir.resolve("pki"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("kubelet.crt",
                    "kubelet.key"); // no temporary files left behind
        }
    }

    @Test
    void theServingCertificateFollowsTheBootstrappedClientCertificate() throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        start(settings(Optional.of(bootstrapKubeconfig()), kubeconfig.toString(), true));
        assertThat(controller.requests()).hasSize(1); // serving waits for the node's own credentials

        controller.approve(controller.requests().get(0).name(), Duration.ofDays(365));
        poll();

        var serving = controller.pending();
        assertThat(serving).singleElement().extracting(TestCsrController.Request::signer)
                .isEqualTo("kubernetes.io/kubelet-serving");
        controller.approve(serving.get(0).name(), Duration.ofDays(365));
        poll();
        assertThat(dir.resolve("pki/kubelet.crt")).exists();
    }

    @Test
    void aDeniedRequestIsReportedAndANewOneMadeWithANewKey() throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        start(settings(Optional.of(bootstrapKubeconfig()), kubeconfig.toString(), false));
        var first = controller.requests().get(0);

        controller.deny(first.name());
        poll();

        assertThat(log.text()).contains("CertificateSigningRequest " + first.name()
                + " for the node's client certificate was denied (reason: PolicyViolation, message: node name not"
                + " allowed); a new request with a new key follows; trying again in 5s");
        assertThat(kubeconfig).doesNotExist();
        time.advance(TIMING.backoffInitial());

        var second = controller.pending();
        assertThat(second).singleElement().satisfies(csr -> {
            assertThat(csr.name()).isNotEqualTo(first.name());
            assertThat(csr.publicKey()).isNotEqualTo(first.publicKey());
        });
        controller.approve(second.get(0).name(), Duration.ofDays(365));
        poll();
        assertThat(kubeconfig).exists();
    }

    @Test
    void aCertificateForAnotherKeyOrNotPemIsRefused() throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        start(settings(Optional.of(bootstrapKubeconfig()), kubeconfig.toString(), false));

        var first = controller.requests().get(0);
        controller.approveWithForeignKey(first.name());
        poll();
        assertThat(log.text()).contains("The certificate issued for CertificateSigningRequest " + first.name()
                + " (the node's client certificate) does not match the private key");
        assertThat(kubeconfig).doesNotExist();

        time.advance(TIMING.backoffInitial());
        var second = controller.pending().get(0);
        controller.approveWithGarbage(second.name());
        poll();
        assertThat(log.text()).contains("The certificate issued for CertificateSigningRequest " + second.name()
                + " (the node's client certificate) is not valid PEM");
        assertThat(kubeconfig).doesNotExist();

        time.advance(Duration.ofSeconds(10)); // the back-off doubled
        var third = controller.pending().get(0);
        controller.approve(third.name(), Duration.ofDays(365));
        poll();
        assertThat(kubeconfig).exists();
    }

    @Test
    void anUnreadableBootstrapKubeconfigIsReportedAndTriedAgain() throws Exception {
        Path bootstrap = dir.resolve("bootstrap-kubeconfig");
        Files.writeString(bootstrap, "this: [is not a kubeconfig");
        Path kubeconfig = dir.resolve("kubeconfig");
        start(settings(Optional.of(bootstrap), kubeconfig.toString(), false));

        assertThat(log.text()).contains("Cannot request the node's client certificate: cannot read the bootstrap"
                + " kubeconfig (bootstrapFile): " + bootstrap);
        assertThat(controller.requests()).isEmpty();

        bootstrapKubeconfig(); // the admin fixes it
        time.advance(TIMING.backoffInitial());
        assertThat(controller.requests()).hasSize(1);
    }

    @Test
    void anUnreachableApiServerIsReportedAndTriedAgain() throws Exception {
        Path bootstrap = bootstrapKubeconfig();
        api.stop();
        Path kubeconfig = dir.resolve("kubeconfig");
        start(settings(Optional.of(bootstrap), kubeconfig.toString(), false));

        assertThat(log.text()).contains("Cannot request the node's client certificate: API server " + api.url()
                + "/ unreachable (");

        api.restart();
        time.advance(TIMING.backoffInitial());
        assertThat(controller.requests()).hasSize(1);
    }

    @Test
    void theClientCertificateIsRenewedBetween70And90PercentOfItsLifetime() throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        start(settings(Optional.of(bootstrapKubeconfig()), kubeconfig.toString(), false));
        Instant issuedAt = time.clock().instant();
        X509Certificate first = controller.approve(controller.requests().get(0).name(), Duration.ofSeconds(10));
        poll();
        assertThat(published).extracting(IssuedCertificate::leaf).containsExactly(first);
        String firstKubeconfig = Files.readString(kubeconfig);

        time.advance(Duration.between(time.clock().instant(), issuedAt.plusMillis(6_900)));
        assertThat(controller.requests()).hasSize(1);

        time.advance(Duration.between(time.clock().instant(), issuedAt.plusSeconds(9)));
        var renewal = controller.pending();
        assertThat(renewal).singleElement().satisfies(csr -> {
            assertThat(csr.signer()).isEqualTo("kubernetes.io/kube-apiserver-client-kubelet");
            assertThat(csr.commonName()).isEqualTo("system:node:node-a");
        });
        X509Certificate second = controller.approve(renewal.get(0).name(), Duration.ofSeconds(10));
        poll();

        assertThat(Files.readString(kubeconfig)).isNotEqualTo(firstKubeconfig);
        Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
        assertThat(Pem.certificates(Kubeconfigs.clientCertificatePem(config)).get(0)).isEqualTo(second);
        assertThat(published).extracting(IssuedCertificate::leaf).containsExactly(first, second);
    }

    @Test
    void theServingCertificateIsRenewedWithoutARestart() throws Exception {
        Path kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"));
        start(settings(Optional.empty(), kubeconfig.toString(), true));
        Instant issuedAt = time.clock().instant();
        controller.approve(controller.requests().get(0).name(), Duration.ofSeconds(10));
        poll();
        String firstCert = Files.readString(dir.resolve("pki/kubelet.crt"));
        String firstKey = Files.readString(dir.resolve("pki/kubelet.key"));

        time.advance(Duration.between(time.clock().instant(), issuedAt.plusMillis(6_900)));
        assertThat(controller.pending()).isEmpty();
        time.advance(Duration.between(time.clock().instant(), issuedAt.plusSeconds(9)));
        var renewal = controller.pending();
        assertThat(renewal).hasSize(1);
        controller.approve(renewal.get(0).name(), Duration.ofSeconds(10));
        poll();

        String cert = Files.readString(dir.resolve("pki/kubelet.crt"));
        String key = Files.readString(dir.resolve("pki/kubelet.key"));
        assertThat(cert).isNotEqualTo(firstCert);
        assertThat(key).isNotEqualTo(firstKey);
        IssuedCertificate.of(Pem.privateKey(key), Pem.certificates(cert));
    }
}
