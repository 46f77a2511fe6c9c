/*
 * wasitest: WASI preview1 conformance and sandbox cases, one per argument:
 *   wasitest CASE...        runs each case against the directory mounted at /scratch
 * A case prints "ok CASE" when every check holds; the first failing check prints
 * "FAIL CASE line N: what (errno E)" to stderr and exits 1. Written against the raw
 * preview1 calls of <wasi/api.h> where libc would hide the call's own errno, and against libc
 * where that is what a real program does. The expectations follow POSIX and the WASI test
 * suite (WebAssembly/wasi-testsuite) as wasmtime passes it.
 *
 * Extra commands for the sandbox tests:
 *   read PATH              prints the file, or "error: <strerror>"
 *   hammer PATH N          reads PATH N times; prints each distinct content or error once
 *   write PATH TEXT        creates or replaces PATH, or prints "error: <strerror>"
 *   mkdir PATH | symlink TARGET PATH | rename FROM TO | unlink PATH   likewise
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

/* proc_raise is in the preview1 witx but no longer declared by wasi-libc */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
uint16_t raw_proc_raise(uint8_t signal);

static const char *current;
#define CHECK(cond, what) do { if (!(cond)) { \
    fprintf(stderr, "FAIL %s line %d: %s (errno %d)\n", current, __LINE__, what, errno); exit(1); } } while (0)
