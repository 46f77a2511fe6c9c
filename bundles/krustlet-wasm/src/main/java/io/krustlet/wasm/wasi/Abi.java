package io.krustlet.wasm.wasi;

/**
 * Constants of the WASI preview1 ABI (witx {@code typenames.witx}; the same numbers as
 * wasi-libc's {@code <wasi/api.h>}), named as the spec names them.
 */
final class Abi {
    private Abi() {
    }

    // filetype
    static final byte FILETYPE_UNKNOWN = 0;
    static final byte FILETYPE_BLOCK_DEVICE = 1;
    static final byte FILETYPE_CHARACTER_DEVICE = 2;
    static final byte FILETYPE_DIRECTORY = 3;
    static final byte FILETYPE_REGULAR_FILE = 4;
    static final byte FILETYPE_SYMBOLIC_LINK = 7;

    // oflags
    static final int O_CREAT = 1;
    static final int O_DIRECTORY = 2;
    static final int O_EXCL = 4;
    static final int O_TRUNC = 8;

    // fdflags
    static final int FD_APPEND = 1;
    static final int FD_DSYNC = 2;
    static final int FD_NONBLOCK = 4;
    static final int FD_RSYNC = 8;
    static final int FD_SYNC = 16;

    // lookupflags
    static final int LOOKUP_SYMLINK_FOLLOW = 1;

    // fstflags
    static final int FST_ATIM = 1;
    static final int FST_ATIM_NOW = 2;
    static final int FST_MTIM = 4;
    static final int FST_MTIM_NOW = 8;

    // whence
    static final int WHENCE_SET = 0;
    static final int WHENCE_CUR = 1;
    static final int WHENCE_END = 2;

    // clockid
    static final int CLOCK_REALTIME = 0;
    static final int CLOCK_MONOTONIC = 1;
    static final int CLOCK_PROCESS_CPUTIME = 2;
    static final int CLOCK_THREAD_CPUTIME = 3;

    // eventtype, eventrwflags, subclockflags
    static final int EVENT_CLOCK = 0;
    static final int EVENT_FD_READ = 1;
    static final int EVENT_FD_WRITE = 2;
    static final int EVENT_HANGUP = 1;
    static final int SUBSCRIPTION_CLOCK_ABSTIME = 1;

    // advice
    static final int ADVICE_NOREUSE = 5;

    // sizes of the structures the calls read and write
    static final int FDSTAT_SIZE = 24;
    static final int FILESTAT_SIZE = 64;
    static final int DIRENT_SIZE = 24;
    static final int SUBSCRIPTION_SIZE = 48;
    static final int EVENT_SIZE = 32;
}
