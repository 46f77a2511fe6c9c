package io.krustlet.bootstrap.internal;

/** A certificate or key that cannot be used: not PEM, not matching its key, expired. */
final class BadCertificateException extends Exception {

    private static final long serialVersionUID = 1L;

    BadCertificateException(String message) {
        super(message);
    }
}