#define EXPECT_ERR(call, want) do { __wasi_errno_t e_ = (call); if (e_ != (want)) { \
    fprintf(stderr, "FAIL %s line %d: %s gave %d, expected %d\n", current, __LINE__, #call, e_, (want)); exit(1); } } while (0)
#define OK(call) EXPECT_ERR(call, 0)

static int scratch(void) {
    int fd = open("/scratch", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0, "open /scratch");
    return fd;
}

static __wasi_fd_t open_raw(int dir, const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                            __wasi_fdflags_t fdflags) {
    __wasi_fd_t fd;
    OK(__wasi_path_open(dir, 0, path, oflags, rights, rights, fdflags, &fd));
    return fd;
}

static void create_file(int dir, const char *path, const char *content) {
    __wasi_fd_t fd = open_raw(dir, path, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                              __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READ, 0);
    __wasi_ciovec_t iov = {(const uint8_t *)content, strlen(content)};
    size_t n;
    OK(__wasi_fd_write(fd, &iov, 1, &n));
    OK(__wasi_fd_close(fd));
}

static char *slurp(const char *path) {
    static char buf[4096];
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static int is_dir(int dir, const char *path) {
    __wasi_filestat_t st;
    return __wasi_path_filestat_get(dir, 0, path, &st) == 0 && st.filetype == __WASI_FILETYPE_DIRECTORY;
}

static void case_rename(void) {
    int dir = scratch();
    /* files: to a new name, over an existing file (the write-temp-then-rename idiom) */
    create_file(dir, "a", "first");
    OK(__wasi_path_rename(dir, "a", dir, "b"));
    EXPECT_ERR(__wasi_path_filestat_get(dir, 0, "a", &(__wasi_filestat_t){0}), __WASI_ERRNO_NOENT);
    create_file(dir, "tmp", "second");
    OK(__wasi_path_rename(dir, "tmp", dir, "b"));
    CHECK(!strcmp(slurp("/scratch/b"), "second"), "b replaced by tmp");
    FILE *f = fopen("/scratch/b.tmp", "w");
    CHECK(f && fputs("third", f) >= 0 && fclose(f) == 0, "write b.tmp");
    CHECK(rename("/scratch/b.tmp", "/scratch/b") == 0, "libc rename over an existing file");
    CHECK(!strcmp(slurp("/scratch/b"), "third"), "b replaced by b.tmp");
    /* directories, with and without trailing slashes */
    OK(__wasi_path_create_directory(dir, "source"));
    OK(__wasi_path_rename(dir, "source/", dir, "target"));
    OK(__wasi_path_rename(dir, "target", dir, "source/"));
    OK(__wasi_path_rename(dir, "source/", dir, "target/"));
    OK(__wasi_path_rename(dir, "target", dir, "source"));
    CHECK(is_dir(dir, "source"), "source is a directory again");
    /* a directory over an empty one, and the POSIX errors */
    OK(__wasi_path_create_directory(dir, "empty"));
    OK(__wasi_path_rename(dir, "source", dir, "empty"));
    OK(__wasi_path_create_directory(dir, "full"));
    create_file(dir, "full/file", "x");
    EXPECT_ERR(__wasi_path_rename(dir, "empty", dir, "full"), __WASI_ERRNO_NOTEMPTY);
    EXPECT_ERR(__wasi_path_rename(dir, "empty", dir, "full/file"), __WASI_ERRNO_NOTDIR);
    EXPECT_ERR(__wasi_path_rename(dir, "b", dir, "empty"), __WASI_ERRNO_ISDIR);
    EXPECT_ERR(__wasi_path_rename(dir, "b/", dir, "c"), __WASI_ERRNO_NOTDIR);
    EXPECT_ERR(__wasi_path_rename(dir, "b", dir, "c/"), __WASI_ERRNO_NOTDIR);
    EXPECT_ERR(__wasi_path_rename(dir, "missing", dir, "c"), __WASI_ERRNO_NOENT);
    /* into a sub-directory and back */
    OK(__wasi_path_rename(dir, "b", dir, "full/b"));
    OK(__wasi_path_rename(dir, "full/b", dir, "b"));
}

static void case_append_trunc(void) {
    int dir = scratch();
    create_file(dir, "log", "old content");
    int fd = open("/scratch/log", O_WRONLY | O_APPEND | O_TRUNC);
    CHECK(fd >= 0, "open O_WRONLY|O_APPEND|O_TRUNC");
    CHECK(write(fd, "one\n", 4) == 4, "write one");
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "seek to 0");
    CHECK(write(fd, "two\n", 4) == 4, "write two (appends)");
    close(fd);
    CHECK(!strcmp(slurp("/scratch/log"), "one\ntwo\n"), "truncated, then appended");
    /* the raw call too, read-write */
    __wasi_fd_t raw = open_raw(dir, "log", __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_READ,
                               __WASI_FDFLAGS_APPEND);
    __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
    size_t n;
    OK(__wasi_fd_write(raw, &iov, 1, &n));
    OK(__wasi_fd_close(raw));
    CHECK(!strcmp(slurp("/scratch/log"), "x"), "raw O_TRUNC with APPEND");
}

static void case_append_read(void) {
    int dir = scratch();
    create_file(dir, "data", "abc");
    FILE *f = fopen("/scratch/data", "a+");
    CHECK(f != NULL, "fopen a+");
    CHECK(fputs("def", f) >= 0 && fflush(f) == 0, "append def");
    rewind(f);
    char buf[16] = {0};
    CHECK(fread(buf, 1, sizeof buf - 1, f) == 6, "read back 6 bytes");
    CHECK(!strcmp(buf, "abcdef"), "content abcdef");
    fseek(f, 0, SEEK_SET);
    CHECK(fputs("ghi", f) >= 0 && fflush(f) == 0, "write after seek");
    fclose(f);
    CHECK(!strcmp(slurp("/scratch/data"), "abcdefghi"), "appended at the end despite the seek");
    /* fd_fdstat_set_flags turns append off and on (as wasi-testsuite fd_flags_set) */
    __wasi_fd_t fd = open_raw(dir, "data", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK
                              | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS, __WASI_FDFLAGS_APPEND);
    OK(__wasi_fd_fdstat_set_flags(fd, 0));
    __wasi_filesize_t pos;
    OK(__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos));
    __wasi_ciovec_t iov = {(const uint8_t *)"X", 1};
    size_t n;
    OK(__wasi_fd_write(fd, &iov, 1, &n));
    OK(__wasi_fd_close(fd));
    CHECK(!strcmp(slurp("/scratch/data"), "Xbcdefghi"), "overwrote at 0 once append was off");
}

