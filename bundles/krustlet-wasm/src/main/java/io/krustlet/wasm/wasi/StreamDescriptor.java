package io.krustlet.wasm.wasi;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Standard input, output or error. They read as character devices (no seek, no tell), so
 * wasi-libc line-buffers standard output as it does on a terminal and each line reaches the
 * container log at once.
 */
final class StreamDescriptor extends Descriptor {

    final InputStream in;
    final OutputStream out;

    StreamDescriptor(InputStream in, OutputStream out) {
        super(in != null ? Rights.STDIN : Rights.STDOUT, 0, 0);
        this.in = in;
        this.out = out;
    }

    @Override
    byte filetype() {
        return Abi.FILETYPE_CHARACTER_DEVICE;
    }

    @Override
    void close() {
        // the streams belong to the caller (the kubelet's log, a request body): never closed here
    }
}
