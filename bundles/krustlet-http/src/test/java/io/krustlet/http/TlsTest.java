package io.krustlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.krustlet.http.tls.PemFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {

    @TempDir
    Path dir;

    @Test
    void rotatedCertificateIsServedToNewConnectionsWithoutRestart() throws Exception {
        var pki = new TestPki("ca");
        try (var server = RunningServer.start(dir, new FakeKubeletPods("node-1", dir), pki, TestHttpConfig.defaults(),
                Map.of())) {
            X509Certificate first = pki.servedCertificate(server.port());
            assertThat(first.getSubjectX500Principal().getName()).isEqualTo("CN=node-1");
            var admin = server.client(pki.client("CN=admin"));
            assertThat(server.get(admin, "/healthz").statusCode()).isEqualTo(200);

            TestPki.Issued next = pki.server("node-1-rotated");
            TestPki.write(next, dir.resolve("pki/kubelet.crt"), dir.resolve("pki/kubelet.key"));
            await().atMost(Duration.ofSeconds(15)).until(() -> pki.servedCertificate(server.port()).equals(next.certificate()));
            // the kept-alive connection still works, and new clients handshake fine
            assertThat(server.get(admin, "/healthz").statusCode()).isEqualTo(200);
            assertThat(server.get(server.client(pki.client("CN=admin")), "/healthz").body()).isEqualTo("ok");
        }
    }

    @Test
    void aCertificateWithoutItsKeyIsNotServed() throws Exception {
        var pki = new TestPki("ca");
        try (var server = RunningServer.start(dir, new FakeKubeletPods("node-1", dir), pki, TestHttpConfig.defaults(),
                Map.of())) {
            X509Certificate first = pki.servedCertificate(server.port());
            // half a rotation: the new certificate, the old key
            PemFiles.write(dir.resolve("pki/kubelet.crt"), PemFiles.encode(pki.server("half").certificate()), false);
            TestPki.Issued complete = pki.server("complete");
            TestPki.write(complete, dir.resolve("pki/kubelet.crt"), dir.resolve("pki/kubelet.key"));
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> pki.servedCertificate(server.port()).equals(complete.certificate()));
            assertThat(first).isNotEqualTo(complete.certificate());
        }
    }

    @Test
    void selfSignedCertificateWhenThereAreNoFiles() throws Exception {
        var pods = new FakeKubeletPods("node-1", dir);
        var component = new KubeletHttpServer();
        component.bindPods(pods, Map.of("dataDir", dir.toString(), "nodeIP", "10.1.2.3"));
        component.start(HttpSettings.from(TestHttpConfig.defaults().with("address", "127.0.0.1").build(),
                Map.of("KRUSTLET_HTTP_PORT", "0", "KRUSTLET_HTTP_KUBECONFIG", "none"), Map.of(),
                Map.of("dataDir", dir.toString(), "nodeIP", "10.1.2.3")));
        try {
            Path cert = dir.resolve("pki/kubelet.crt");
            Path key = dir.resolve("pki/kubelet.key");
            assertThat(Files.getPosixFilePermissions(key)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            X509Certificate generated = PemFiles.certificates(cert).get(0);
            assertThat(generated.getPublicKey().getAlgorithm()).isEqualTo("EC");
            List<Object> names = generated.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList();
            assertThat(names).contains("localhost", "127.0.0.1", "10.1.2.3");
            // served as is, and TLS 1.1 is refused
            var trustGenerated = java.security.KeyStore.getInstance("PKCS12");
            trustGenerated.load(null, null);
            trustGenerated.setCertificateEntry("node", generated);
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            tmf.init(trustGenerated);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            try (var socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", component.port())) {
                socket.startHandshake();
                assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(generated);
                assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            }
            try (var socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", component.port())) {
                socket.setEnabledProtocols(new String[] {"TLSv1.1"});
                assertThatThrownBy(socket::startHandshake).isInstanceOf(java.io.IOException.class);
            }
        } finally {
            component.deactivate();
        }
        // a second start keeps the files it finds
        byte[] before = Files.readAllBytes(dir.resolve("pki/kubelet.crt"));
        io.krustlet.http.tls.SelfSignedCertificate.createIfAbsent(dir.resolve("pki/kubelet.crt"),
                dir.resolve("pki/kubelet.key"), "h", List.of());
        assertThat(Files.readAllBytes(dir.resolve("pki/kubelet.crt"))).isEqualTo(before);
    }
}
