package io.krustlet.core.pod;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory API: objects the test puts in, tokens numbered in the order they are issued. */
public final class FakeApiObjects implements ApiObjects {

    /** One TokenRequest as the node made it. */
    public record TokenCall(String namespace, String serviceAccount, List<String> audiences, long expirationSeconds,
            String podName, String podUid) {
    }

    private final Map<String, ConfigMap> configMaps = new ConcurrentHashMap<>();
    private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
    private final List<TokenCall> tokenCalls = new CopyOnWriteArrayList<>();
    private final Clock clock;
    private volatile String unavailable;

    public FakeApiObjects(Clock clock) {
        this.clock = clock;
    }

    public FakeApiObjects() {
        this(Clock.systemUTC());
    }

    public FakeApiObjects configMap(String namespace, String name, Map<String, String> data) {
        configMaps.put(namespace + "/" + name, new ConfigMapBuilder().withNewMetadata().withNamespace(namespace)
                .withName(name).endMetadata().withData(data).build());
        return this;
    }

    public FakeApiObjects secret(String namespace, String name, Map<String, String> data) {
        Map<String, String> encoded = new java.util.LinkedHashMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        secrets.put(namespace + "/" + name, new SecretBuilder().withNewMetadata().withNamespace(namespace)
                .withName(name).endMetadata().withData(encoded).build());
        return this;
    }

    public void delete(String namespace, String name) {
        configMaps.remove(namespace + "/" + name);
        secrets.remove(namespace + "/" + name);
    }

    /** From now on every call fails as if the API server could not be reached; null to heal. */
    public void unavailable(String message) {
        this.unavailable = message;
    }

    public List<TokenCall> tokenCalls() {
        return new ArrayList<>(tokenCalls);
    }

    private void check() throws ApiUnavailableException {
        String message = unavailable;
        if (message != null) {
            throw new ApiUnavailableException(message);
        }
    }

    @Override
    public Optional<ConfigMap> configMap(String namespace, String name) throws ApiUnavailableException {
        check();
        return Optional.ofNullable(configMaps.get(namespace + "/" + name));
    }

    @Override
    public Optional<Secret> secret(String namespace, String name) throws ApiUnavailableException {
        check();
        return Optional.ofNullable(secrets.get(namespace + "/" + name));
    }

    @Override
    public ServiceAccountToken serviceAccountToken(String namespace, String serviceAccount, List<String> audiences,
            long expirationSeconds, String podName, String podUid) throws ApiUnavailableException {
        check();
        tokenCalls.add(new TokenCall(namespace, serviceAccount, List.copyOf(audiences), expirationSeconds, podName,
                podUid));
        return new ServiceAccountToken("token-" + tokenCalls.size(), clock.instant().plusSeconds(expirationSeconds),
                Duration.ofSeconds(expirationSeconds));
    }
}