static void case_link_dangling(void) {
    int dir = scratch();
    create_file(dir, "file", "x");
    OK(__wasi_path_symlink("nowhere", dir, "dangling"));
    EXPECT_ERR(__wasi_path_link(dir, 0, "file", dir, "dangling"), __WASI_ERRNO_EXIST);
    EXPECT_ERR(__wasi_path_link(dir, 0, "file", dir, "file"), __WASI_ERRNO_EXIST);
    EXPECT_ERR(__wasi_path_link(dir, 0, "file", dir, "link/"), __WASI_ERRNO_NOENT);
    EXPECT_ERR(__wasi_path_link(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "dangling", dir, "l2"), __WASI_ERRNO_INVAL);
    OK(__wasi_path_create_directory(dir, "d"));
    EXPECT_ERR(__wasi_path_link(dir, 0, "d", dir, "l3"), __WASI_ERRNO_PERM);
    OK(__wasi_path_link(dir, 0, "file", dir, "d/hard"));
    __wasi_filestat_t a, b;
    OK(__wasi_path_filestat_get(dir, 0, "file", &a));
    OK(__wasi_path_filestat_get(dir, 0, "d/hard", &b));
    CHECK(a.ino == b.ino && a.nlink == 2 && b.nlink == 2, "a hard link: same inode, two links");
    OK(__wasi_path_link(dir, 0, "dangling", dir, "link-to-symlink"));
}

static void case_symlink_slash(void) {
    int dir = scratch();
    EXPECT_ERR(__wasi_path_symlink("source", dir, "target/"), __WASI_ERRNO_NOENT);
    OK(__wasi_path_symlink("source", dir, "target"));
    OK(__wasi_path_create_directory(dir, "dir"));
    EXPECT_ERR(__wasi_path_symlink("source", dir, "dir/"), __WASI_ERRNO_EXIST);
    EXPECT_ERR(__wasi_path_symlink("source", dir, "dir"), __WASI_ERRNO_EXIST);
    EXPECT_ERR(__wasi_path_symlink("/etc/passwd", dir, "abs"), __WASI_ERRNO_PERM);
    char buf[64];
    size_t n;
    OK(__wasi_path_readlink(dir, "target", (uint8_t *)buf, sizeof buf, &n));
    CHECK(n == 6 && !memcmp(buf, "source", 6), "readlink gives the target");
    EXPECT_ERR(__wasi_path_readlink(dir, "dir", (uint8_t *)buf, sizeof buf, &n), __WASI_ERRNO_INVAL);
}

