package io.krustlet.wasm.wasi;

/**
 * A WASI call that fails with an {@link Errno}: thrown inside the host functions and returned to
 * the module as the call's result. Carries no stack trace: it is control flow, not a bug.
 */
final class WasiError extends Exception {
    private static final long serialVersionUID = 1L;
    private static final WasiError[] CACHE = new WasiError[Errno.NOTCAPABLE + 1];

    static {
        for (int i = 0; i < CACHE.length; i++) {
            CACHE[i] = new WasiError(i);
        }
    }

    final int errno;

    private WasiError(int errno) {
        super("errno " + errno, null, false, false);
        this.errno = errno;
    }

    /** The (shared, immutable) error for {@code errno}. */
    static WasiError of(int errno) {
        return CACHE[errno];
    }
}
