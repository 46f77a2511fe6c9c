package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.krustlet.core.pod.ApiObjects;
import io.krustlet.core.pod.ApiUnavailableException;
import io.krustlet.core.pod.ServiceAccountToken;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * {@link ApiObjects} read from the API server with the node's client. Objects are read when a
 * container or volume needs them, not watched: a start is rare enough that a GET costs less than
 * a watch per referenced object, and it always sees the current version.
 */
public final class KubernetesApiObjects implements ApiObjects {

    private final KubernetesClient client;
    private final java.util.function.BiFunction<String, String, io.fabric8.kubernetes.api.model.Pod> pods;

    public KubernetesApiObjects(KubernetesClient client) {
        this(client, (namespace, name) -> null);
    }

    /** @param pods the node's informer cache of its pods (namespace, name), or null when it has none */
    public KubernetesApiObjects(KubernetesClient client,
            java.util.function.BiFunction<String, String, io.fabric8.kubernetes.api.model.Pod> pods) {
        this.client = client;
        this.pods = pods;
    }

    @Override
    public Optional<io.fabric8.kubernetes.api.model.Pod> pod(String namespace, String name) {
        return Optional.ofNullable(pods.apply(namespace, name));
    }

    @Override
    public Optional<ConfigMap> configMap(String namespace, String name) throws ApiUnavailableException {
        try {
            return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(name).get());
        } catch (KubernetesClientException e) {
            throw unavailable(e);
        }
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) throws ApiUnavailableException {
        try {
            return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get());
        } catch (KubernetesClientException e) {
            throw unavailable(e);
        }
    }

    @Override
    public ServiceAccountToken serviceAccountToken(String namespace, String serviceAccount, List<String> audiences,
            long expirationSeconds, String podName, String podUid) throws ApiUnavailableException {
        TokenRequest request = new TokenRequestBuilder()
                .withNewSpec()
                    .withAudiences(audiences)
                    .withExpirationSeconds(expirationSeconds)
                    // bound to the pod: the API server invalidates the token when the pod is deleted
                    .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(podName).withUid(podUid)
                    .endBoundObjectRef()
                .endSpec()
                .build();
        TokenRequest response;
        try {
            response = client.serviceAccounts().inNamespace(namespace).withName(serviceAccount).tokenRequest(request);
        } catch (KubernetesClientException e) {
            throw unavailable(e);
        }
        if (response == null || response.getStatus() == null || response.getStatus().getToken() == null
                || response.getStatus().getExpirationTimestamp() == null) {
            throw new ApiUnavailableException("the API server returned no token for service account " + namespace
                    + "/" + serviceAccount);
        }
        Instant expiration;
        try {
            expiration = Instant.parse(response.getStatus().getExpirationTimestamp());
        } catch (DateTimeParseException e) {
            throw new ApiUnavailableException("the API server returned an invalid expirationTimestamp \""
                    + response.getStatus().getExpirationTimestamp() + "\"", e);
        }
        // the server may grant another lifetime than asked; the kubelet computes the issue time from it
        Long granted = response.getSpec() == null ? null : response.getSpec().getExpirationSeconds();
        return new ServiceAccountToken(response.getStatus().getToken(), expiration,
                Duration.ofSeconds(granted == null ? expirationSeconds : granted));
    }

    /** The API's own message (e.g. {@code configmaps "x" is forbidden: ...}) when it sent one. */
    private static ApiUnavailableException unavailable(KubernetesClientException e) {
        String message = e.getStatus() != null && e.getStatus().getMessage() != null
                ? e.getStatus().getMessage()
                : e.getMessage();
        return new ApiUnavailableException(message, e);
    }
}
