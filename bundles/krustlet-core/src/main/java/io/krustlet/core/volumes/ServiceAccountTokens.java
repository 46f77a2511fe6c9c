package io.krustlet.core.volumes;

import io.krustlet.core.pod.ApiObjects;
import io.krustlet.core.pod.ApiUnavailableException;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.ServiceAccountToken;
import io.krustlet.core.pod.VolumeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service account tokens of pods, cached and renewed like the kubelet's token manager: a token is
 * requested again once 80% of its lifetime has passed or it is older than 24 hours; if renewing
 * fails, the old token is used as long as it has not expired.
 */
public final class ServiceAccountTokens {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountTokens.class);
    static final Duration MAX_TTL = Duration.ofHours(24);

    private record Key(String podUid, String serviceAccount, String audience, long expirationSeconds) {
    }

    private final ApiObjects api;
    private final Clock clock;
    private final Map<Key, ServiceAccountToken> tokens = new ConcurrentHashMap<>();

    public ServiceAccountTokens(ApiObjects api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    /** The pod's token for {@code projection}: the cached one, or a new one when that is due for renewal. */
    ServiceAccountToken get(PodDefinition pod, VolumeSource.ServiceAccountTokenProjection projection)
            throws VolumeSetupException {
        Key key = new Key(pod.uid(), pod.serviceAccountName(), projection.audience(), projection.expirationSeconds());
        ServiceAccountToken cached = tokens.get(key);
        if (cached != null && !requiresRefresh(cached)) {
            return cached;
        }
        ServiceAccountToken fresh;
        try {
            fresh = api.serviceAccountToken(pod.namespace(), pod.serviceAccountName(),
                    projection.audience().isEmpty() ? List.of() : List.of(projection.audience()),
                    projection.expirationSeconds(), pod.name(), pod.uid());
        } catch (ApiUnavailableException e) {
            if (cached == null) {
                throw new VolumeSetupException("failed to fetch token: " + e.getMessage(), e);
            }
            if (!clock.instant().isBefore(cached.expiration())) {
                throw new VolumeSetupException("token of service account " + pod.namespace() + "/"
                        + pod.serviceAccountName() + " expired and refresh failed: " + e.getMessage(), e);
            }
            LOG.warn("Couldn't update token of service account {} for pod {}: {}", pod.serviceAccountName(),
                    pod.key(), e.getMessage());
            return cached;
        }
        tokens.put(key, fresh);
        return fresh;
    }

    /** When the token is due for renewal: 80% into its lifetime, or 24 hours after it was issued. */
    static Instant refreshAt(ServiceAccountToken token) {
        Instant byAge = token.issuedAt().plus(MAX_TTL);
        // as the kubelet: 20% of the lifetime in whole seconds, before the expiration
        Instant byLifetime = token.expiration().minusSeconds(token.lifetime().toSeconds() * 20 / 100);
        return byAge.isBefore(byLifetime) ? byAge : byLifetime;
    }

    boolean requiresRefresh(ServiceAccountToken token) {
        return !clock.instant().isBefore(refreshAt(token));
    }

    /** The earliest renewal among the pod's cached tokens for these projections. */
    Instant nextRefresh(PodDefinition pod, List<VolumeSource.ServiceAccountTokenProjection> projections) {
        Instant next = null;
        for (var projection : projections) {
            ServiceAccountToken token = tokens.get(new Key(pod.uid(), pod.serviceAccountName(),
                    projection.audience(), projection.expirationSeconds()));
            if (token != null && (next == null || refreshAt(token).isBefore(next))) {
                next = refreshAt(token);
            }
        }
        return next;
    }

    /** Drops the pod's tokens (the pod is gone; the API server invalidates its bound tokens). */
    void forget(String podUid) {
        tokens.keySet().removeIf(k -> k.podUid().equals(podUid));
    }
}
