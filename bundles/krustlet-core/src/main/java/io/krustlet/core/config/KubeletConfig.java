package io.krustlet.core.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The kubelet's settings, PID {@code io.krustlet.kubelet}. Each can be overridden by the
 * environment variable {@code KRUSTLET_<KEY_IN_UPPER_SNAKE_CASE>}; see {@link KubeletSettings}.
 */
@ObjectClassDefinition(name = "Krustlet kubelet",
        description = "Node identity, data directory, static pods and runtime defaults")
public @interface KubeletConfig {

    String PID = "io.krustlet.kubelet";

    @AttributeDefinition(description = "Node name; default: the host name, lower-cased", required = false)
    String nodeName() default "";

    @AttributeDefinition(description = "Node address (InternalIP); default: detected", required = false)
    String nodeIP() default "";

    @AttributeDefinition(description = "Directory for pod state, volumes and container logs; default: ${karaf.data}/krustlet",
            required = false)
    String dataDir() default "";

    @AttributeDefinition(description = "Folder of static pod manifests; default: ${karaf.etc}/pods", required = false)
    String podManifestPath() default "";

    @AttributeDefinition(description = "Seconds between full rescans of the manifest folder")
    int manifestRescanSeconds() default 20;

    @AttributeDefinition(description = "Most pods this node runs")
    int maxPods() default 110;

    @AttributeDefinition(description = "Runtime for pods without spec.runtimeClassName")
    String defaultRuntime() default "wasi";

    @AttributeDefinition(description = "Allow fs/<path> images read from this machine's disk")
    boolean allowLocalModules() default false;

    @AttributeDefinition(description = "Directory relative fs/ paths resolve against; default: ${karaf.base}",
            required = false)
    String localModuleRoot() default "";

    @AttributeDefinition(description = "Kubeconfig of the cluster to join; default: $KUBECONFIG, else ~/.kube/config;"
            + " 'none' runs standalone even when those exist", required = false)
    String kubeconfig() default "";

    @AttributeDefinition(description = "Bootstrap kubeconfig (a bootstrap token): with it and no usable kubeconfig,"
            + " the node asks the cluster for its client certificate (TLS bootstrap) and writes the kubeconfig",
            required = false)
    String bootstrapFile() default "";

    @AttributeDefinition(description = "Where the node's serving certificate (kubelet.crt, kubelet.key) lives;"
            + " default: <dataDir>/pki", required = false)
    String certDir() default "";

    @AttributeDefinition(description = "Renew the client and serving certificates at 70-90 % of their lifetime")
    boolean rotateCertificates() default true;

    @AttributeDefinition(description = "Ask the cluster for the serving certificate (signer kubernetes.io/kubelet-serving;"
            + " needs `kubectl certificate approve`); false: a self-signed one")
    boolean serverTLSBootstrap() default true;

    @AttributeDefinition(description = "Extra node labels, key=value separated by commas", required = false)
    String nodeLabels() default "";

    @AttributeDefinition(description = "Port of the kubelet HTTPS API (reported as the node's kubelet endpoint)")
    int port() default 10250;

    @AttributeDefinition(description = "Rotate a container log file at this many bytes")
    long containerLogMaxSize() default 10 * 1024 * 1024;

    @AttributeDefinition(description = "Log files kept per container run")
    int containerLogMaxFiles() default 5;

    @AttributeDefinition(description = "Requests per second the node sends the API server at most, sustained"
            + " (the kubelet's kubeAPIQPS; Events do not count)")
    int kubeAPIQPS() default 50;

    @AttributeDefinition(description = "Requests the node may send the API server at once after a quiet time"
            + " (the kubelet's kubeAPIBurst; 400 here, so that a whole node's pods can start at once)")
    int kubeAPIBurst() default 400;

    @AttributeDefinition(description = "Seconds between refreshes of the configMap, secret, downwardAPI and projected"
            + " volumes of running pods (the kubelet's syncFrequency)")
    int volumeRefreshSeconds() default 60;
}
