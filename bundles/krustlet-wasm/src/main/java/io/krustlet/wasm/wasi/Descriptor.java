package io.krustlet.wasm.wasi;

/**
 * An entry of a module's file descriptor table: what it refers to, its rights and its flags.
 */
abstract class Descriptor {

    long rightsBase;
    long rightsInheriting;
    int fdflags;

    Descriptor(long rightsBase, long rightsInheriting, int fdflags) {
        this.rightsBase = rightsBase;
        this.rightsInheriting = rightsInheriting;
        this.fdflags = fdflags;
    }

    abstract byte filetype();

    /** Refuses the call unless the descriptor has {@code rights}. */
    final void require(long rights) throws WasiError {
        if ((rightsBase & rights) != rights) {
            throw WasiError.of(Errno.NOTCAPABLE);
        }
    }

    /** Releases what the descriptor holds on the host. */
    abstract void close();
}
