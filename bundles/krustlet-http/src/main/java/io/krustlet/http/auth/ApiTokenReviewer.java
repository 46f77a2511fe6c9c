package io.krustlet.http.auth;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens checked with the API server's TokenReview API ({@code authentication.k8s.io/v1}),
 * as the kubelet's webhook token authenticator does; answers (valid or not) are cached for the
 * kubelet's default two minutes, keyed by the token's SHA-256 so the cache never holds a token.
 */
public final class ApiTokenReviewer implements TokenReviewer {

    private final KubernetesClient client;
    private final Duration ttl;
    private final TtlCache<String, Optional<io.krustlet.http.auth.UserInfo>> cache;

    public ApiTokenReviewer(KubernetesClient client, Duration ttl, Clock clock) {
        this.client = client;
        this.ttl = ttl;
        this.cache = new TtlCache<>(clock, 10_000);
    }

    @Override
    public Optional<io.krustlet.http.auth.UserInfo> review(String token) throws ReviewException {
        String key = sha256(token);
        Optional<io.krustlet.http.auth.UserInfo> known = cache.get(key);
        if (known != null) {
            return known;
        }
        TokenReview review = new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build();
        TokenReview answer;
        try {
            answer = client.authentication().v1().tokenReviews().create(review);
        } catch (RuntimeException e) {
            throw new ReviewException("TokenReview failed: " + e.getMessage(), e);
        }
        Optional<io.krustlet.http.auth.UserInfo> user = Optional.empty();
        if (answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAuthenticated())
                && answer.getStatus().getUser() != null) {
            UserInfo info = answer.getStatus().getUser();
            user = Optional.of(io.krustlet.http.auth.UserInfo.authenticated(info.getUsername(), info.getUid(),
                    info.getGroups() == null ? List.of() : info.getGroups(),
                    info.getExtra() == null ? Map.of() : info.getExtra()));
        }
        cache.put(key, user, ttl);
        return user;
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
