package io.krustlet.wasm.wasi;

import java.util.List;

/**
 * An open directory: a preopened mount (its host directory opened on first use) or one the
 * module opened beneath it. Keeps the listing {@code fd_readdir} hands out, so cookies stay
 * valid across calls; a call with cookie 0 lists the directory afresh, as {@code rewinddir} does.
 */
final class DirectoryDescriptor extends Descriptor {

    final Preopen preopen;
    /** Whether this is the mount itself (answers fd_prestat_get). */
    final boolean isPreopen;
    private Dir dir;
    List<DirEntry> listing;

    DirectoryDescriptor(Preopen preopen, Dir dir, boolean isPreopen, long rightsBase, long rightsInheriting) {
        super(rightsBase, rightsInheriting, 0);
        this.preopen = preopen;
        this.dir = dir;
        this.isPreopen = isPreopen;
    }

    /** The host directory, opened now for a mount that was not used yet. */
    Dir dir() throws WasiError {
        if (dir == null) {
            dir = preopen.root();
        }
        return dir;
    }

    @Override
    byte filetype() {
        return Abi.FILETYPE_DIRECTORY;
    }

    @Override
    void close() {
        if (isPreopen) {
            preopen.close();
        } else if (dir != null) {
            dir.close();
        }
        dir = null;
    }

    /** One entry of a listing: its name (UTF-8), type and inode. */
    record DirEntry(byte[] name, byte type, long ino) {
    }
}
