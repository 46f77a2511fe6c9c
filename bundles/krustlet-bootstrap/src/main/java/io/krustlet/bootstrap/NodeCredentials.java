package io.krustlet.bootstrap;

import java.nio.file.Path;
import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Registered by the TLS bootstrap while the node's kubeconfig holds a client certificate it
 * obtained and keeps renewed. The kubeconfig is the contract (as with the kubelet's
 * {@code --kubeconfig}); this service only says "it is there and usable now" and, through its
 * properties, "it was renewed": a client built from it must be built again after a change of
 * {@link #CLIENT_CERTIFICATE_SERIAL}, because fabric8 reads the certificate once, when the client is
 * built, and keeps its connections.
 */
@ProviderType
public interface NodeCredentials {

    /** Service property: the kubeconfig's path, as a string. */
    String KUBECONFIG = "kubeconfig";
    /** Service property: the node name the certificate was issued for. */
    String NODE_NAME = "node.name";
    /** Service property: serial number (hex) of the client certificate now in the kubeconfig. */
    String CLIENT_CERTIFICATE_SERIAL = "client.certificate.serial";
    /** Service property: its notAfter, epoch milliseconds (a Long). */
    String CLIENT_CERTIFICATE_NOT_AFTER = "client.certificate.notAfter";

    /** The node's kubeconfig, with the client certificate and key embedded. */
    Path kubeconfig();

    /** When the client certificate now in the kubeconfig expires (it is renewed well before). */
    Instant clientCertificateNotAfter();
}
