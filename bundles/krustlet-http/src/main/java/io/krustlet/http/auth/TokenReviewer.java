package io.krustlet.http.auth;

import java.util.Optional;

/** Finds out who a bearer token belongs to. */
public interface TokenReviewer {

    /**
     * @return the token's user, or empty when the token is not valid
     * @throws ReviewException when the question could not be answered (API server unreachable)
     */
    Optional<UserInfo> review(String token) throws ReviewException;
}
