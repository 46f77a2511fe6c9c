package io.krustlet.core.pod;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A token issued through the TokenRequest API.
 *
 * @param token the JWT
 * @param expiration status.expirationTimestamp
 * @param lifetime spec.expirationSeconds as the API server granted it (it may shorten or lengthen
 *     what was asked); the kubelet derives the issue time from it
 */
public record ServiceAccountToken(String token, Instant expiration, Duration lifetime) {

    public ServiceAccountToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiration, "expiration");
        Objects.requireNonNull(lifetime, "lifetime");
    }

    public Instant issuedAt() {
        return expiration.minus(lifetime);
    }

    @Override
    public String toString() {
        // never log the token itself
        return "ServiceAccountToken[expiration=" + expiration + ", lifetime=" + lifetime + "]";
    }
}
