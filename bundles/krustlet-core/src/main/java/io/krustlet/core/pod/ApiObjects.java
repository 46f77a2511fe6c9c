package io.krustlet.core.pod;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Optional;

/**
 * What containers and volumes read from the Kubernetes API at start: ConfigMaps, Secrets and
 * service account tokens. An empty Optional means the object does not exist (the pod's problem,
 * reported as such); {@link ApiUnavailableException} means the API could not answer.
 */
public interface ApiObjects {

    Optional<ConfigMap> configMap(String namespace, String name) throws ApiUnavailableException;

    Optional<Secret> secret(String namespace, String name) throws ApiUnavailableException;

    /**
     * Requests a token through {@code serviceaccounts/<name>/token}, bound to the pod so that it
     * is invalidated when the pod is deleted.
     *
     * @param audiences the audiences, or empty for the API server's default
     */
    ServiceAccountToken serviceAccountToken(String namespace, String serviceAccount, List<String> audiences,
            long expirationSeconds, String podName, String podUid) throws ApiUnavailableException;

    /**
     * The pod as the node last saw it from the API server (its informer's copy), for the labels
     * and annotations of downwardAPI volumes; empty when unknown (standalone, not yet seen).
     */
    default Optional<io.fabric8.kubernetes.api.model.Pod> pod(String namespace, String name) {
        return Optional.empty();
    }

    /** No API server (standalone mode): every lookup fails with the kubelet's own message for it. */
    static ApiObjects standalone() {
        return new ApiObjects() {
            @Override
            public Optional<ConfigMap> configMap(String namespace, String name) throws ApiUnavailableException {
                throw new ApiUnavailableException("couldn't get configMap " + namespace + "/" + name
                        + ", no kubeClient defined");
            }

            @Override
            public Optional<Secret> secret(String namespace, String name) throws ApiUnavailableException {
                throw new ApiUnavailableException("couldn't get secret " + namespace + "/" + name
                        + ", no kubeClient defined");
            }

            @Override
            public ServiceAccountToken serviceAccountToken(String namespace, String serviceAccount,
                    List<String> audiences, long expirationSeconds, String podName, String podUid)
                    throws ApiUnavailableException {
                throw new ApiUnavailableException("cannot use TokenManager when kubelet is in standalone mode");
            }

            @Override
            public String toString() {
                return "ApiObjects.standalone()";
            }
        };
    }
}
