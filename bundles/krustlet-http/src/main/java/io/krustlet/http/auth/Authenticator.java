package io.krustlet.http.auth;

import java.security.cert.X509Certificate;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's authentication chain: a client certificate verified against the client CA, else a
 * bearer token through TokenReview, else, for a request without any credentials and only when
 * enabled, {@code system:anonymous}. Credentials that are presented and fail are a 401 even with
 * anonymous access on (a bad token must not pass as anonymous), as in the kubelet.
 */
public final class Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    private final ClientCertificateAuthenticator certificates;
    private final TokenReviewer tokens;
    private final boolean anonymous;

    /** @param tokens the TokenReview client, or null when there is no API server (standalone) */
    public Authenticator(ClientCertificateAuthenticator certificates, TokenReviewer tokens, boolean anonymous) {
        this.certificates = certificates;
        this.tokens = tokens;
        this.anonymous = anonymous;
    }

    /** @return the user, or empty for 401 Unauthorized */
    public Optional<UserInfo> authenticate(X509Certificate[] clientChain, String authorization) {
        boolean presentedCertificate = clientChain != null && clientChain.length > 0;
        if (presentedCertificate) {
            Optional<UserInfo> user = certificates.authenticate(clientChain);
            if (user.isPresent()) {
                return user;
            }
        }
        String token = bearerToken(authorization);
        if (token != null) {
            if (tokens == null) {
                return Optional.empty();
            }
            try {
                return tokens.review(token);
            } catch (ReviewException e) {
                LOG.warn("Cannot authenticate a bearer token: {}", e.getMessage());
                return Optional.empty();
            }
        }
        if (presentedCertificate || authorization != null) {
            return Optional.empty();
        }
        return anonymous ? Optional.of(UserInfo.anonymous()) : Optional.empty();
    }

    private static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = value.substring(7).trim();
            return token.isEmpty() ? null : token;
        }
        return null;
    }
}
