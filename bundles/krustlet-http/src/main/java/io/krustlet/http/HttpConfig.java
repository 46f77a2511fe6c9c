package io.krustlet.http;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The kubelet HTTPS API's settings, PID {@code io.krustlet.http}. Each key can be overridden by the
 * environment variable {@code KRUSTLET_HTTP_<KEY_IN_UPPER_SNAKE_CASE>}; see {@link HttpSettings}.
 */
@ObjectClassDefinition(name = "Krustlet kubelet HTTPS API",
        description = "The kubelet API (logs, pods, stats, metrics) on port 10250: TLS, authentication, authorization")
public @interface HttpConfig {

    String PID = "io.krustlet.http";

    @AttributeDefinition(description = "Address to listen on")
    String address() default "0.0.0.0";

    @AttributeDefinition(description = "HTTPS port; default: the kubelet's port setting, else 10250")
    int port() default 0;

    @AttributeDefinition(description = "The node's data directory; default: the kubelet's dataDir, else ${karaf.data}/krustlet",
            required = false)
    String dataDir() default "";

    @AttributeDefinition(description = "Serving certificate (PEM, chain allowed); default: <dataDir>/pki/kubelet.crt."
            + " Reloaded when it changes; generated self-signed when neither it nor the key exists", required = false)
    String tlsCertFile() default "";

    @AttributeDefinition(description = "Serving private key (PEM); default: <dataDir>/pki/kubelet.key", required = false)
    String tlsPrivateKeyFile() default "";

    @AttributeDefinition(description = "CA bundle (PEM) for client certificates; default: the CA of the node's kubeconfig",
            required = false)
    String clientCAFile() default "";

    @AttributeDefinition(description = "Kubeconfig for TokenReview and SubjectAccessReview; default: the node's"
            + " (the kubelet's kubeconfig setting, $KUBECONFIG, ~/.kube/config); 'none' for standalone", required = false)
    String kubeconfig() default "";

    @AttributeDefinition(description = "Node address for the self-signed certificate; default: the kubelet's nodeIP,"
            + " else this machine's addresses", required = false)
    String nodeIP() default "";

    @AttributeDefinition(description = "Serve requests without credentials as system:anonymous (still authorized)")
    boolean anonymousAuth() default false;

    @AttributeDefinition(description = "Seconds an allowed SubjectAccessReview decision is cached")
    int authorizationCacheAuthorizedSeconds() default 300;

    @AttributeDefinition(description = "Seconds a denied SubjectAccessReview decision is cached")
    int authorizationCacheUnauthorizedSeconds() default 30;

    @AttributeDefinition(description = "Seconds a TokenReview result is cached")
    int authenticationCacheSeconds() default 120;
}
