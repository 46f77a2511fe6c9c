/*
 * The two POSIX calls SQLite's shell (shell.c) uses that wasi-libc does not have. WASI has no
 * file modes and no canonical absolute paths: both fail honestly, and the shell carries on
 * (realpath() returns NULL to SQL, writefile() with a mode fails).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

char *realpath(const char *path, char *resolved) {
    (void)path;
    (void)resolved;
    errno = ENOSYS;
    return NULL;
}

int chmod(const char *path, mode_t mode) {
    (void)path;
    (void)mode;
    errno = ENOTSUP;
    return -1;
}
