package io.krustlet.bootstrap.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS bootstrap component. It reads the kubelet's own PID, so one file (and the same
 * KRUSTLET_* variables) configures the node, as the kubelet keeps its bootstrap flags beside
 * --kubeconfig. A change of that PID ({@link #modified}) leaves it alone unless a bootstrap key
 * changed (certDir, rotateCertificates, serverTLSBootstrap); the node's identity (nodeName,
 * nodeIP, dataDir, kubeconfig, bootstrapFile) keeps its running value until a restart, as in the
 * core, so the certificates never name another node than the one the core runs. Nothing here
 * blocks activation: the certificates are obtained on a thread of their own.
 */
@Component(configurationPid = "io.krustlet.kubelet", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = {})
public final class TlsBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(TlsBootstrap.class);

    private ExecutorScheduler scheduler;
    private ServiceCredentialsPublisher publisher;
    private NodeCertificates certificates;
    private BundleContext context;
    private BootstrapSettings running;

    @Activate
    void activate(BundleContext context, BootstrapConfig config) {
        this.context = context;
        BootstrapSettings settings;
        try {
            settings = BootstrapSettings.from(config, System.getenv(), systemProperties());
        } catch (IllegalArgumentException e) {
            // the kubelet's other settings may be fine: the node runs, without TLS bootstrap
            LOG.error("Invalid TLS bootstrap configuration: {}; no certificates are requested", e.getMessage());
            return;
        }
        start(settings);
    }

    /**
     * A change of the kubelet's configuration: most of its keys are not this component's, and a
     * restart would abort a CSR in flight, so only a changed bootstrap key restarts the
     * certificates, with the running identity (logged once per change by the core, which needs a
     * restart for those keys too).
     */
    @Modified
    void modified(BootstrapConfig config) {
        BootstrapSettings next;
        try {
            next = BootstrapSettings.from(config, System.getenv(), systemProperties());
        } catch (IllegalArgumentException e) {
            LOG.error("Invalid TLS bootstrap configuration: {}; the running settings stay", e.getMessage());
            return;
        }
        if (running == null) {
            start(next);
            return;
        }
        BootstrapSettings kept = running.withBootstrapKeysOf(next);
        if (!kept.equals(running)) {
            LOG.info("TLS bootstrap settings changed (certDir {}, rotateCertificates {}, serverTLSBootstrap {}): "
                    + "restarting certificate management", kept.certDir(), kept.rotateCertificates(),
                    kept.serverTLSBootstrap());
            deactivate();
            start(kept);
        }
    }

    private void start(BootstrapSettings settings) {
        running = settings;
        scheduler = new ExecutorScheduler("krustlet-tls-bootstrap");
        publisher = new ServiceCredentialsPublisher(context, settings.nodeName());
        certificates = new NodeCertificates(settings, scheduler, Clock.systemUTC(), Timing.DEFAULT, new SecureRandom(),
                publisher, hostname());
        certificates.start(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    @Deactivate
    void deactivate() {
        if (certificates != null) {
            certificates.close();
            scheduler.close();
            publisher.close();
            certificates = null;
        }
        running = null;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> properties = new HashMap<>();
        System.getProperties().forEach((k, v) -> properties.put(k.toString(), v.toString()));
        return properties;
    }
}
