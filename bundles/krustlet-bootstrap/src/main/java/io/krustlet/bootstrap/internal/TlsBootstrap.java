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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS bootstrap component. It reads the kubelet's own PID, so one file (and the same
 * KRUSTLET_* variables) configures the node, as the kubelet keeps its bootstrap flags beside
 * --kubeconfig; a change restarts it like the core. Nothing here blocks activation: the
 * certificates are obtained on a thread of their own while the rest of the node runs.
 */
@Component(configurationPid = "io.krustlet.kubelet", configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = {})
public final class TlsBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(TlsBootstrap.class);

    private ExecutorScheduler scheduler;
    private ServiceCredentialsPublisher publisher;
    private NodeCertificates certificates;

    @Activate
    void activate(BundleContext context, BootstrapConfig config) {
        BootstrapSettings settings;
        try {
            settings = BootstrapSettings.from(config, System.getenv(), systemProperties());
        } catch (IllegalArgumentException e) {
            // the kubelet's other settings may be fine: the node runs, without TLS bootstrap
            LOG.error("Invalid TLS bootstrap configuration: {}; no certificates are requested", e.getMessage());
            return;
        }
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
        }
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
