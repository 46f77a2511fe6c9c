package io.krustlet.wasm.wasi;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Locale;

/**
 * WASI preview1 {@code errno} values (witx {@code typenames.witx}, the numbering wasi-libc's
 * {@code <wasi/api.h>} uses) and the mapping of the JDK's file exceptions onto them.
 */
public final class Errno {
    public static final int SUCCESS = 0;
    public static final int TOOBIG = 1;
    public static final int ACCES = 2;
    public static final int AGAIN = 6;
    public static final int BADF = 8;
    public static final int BUSY = 10;
    public static final int DQUOT = 19;
    public static final int EXIST = 20;
    public static final int FAULT = 21;
    public static final int FBIG = 22;
    public static final int ILSEQ = 25;
    public static final int INVAL = 28;
    public static final int IO = 29;
    public static final int ISDIR = 31;
    public static final int LOOP = 32;
    public static final int MFILE = 33;
    public static final int MLINK = 34;
    public static final int NAMETOOLONG = 37;
    public static final int NOENT = 44;
    public static final int NOMEM = 48;
    public static final int NOSPC = 51;
    public static final int NOSYS = 52;
    public static final int NOTDIR = 54;
    public static final int NOTEMPTY = 55;
    public static final int NOTSOCK = 57;
    public static final int NOTSUP = 58;
    public static final int NXIO = 60;
    public static final int OVERFLOW = 61;
    public static final int PERM = 63;
    public static final int ROFS = 69;
    public static final int SPIPE = 70;
    public static final int TXTBSY = 74;
    public static final int XDEV = 75;
    public static final int NOTCAPABLE = 76;

    private Errno() {
    }

    /**
     * The errno a failed JDK file operation stands for. The JDK keeps the errno only as exception
     * types for a few cases and as the C library's {@code strerror} text for the rest; the texts
     * below are glibc's in the C locale (the JVM's own messages are never translated for these).
     * Anything else is {@link #IO}.
     */
    public static int of(IOException e) {
        if (e instanceof NoSuchFileException) {
            return NOENT;
        }
        if (e instanceof FileAlreadyExistsException) {
            return EXIST;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return NOTEMPTY;
        }
        if (e instanceof NotDirectoryException) {
            return NOTDIR;
        }
        if (e instanceof AccessDeniedException) {
            return ACCES;
        }
        if (e instanceof AtomicMoveNotSupportedException) {
            return XDEV;
        }
        if (e instanceof NotLinkException) {
            return INVAL;
        }
        if (e instanceof FileSystemLoopException) {
            return LOOP;
        }
        String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        return reason == null ? IO : ofReason(reason.toLowerCase(Locale.ROOT));
    }

    private static int ofReason(String reason) {
        if (reason.contains("not a directory")) {
            return NOTDIR;
        }
        if (reason.contains("is a directory")) {
            return ISDIR;
        }
        if (reason.contains("directory not empty")) {
            return NOTEMPTY;
        }
        if (reason.contains("too many levels of symbolic links")) {
            return LOOP;
        }
        if (reason.contains("read-only file system")) {
            return ROFS;
        }
        if (reason.contains("no space left")) {
            return NOSPC;
        }
        if (reason.contains("quota")) {
            return DQUOT;
        }
        if (reason.contains("file too large")) {
            return FBIG;
        }
        if (reason.contains("invalid argument")) {
            return INVAL;
        }
        if (reason.contains("operation not permitted")) {
            return PERM;
        }
        if (reason.contains("permission denied")) {
            return ACCES;
        }
        if (reason.contains("busy")) {
            return BUSY;
        }
        if (reason.contains("cross-device")) {
            return XDEV;
        }
        if (reason.contains("file name too long")) {
            return NAMETOOLONG;
        }
        if (reason.contains("too many links")) {
            return MLINK;
        }
        if (reason.contains("no such file")) {
            return NOENT;
        }
        if (reason.contains("file exists")) {
            return EXIST;
        }
        if (reason.contains("text file busy")) {
            return TXTBSY;
        }
        return IO;
    }
}
