package io.krustlet.bootstrap.internal;

/** Where a CertificateSigningRequest stands, as far as its requester cares. */
sealed interface CsrStatus {

    /** Not decided yet, or approved and waiting for the signer. */
    record Pending(boolean approved) implements CsrStatus {
    }

    /** Approved and signed: the PEM certificate chain. */
    record Issued(String certificatePem) implements CsrStatus {
    }

    /** The Denied or Failed condition, with its reason and message. */
    record Rejected(String condition, String reason, String message) implements CsrStatus {
    }

    /** Deleted (by an admin, or garbage-collected by the controller manager). */
    record Gone() implements CsrStatus {
    }
}
