package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.krustlet.core.pod.ApiObjects;
import io.krustlet.core.pod.ApiUnavailableException;
import io.krustlet.core.pod.ServiceAccountToken;
import java.util.List;
import java.util.Optional;

/**
 * The API objects of whatever cluster the node is in now: none while it is standalone (until
 * TLS bootstrap hands it a kubeconfig), then the cluster's, through a client that is rebuilt
 * when the node's client certificate is renewed. Launchers and volumes keep this one object.
 */
public final class CurrentApiObjects implements ApiObjects {

    private volatile ApiObjects current = ApiObjects.standalone();

    public void use(ApiObjects objects) {
        current = objects == null ? ApiObjects.standalone() : objects;
    }

    @Override
    public Optional<ConfigMap> configMap(String namespace, String name) throws ApiUnavailableException {
        return current.configMap(namespace, name);
    }

    @Override
    public Optional<io.fabric8.kubernetes.api.model.Pod> pod(String namespace, String name) {
        return current.pod(namespace, name);
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) throws ApiUnavailableException {
        return current.secret(namespace, name);
    }

    @Override
    public ServiceAccountToken serviceAccountToken(String namespace, String serviceAccount, List<String> audiences,
            long expirationSeconds, String podName, String podUid) throws ApiUnavailableException {
        return current.serviceAccountToken(namespace, serviceAccount, audiences, expirationSeconds, podName, podUid);
    }
}
