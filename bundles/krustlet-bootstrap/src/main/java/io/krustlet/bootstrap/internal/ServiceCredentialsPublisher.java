package io.krustlet.bootstrap.internal;

import io.krustlet.bootstrap.NodeCredentials;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Publishes {@link NodeCredentials} as an OSGi service: registered once, when the kubeconfig is
 * first usable; a renewal only changes its properties, so that consumers holding it are told
 * (a modified event) without losing it.
 */
final class ServiceCredentialsPublisher implements CredentialsPublisher {

    private final BundleContext context;
    private final String nodeName;
    private ServiceRegistration<NodeCredentials> registration;
    private String serial;
    private volatile Instant notAfter;

    ServiceCredentialsPublisher(BundleContext context, String nodeName) {
        this.context = context;
        this.nodeName = nodeName;
    }

    @Override
    public synchronized void publish(Path kubeconfig, IssuedCertificate clientCertificate) {
        if (clientCertificate.serial().equals(serial)) {
            return;
        }
        serial = clientCertificate.serial();
        notAfter = clientCertificate.notAfter();
        var properties = new Hashtable<String, Object>();
        properties.put(NodeCredentials.KUBECONFIG, kubeconfig.toString());
        properties.put(NodeCredentials.NODE_NAME, nodeName);
        properties.put(NodeCredentials.CLIENT_CERTIFICATE_SERIAL, serial);
        properties.put(NodeCredentials.CLIENT_CERTIFICATE_NOT_AFTER, notAfter.toEpochMilli());
        if (registration == null) {
            NodeCredentials credentials = new NodeCredentials() {
                @Override
                public Path kubeconfig() {
                    return kubeconfig;
                }

                @Override
                public Instant clientCertificateNotAfter() {
                    return notAfter;
                }
            };
            registration = context.registerService(NodeCredentials.class, credentials, properties);
        } else {
            registration.setProperties(properties);
        }
    }

    @Override
    public synchronized void close() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping: the framework unregistered it
            }
            registration = null;
        }
    }
}
