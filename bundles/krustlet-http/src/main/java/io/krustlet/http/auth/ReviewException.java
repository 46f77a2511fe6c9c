package io.krustlet.http.auth;

/** A TokenReview or SubjectAccessReview that could not be made; never a "no". */
public final class ReviewException extends Exception {

    private static final long serialVersionUID = 1L;

    public ReviewException(String message, Throwable cause) {
        super(message, cause);
    }
}