static void case_settimes_nofollow(void) {
    int dir = scratch();
    create_file(dir, "file", "");
    __wasi_filestat_t file, link, after;
    OK(__wasi_path_filestat_get(dir, 0, "file", &file));
    OK(__wasi_path_symlink("file", dir, "link"));
    OK(__wasi_path_filestat_get(dir, 0, "link", &link));
    CHECK(link.filetype == __WASI_FILETYPE_SYMBOLIC_LINK, "lstat sees the link");
    /* whole microseconds: Java 17 sets file times through futimes/lutimes (see the README) */
    __wasi_timestamp_t when = (link.mtim - 200000000000ULL) / 1000 * 1000;
    OK(__wasi_path_filestat_set_times(dir, 0, "link", 0, when, __WASI_FSTFLAGS_MTIM));
    OK(__wasi_path_filestat_get(dir, 0, "link", &after));
    CHECK(after.mtim == when, "the link's own mtim changed");
    OK(__wasi_path_filestat_get(dir, 0, "file", &after));
    CHECK(after.mtim == file.mtim, "the target's mtim did not change");
    OK(__wasi_path_filestat_set_times(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link", 0, when, __WASI_FSTFLAGS_MTIM));
    OK(__wasi_path_filestat_get(dir, 0, "file", &after));
    CHECK(after.mtim == when, "following the link changes the target");
    EXPECT_ERR(__wasi_path_filestat_set_times(dir, 0, "file", 0, when, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW),
               __WASI_ERRNO_INVAL);
    CHECK(utimensat(AT_FDCWD, "/scratch/file", NULL, 0) == 0, "touch with libc");
}

static void case_set_rights(void) {
    int dir = scratch();
    __wasi_fd_t fd = open_raw(dir, "file", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE
                              | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL, 0);
    uint8_t data[4] = {1, 2, 3, 4};
    __wasi_ciovec_t out = {data, 4};
    __wasi_iovec_t in = {data, 4};
    size_t n;
    OK(__wasi_fd_write(fd, &out, 1, &n));
    OK(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL, 0));
    __wasi_fdstat_t st;
    OK(__wasi_fd_fdstat_get(fd, &st));
    CHECK(st.fs_rights_base == (__WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL), "rights dropped");
    EXPECT_ERR(__wasi_fd_read(fd, &in, 1, &n), __WASI_ERRNO_NOTCAPABLE);
    EXPECT_ERR(__wasi_fd_write(fd, &out, 1, &n), __WASI_ERRNO_NOTCAPABLE);
    EXPECT_ERR(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0),
               __WASI_ERRNO_NOTCAPABLE);
    for (int i = 0; i < 1000; i++) { /* a module's bad calls never reach the node's log */
        EXPECT_ERR(__wasi_fd_fdstat_set_rights(fd, ~0ULL, ~0ULL), __WASI_ERRNO_NOTCAPABLE);
        EXPECT_ERR(__wasi_fd_fdstat_set_rights(9999, 0, 0), __WASI_ERRNO_BADF);
    }
    OK(__wasi_fd_close(fd));
}

static size_t readdir_all(int dir, __wasi_dircookie_t start, int *count, char names[][32]) {
    uint8_t buf[256];
    __wasi_dircookie_t cookie = start;
    *count = 0;
    size_t calls = 0;
    for (;;) {
        size_t used;
        OK(__wasi_fd_readdir(dir, buf, sizeof buf, cookie, &used));
        calls++;
        size_t at = 0;
        while (at + sizeof(__wasi_dirent_t) <= used) {
            __wasi_dirent_t d;
            memcpy(&d, buf + at, sizeof d);
            if (at + sizeof d + d.d_namlen > used) break;
            if (names && *count < 8) {
                memcpy(names[*count], buf + at + sizeof d, d.d_namlen < 31 ? d.d_namlen : 31);
                names[*count][d.d_namlen < 31 ? d.d_namlen : 31] = 0;
            }
            (*count)++;
            cookie = d.d_next;
            at += sizeof d + d.d_namlen;
        }
        if (used < sizeof buf) break;
    }
    return calls;
}

static void case_readdir_cookies(void) {
    int dir = scratch();
    char name[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "file.%d", i);
        __wasi_fd_t fd = open_raw(dir, name, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0);
        OK(__wasi_fd_close(fd));
    }
    int count;
    size_t calls = readdir_all(dir, 0, &count, NULL);
    CHECK(count == 1002, "1000 files plus . and ..");
    CHECK(calls > 10, "the listing took many calls, each resuming at its cookie");
    /* resuming at the cookie of entry 500 gives the remaining 502 */
    static uint8_t buf[64 * 1024]; /* not on the 64 KiB wasm stack */
    size_t used;
    OK(__wasi_fd_readdir(dir, buf, sizeof buf, 0, &used));
    size_t at = 0;
    __wasi_dircookie_t cookie = 0;
    for (int i = 0; i < 500; i++) {
        __wasi_dirent_t d;
        memcpy(&d, buf + at, sizeof d);
        cookie = d.d_next;
        at += sizeof d + d.d_namlen;
    }
    readdir_all(dir, cookie, &count, NULL);
    CHECK(count == 502, "resuming at a cookie");
    /* libc's readdir sees them all too */
    DIR *d = opendir("/scratch");
    int seen = 0;
    while (readdir(d)) seen++;
    closedir(d);
    if (seen != 1002) fprintf(stderr, "readdir saw %d entries\n", seen);
    CHECK(seen == 1002, "opendir/readdir");
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "file.%d", i);
        OK(__wasi_path_unlink_file(dir, name));
    }
    char names[8][32];
    readdir_all(dir, 0, &count, names);
    CHECK(count == 2, "an empty directory lists . and ..");
}

