package io.krustlet.bootstrap.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's certificates as a whole: the client certificate first (when a bootstrap kubeconfig
 * is configured), then the serving certificate, which is requested with the node's own
 * credentials and therefore waits for them.
 */
public final class NodeCertificates implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeCertificates.class);

    private final BootstrapSettings settings;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Timing timing;
    private final RotationSchedule rotation;
    private final CredentialsPublisher publisher;
    private final String hostname;
    private final CsrRequester requester = new CsrRequester();
    private CertificateKeeper client;
    private CertificateKeeper serving;

    public NodeCertificates(BootstrapSettings settings, Scheduler scheduler, Clock clock, Timing timing,
            RandomGenerator random, CredentialsPublisher publisher, String hostname) {
        this.settings = settings;
        this.scheduler = scheduler;
        this.clock = clock;
        this.timing = timing;
        this.rotation = new RotationSchedule(random);
        this.publisher = publisher;
        this.hostname = hostname;
    }

    public synchronized void start(Map<String, String> env, Path home) {
        if (settings.bootstrapFile().isPresent()) {
            Path kubeconfig = settings.kubeconfigPath();
            client = keeper(new ClientBootstrap(settings.nodeName(), kubeconfig, settings.bootstrapFile().get(), clock,
                    certificate -> clientReady(kubeconfig, certificate)));
            client.start();
            return;
        }
        Optional<Path> kubeconfig = settings.locateKubeconfig(env, home);
        if (kubeconfig.isEmpty()) {
            LOG.info("No kubeconfig and no bootstrapFile: the node runs standalone and requests no certificates");
            return;
        }
        LOG.info("kubeconfig {} without bootstrapFile: its client certificate is not renewed by the node",
                kubeconfig.get());
        startServing(kubeconfig.get());
    }

    private synchronized void clientReady(Path kubeconfig, IssuedCertificate certificate) {
        publisher.publish(kubeconfig, certificate);
        if (serving == null) {
            startServing(kubeconfig);
        }
    }

    private void startServing(Path kubeconfig) {
        if (!settings.serverTLSBootstrap()) {
            LOG.info("serverTLSBootstrap is off: the HTTPS API's serving certificate is not requested from the"
                    + " cluster");
            return;
        }
        serving = keeper(new ServingCertificates(settings.nodeName(), settings.nodeIPs(), hostname, settings.certDir(),
                kubeconfig, clock));
        serving.start();
    }

    private CertificateKeeper keeper(CertificateKind kind) {
        return new CertificateKeeper(kind, requester, scheduler, clock, timing, rotation,
                settings.rotateCertificates());
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
        if (serving != null) {
            serving.close();
        }
    }
}
