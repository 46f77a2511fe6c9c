package io.krustlet.bootstrap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.krustlet.testapiserver.MockApiServer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same wiring as the DS component (a real thread and clock): bootstrap, then serving. */
class NodeCertificatesRealTimeTest {

    @TempDir
    Path dir;

    @Test
    void bootstrapsBothCertificatesOnItsOwnThread() throws Exception {
        try (var api = MockApiServer.start(); var scheduler = new ExecutorScheduler("test-tls-bootstrap")) {
            var controller = new TestCsrController(api.client(), Clock.systemUTC());
            Path kubeconfig = dir.resolve("kubeconfig");
            var settings = new BootstrapSettings("node-b", List.of("192.0.2.20"), dir, kubeconfig.toString(),
                    Optional.of(api.writeKubeconfig(dir.resolve("bootstrap"))), dir.resolve("pki"), true, true);
            List<IssuedCertificate> published = new CopyOnWriteArrayList<>();
            var timing = new Timing(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMillis(200),
                    Duration.ofSeconds(1));
            try (var certificates = new NodeCertificates(settings, scheduler, Clock.systemUTC(), timing,
                    new SecureRandom(), new CredentialsPublisher() {
                        @Override
                        public void publish(Path path, IssuedCertificate certificate) {
                            published.add(certificate);
                        }

                        @Override
                        public void close() {
                        }
                    }, "node-b.example")) {
                certificates.start(Map.of(), dir);

                var client = await().atMost(Duration.ofSeconds(10)).until(controller::pending, p -> p.size() == 1).get(0);
                controller.approve(client.name(), Duration.ofHours(1));
                await().atMost(Duration.ofSeconds(10)).until(() -> published.size() == 1);
                assertThat(kubeconfig).exists();

                var serving = await().atMost(Duration.ofSeconds(10)).until(controller::pending, p -> p.size() == 1)
                        .get(0);
                assertThat(serving.signer()).isEqualTo(ServingCertificates.SIGNER);
                controller.approve(serving.name(), Duration.ofHours(1));
                await().atMost(Duration.ofSeconds(10)).until(() -> dir.resolve("pki/kubelet.crt").toFile().exists());
            }
        }
    }
}