static void case_poll(void) {
    __wasi_timestamp_t t0, t1;
    OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0));
    /* a clock alone waits for its timeout */
    __wasi_subscription_t subs[3];
    memset(subs, 0, sizeof subs);
    subs[0].userdata = 42;
    subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[0].u.u.clock.timeout = 50000000; /* 50 ms */
    __wasi_event_t events[3];
    size_t n;
    OK(__wasi_poll_oneoff(subs, events, 1, &n));
    OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1));
    CHECK(n == 1 && events[0].userdata == 42 && events[0].type == __WASI_EVENTTYPE_CLOCK && events[0].error == 0,
          "one clock event");
    CHECK(t1 - t0 >= 50000000, "waited at least 50 ms");
    /* a clock with stdin and stdout: the descriptors are ready, no wait */
    subs[0].u.u.clock.timeout = 10000000000ULL; /* 10 s */
    subs[1].userdata = 7;
    subs[1].u.tag = __WASI_EVENTTYPE_FD_READ;
    subs[1].u.u.fd_read.file_descriptor = 0;
    subs[2].userdata = 8;
    subs[2].u.tag = __WASI_EVENTTYPE_FD_WRITE;
    subs[2].u.u.fd_write.file_descriptor = 1;
    OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0));
    OK(__wasi_poll_oneoff(subs, events, 3, &n));
    OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1));
    CHECK(n == 2, "stdin and stdout ready");
    CHECK(t1 - t0 < 5000000000ULL, "did not wait for the clock");
    int saw_read = 0, saw_write = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(events[i].error == 0, "no error");
        if (events[i].userdata == 7) saw_read = events[i].type == __WASI_EVENTTYPE_FD_READ;
        if (events[i].userdata == 8) saw_write = events[i].type == __WASI_EVENTTYPE_FD_WRITE;
    }
    CHECK(saw_read && saw_write, "both descriptors reported");
    /* an absolute deadline in the past fires at once; a bad descriptor is an event error */
    OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t0));
    subs[0].u.u.clock.id = __WASI_CLOCKID_REALTIME;
    subs[0].u.u.clock.timeout = t0 - 1000;
    subs[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
    OK(__wasi_poll_oneoff(subs, events, 1, &n));
    CHECK(n == 1 && events[0].userdata == 42, "past deadline");
    subs[1].u.u.fd_read.file_descriptor = 999;
    OK(__wasi_poll_oneoff(subs + 1, events, 1, &n));
    CHECK(n == 1 && events[0].error == __WASI_ERRNO_BADF, "bad descriptor");
    EXPECT_ERR(__wasi_poll_oneoff(subs, events, 0, &n), __WASI_ERRNO_INVAL);
    /* libc's sleep */
    OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t0));
    struct timespec ts = {0, 20000000};
    CHECK(nanosleep(&ts, NULL) == 0, "nanosleep");
    OK(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t1));
    CHECK(t1 - t0 >= 20000000, "slept 20 ms");
}

static void case_clocks(void) {
    __wasi_clockid_t ids[] = {__WASI_CLOCKID_REALTIME, __WASI_CLOCKID_MONOTONIC, __WASI_CLOCKID_PROCESS_CPUTIME_ID,
                              __WASI_CLOCKID_THREAD_CPUTIME_ID};
    for (int i = 0; i < 4; i++) {
        __wasi_timestamp_t res, t;
        OK(__wasi_clock_res_get(ids[i], &res));
        CHECK(res > 0 && res <= 1000000, "a resolution between 1 ns and 1 ms");
        OK(__wasi_clock_time_get(ids[i], 1, &t));
        CHECK(t > 0, "a time");
    }
    __wasi_timestamp_t res;
    EXPECT_ERR(__wasi_clock_res_get(99, &res), __WASI_ERRNO_INVAL);
    EXPECT_ERR(__wasi_clock_time_get(99, 1, &res), __WASI_ERRNO_INVAL);
    __wasi_timestamp_t now;
    OK(__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now));
    CHECK(now > 1600000000000000000ULL, "realtime is after 2020");
}

