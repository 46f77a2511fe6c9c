package io.krustlet.wasm.wasi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A mount as the module sees it: the host directory behind a guest path, and whether it is
 * read-only. The host directory is opened on first use, so preparing an instance stays cheap.
 * A read-only mount refuses every change with {@link Errno#ROFS}, as Linux does for a read-only
 * bind mount.
 */
final class Preopen {

    final String guestPath;
    final Path hostRoot;
    final boolean readOnly;
    private Dir root;
    private boolean closed;

    Preopen(String guestPath, Path hostRoot, boolean readOnly) {
        this.guestPath = guestPath;
        this.hostRoot = hostRoot;
        this.readOnly = readOnly;
    }

    /** The opened root directory of the mount. */
    Dir root() throws WasiError {
        if (closed) {
            throw WasiError.of(Errno.BADF);
        }
        if (root == null) {
            try {
                root = Dir.root(hostRoot, this);
            } catch (IOException e) {
                throw WasiError.of(Errno.of(e));
            }
        }
        return root;
    }

    /** Refuses a change on a read-only mount. */
    void requireWritable() throws WasiError {
        if (readOnly) {
            throw WasiError.of(Errno.ROFS);
        }
    }

    void close() {
        closed = true;
        if (root != null) {
            root.close();
            root = null;
        }
    }
}
