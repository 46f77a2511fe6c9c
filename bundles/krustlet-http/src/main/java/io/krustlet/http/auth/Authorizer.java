package io.krustlet.http.auth;

/** Decides whether a user may do what a request asks. */
public interface Authorizer {

    /** @throws ReviewException when no decision could be made (the answer is then a 500) */
    boolean allowed(RequestAttributes attributes) throws ReviewException;

    /** Standalone: no API server to ask, so whoever authenticated (client CA, anonymous if on) may. */
    Authorizer ALWAYS_ALLOW = attributes -> true;
}