static void case_random(void) {
    uint8_t a[64] = {0}, b[64] = {0};
    OK(__wasi_random_get(a, sizeof a));
    OK(__wasi_random_get(b, sizeof b));
    CHECK(memcmp(a, b, sizeof a) != 0, "two draws differ");
    int zeros = 0;
    for (size_t i = 0; i < sizeof a; i++) zeros += a[i] == 0;
    CHECK(zeros < 16, "not mostly zeros");
    OK(__wasi_random_get(a, 0));
}

static void case_advise_allocate(void) {
    int dir = scratch();
    __wasi_fd_t fd = open_raw(dir, "f", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE
                              | __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_FILESTAT_GET
                              | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_ALLOCATE, 0);
    __wasi_filestat_t st;
    OK(__wasi_fd_filestat_set_size(fd, 100));
    OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 100, "set_size grows to 100");
    OK(__wasi_fd_advise(fd, 10, 50, __WASI_ADVICE_SEQUENTIAL));
    OK(__wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_DONTNEED));
    EXPECT_ERR(__wasi_fd_advise(fd, 0, 0, 99), __WASI_ERRNO_INVAL);
    OK(__wasi_fd_allocate(fd, 100, 100));
    OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 200, "allocate grows to 200");
    OK(__wasi_fd_allocate(fd, 10, 10));
    OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 200, "allocate inside the file keeps the size");
    OK(__wasi_fd_filestat_set_size(fd, 3));
    OK(__wasi_fd_filestat_get(fd, &st));
    CHECK(st.size == 3, "set_size shrinks");
    EXPECT_ERR(__wasi_fd_allocate(dir, 0, 1), __WASI_ERRNO_NOTCAPABLE);
    EXPECT_ERR(__wasi_fd_advise(1, 0, 0, __WASI_ADVICE_NORMAL), __WASI_ERRNO_NOTCAPABLE);
    OK(__wasi_fd_close(fd));
}

static void case_sched_yield(void) {
    for (int i = 0; i < 100; i++) OK(__wasi_sched_yield());
}

static void case_renumber(void) {
    int dir = scratch();
    __wasi_fd_t from = open_raw(dir, "file1", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0);
    __wasi_fd_t to = open_raw(dir, "file2", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0);
    __wasi_fdstat_t before, after;
    OK(__wasi_fd_fdstat_get(from, &before));
    OK(__wasi_fd_renumber(from, to));
    EXPECT_ERR(__wasi_fd_close(from), __WASI_ERRNO_BADF);
    OK(__wasi_fd_fdstat_get(to, &after));
    CHECK(before.fs_rights_base == after.fs_rights_base, "to now is what from was");
    EXPECT_ERR(__wasi_fd_renumber(to, from), __WASI_ERRNO_BADF);
    __wasi_ciovec_t iov = {(const uint8_t *)"hi", 2};
    size_t n;
    OK(__wasi_fd_write(to, &iov, 1, &n));
    OK(__wasi_fd_close(to));
    CHECK(!strcmp(slurp("/scratch/file1"), "hi"), "wrote through the renumbered descriptor");
}

static void case_stdin_empty(void) {
    char buf[16];
    CHECK(read(0, buf, sizeof buf) == 0, "stdin is at end of file");
    CHECK(getchar() == EOF, "getchar sees EOF");
    __wasi_fdstat_t st;
    OK(__wasi_fd_fdstat_get(0, &st));
    CHECK(st.fs_filetype == __WASI_FILETYPE_CHARACTER_DEVICE, "stdin is a character device");
    EXPECT_ERR(__wasi_fd_seek(0, 0, __WASI_WHENCE_SET, &(__wasi_filesize_t){0}), __WASI_ERRNO_SPIPE);
}

