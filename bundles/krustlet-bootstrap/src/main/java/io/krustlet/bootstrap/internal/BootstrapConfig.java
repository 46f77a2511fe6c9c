package io.krustlet.bootstrap.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * What the TLS bootstrap reads from the kubelet's own configuration, PID {@code io.krustlet.kubelet}
 * (the kubelet keeps --bootstrap-kubeconfig, --cert-dir, rotateCertificates and serverTLSBootstrap
 * beside --kubeconfig too). The first four keys are the kubelet's; the others are the bootstrap's.
 * Not designated here: the core's definition owns that PID's metatype.
 */
@ObjectClassDefinition(id = "io.krustlet.bootstrap", name = "Krustlet TLS bootstrap",
        description = "Client and serving certificates of the node, from CertificateSigningRequests")
public @interface BootstrapConfig {

    @AttributeDefinition(description = "Node name; default: the host name, lower-cased", required = false)
    String nodeName() default "";

    @AttributeDefinition(description = "Node address(es), comma-separated, for the serving certificate; default: detected",
            required = false)
    String nodeIP() default "";

    @AttributeDefinition(description = "The kubelet's data directory; default: ${karaf.data}/krustlet", required = false)
    String dataDir() default "";

    @AttributeDefinition(description = "Where the node's kubeconfig is written (required with bootstrapFile)",
            required = false)
    String kubeconfig() default "";

    @AttributeDefinition(description = "Bootstrap kubeconfig (a bootstrap token) used to request the node's client"
            + " certificate when the kubeconfig is missing or its certificate has expired", required = false)
    String bootstrapFile() default "";

    @AttributeDefinition(description = "Directory of the serving certificate kubelet.crt/kubelet.key;"
            + " default: <dataDir>/pki", required = false)
    String certDir() default "";

    @AttributeDefinition(description = "Renew the certificates when 70-90 % of their lifetime has passed")
    boolean rotateCertificates() default true;

    @AttributeDefinition(description = "Request the serving certificate from the cluster (signer"
            + " kubernetes.io/kubelet-serving); false: the HTTPS API serves a self-signed one")
    boolean serverTLSBootstrap() default true;
}
