package io.krustlet.oci;

/** A module could not be had; {@link #kind()} says why in a way a user can act on. */
public class PullException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a pull failed. */
    public enum Kind {
        /** The registry has no such repository, tag or digest. */
        NOT_FOUND,
        /** The registry refused the credentials, or asked for some and there were none. */
        UNAUTHORIZED,
        /** The image exists but holds no usable wasm module. */
        INVALID_MODULE,
        /** Bytes from the registry do not match their digest. */
        DIGEST_MISMATCH,
        /** The registry could not be reached or answered something unexpected. */
        NETWORK,
        /** imagePullPolicy Never and the module is not in the store. */
        NOT_PRESENT,
        /** The reference itself is not valid. */
        INVALID_REFERENCE,
        /** The caller was interrupted while it waited: nobody needs the module any more (since 1.1). */
        CANCELLED
    }

    private final Kind kind;

    public PullException(Kind kind, String message) {
        this(kind, message, null);
    }

    public PullException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