static void case_misc(void) {
    int dir = scratch();
    /* directory descriptors refuse file calls with POSIX' errors */
    uint8_t b[8];
    __wasi_iovec_t iov = {b, 8};
    size_t n;
    EXPECT_ERR(__wasi_fd_read(dir, &iov, 1, &n), __WASI_ERRNO_ISDIR);
    EXPECT_ERR(__wasi_path_open(1, 0, "x", 0, 0, 0, 0, &(__wasi_fd_t){0}), __WASI_ERRNO_NOTDIR);
    EXPECT_ERR(__wasi_sock_shutdown(1, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSOCK);
    EXPECT_ERR(__wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &(__wasi_filesize_t){0}), __WASI_ERRNO_SPIPE);
    /* interesting paths (wasi-testsuite interesting_paths) */
    OK(__wasi_path_create_directory(dir, "dir"));
    OK(__wasi_path_create_directory(dir, "dir/nested"));
    create_file(dir, "dir/nested/file", "deep");
    __wasi_fd_t fd;
    OK(__wasi_path_open(dir, 0, "dir/.//nested/../../dir/nested/../nested///./file", 0, 0, 0, 0, &fd));
    OK(__wasi_fd_close(fd));
    EXPECT_ERR(__wasi_path_open(dir, 0, "/dir/nested/file", 0, 0, 0, 0, &fd), __WASI_ERRNO_PERM);
    EXPECT_ERR(__wasi_path_open(dir, 0, "dir/nested/file/", 0, 0, 0, 0, &fd), __WASI_ERRNO_NOTDIR);
    EXPECT_ERR(__wasi_path_open(dir, 0, "dir/../../x", 0, 0, 0, 0, &fd), __WASI_ERRNO_PERM);
    OK(__wasi_path_open(dir, 0, "dir/nested///", 0, 0, 0, 0, &fd));
    OK(__wasi_fd_close(fd));
    /* unlink and rmdir errors */
    EXPECT_ERR(__wasi_path_unlink_file(dir, "dir"), __WASI_ERRNO_ISDIR);
    EXPECT_ERR(__wasi_path_unlink_file(dir, "dir/nested/file/"), __WASI_ERRNO_NOTDIR);
    EXPECT_ERR(__wasi_path_remove_directory(dir, "dir/nested/file"), __WASI_ERRNO_NOTDIR);
    EXPECT_ERR(__wasi_path_remove_directory(dir, "dir"), __WASI_ERRNO_NOTEMPTY);
    EXPECT_ERR(__wasi_path_create_directory(dir, "dir"), __WASI_ERRNO_EXIST);
    /* O_CREAT|O_EXCL, and nofollow */
    EXPECT_ERR(__wasi_path_open(dir, 0, "dir/nested/file", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, 0, 0, 0, &fd),
               __WASI_ERRNO_EXIST);
    OK(__wasi_path_symlink("dir", dir, "link"));
    EXPECT_ERR(__wasi_path_open(dir, 0, "link", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd), __WASI_ERRNO_LOOP);
    OK(__wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &fd));
    OK(__wasi_fd_close(fd));
    OK(__wasi_path_symlink("loop", dir, "loop"));
    EXPECT_ERR(__wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "loop", 0, 0, 0, 0, &fd), __WASI_ERRNO_LOOP);
    /* prestat of the preopen */
    __wasi_prestat_t pre;
    OK(__wasi_fd_prestat_get(3, &pre));
    CHECK(pre.u.dir.pr_name_len == 8, "/scratch");
    char name[16];
    EXPECT_ERR(__wasi_fd_prestat_dir_name(3, (uint8_t *)name, 2), __WASI_ERRNO_NAMETOOLONG);
    EXPECT_ERR(__wasi_fd_prestat_get(dir, &pre), __WASI_ERRNO_BADF);
    /* a bad pointer is EFAULT, not a trap */
    EXPECT_ERR(__wasi_fd_fdstat_get(1, (__wasi_fdstat_t *)0xFFFFFFF0u), __WASI_ERRNO_FAULT);
}

static void case_raise(void) {
    CHECK(raw_proc_raise(16 /* SIGCHLD: ignored */) == 0, "SIGCHLD is ignored");
    CHECK(raw_proc_raise(99) == __WASI_ERRNO_INVAL, "no such signal");
    printf("raising SIGTERM\n");
    fflush(stdout);
    raw_proc_raise(15);
    CHECK(0, "still running after SIGTERM");
}

static void report(const char *what, const char *path, int rc) {
    if (rc) printf("%s %s error: %s\n", what, path, strerror(errno));
    else printf("%s %s ok\n", what, path);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        current = argv[i];
        if (!strcmp(current, "read")) {
            const char *path = argv[++i];
            char *content = slurp(path);
            if (content) printf("%s\n", content); else printf("error: %s\n", strerror(errno));
            continue;
        } else if (!strcmp(current, "hammer")) {
            const char *path = argv[++i];
            long times = atol(argv[++i]);
            char seen[8][128];
            int distinct = 0;
            for (long t = 0; t < times; t++) {
                char *content = slurp(path);
                char line[128];
                snprintf(line, sizeof line, "%s", content ? content : strerror(errno));
                int known = 0;
                for (int s = 0; s < distinct; s++) known |= !strcmp(seen[s], line);
                if (!known && distinct < 8) {
                    strcpy(seen[distinct++], line);
                    printf("%s\n", line);
                    fflush(stdout);
                }
                char target[256]; snprintf(target, sizeof target, "%.*s/written", (int)(strrchr(path, 0x2f) - path), path);
                FILE *f = fopen(target, "w"); /* writes next to PATH, through the same directories */
                if (f) fclose(f);
            }
            continue;
        } else if (!strcmp(current, "write")) {
            const char *path = argv[++i];
            const char *text = argv[++i];
            FILE *f = fopen(path, "w");
            int rc = f == NULL || fputs(text, f) < 0;
            if (f) fclose(f);
            report("write", path, rc);
            continue;
        } else if (!strcmp(current, "mkdir")) {
            const char *path = argv[++i];
            report("mkdir", path, mkdir(path, 0755));
            continue;
        } else if (!strcmp(current, "symlink")) {
            const char *target = argv[++i];
            const char *path = argv[++i];
            report("symlink", path, symlink(target, path));
            continue;
        } else if (!strcmp(current, "rename")) {
            const char *from = argv[++i];
            const char *to = argv[++i];
            report("rename", from, rename(from, to));
            continue;
        } else if (!strcmp(current, "unlink")) {
            const char *path = argv[++i];
            report("unlink", path, unlink(path));
            continue;
        }
        static const struct { const char *name; void (*run)(void); } cases[] = {
            {"path-rename", case_rename}, {"append-trunc", case_append_trunc}, {"append-read", case_append_read},
            {"link-dangling", case_link_dangling}, {"symlink-slash", case_symlink_slash},
            {"settimes-nofollow", case_settimes_nofollow}, {"set-rights", case_set_rights},
            {"readdir-cookies", case_readdir_cookies}, {"poll", case_poll}, {"clocks", case_clocks},
            {"random", case_random}, {"advise-allocate", case_advise_allocate}, {"sched-yield", case_sched_yield},
            {"renumber", case_renumber}, {"stdin-empty", case_stdin_empty}, {"misc", case_misc},
            {"raise", case_raise},
        };
        int found = 0;
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            if (!strcmp(cases[c].name, current)) {
                cases[c].run();
                found = 1;
            }
        }
        if (!found) {
            fprintf(stderr, "wasitest: unknown case %s\n", current);
            return 64;
        }
        printf("ok %s\n", current);
        fflush(stdout);
    }
    return 0;
}
