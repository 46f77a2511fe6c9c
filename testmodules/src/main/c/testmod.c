/*
 * testmod: one flexible wasm32-wasi test module, driven by its arguments.
 * argv[1..] is a list of commands run in order, for example:
 *   testmod print hello eprint oops exit 3
 *
 *   print TEXT           stdout line          eprint TEXT      stderr line
 *   env NAME             NAME=value or unset  printenv         every variable
 *   args                 every argv entry     lines N          N numbered lines
 *   write PATH TEXT      create/replace       append PATH TEXT append a line
 *   read PATH            print the content    assert-file PATH TEXT  exit 2 unless equal
 *   ls DIR               entries, sorted      sleep MS         sleep (poll_oneoff)
 *   loop                 spin forever         alloc MIB        allocate and touch N MiB
 *   fib N                print fib(N)         exit N           exit with code N
 *   trap                 hit `unreachable`    try-alloc MIB    like alloc, but go on when refused
 *   rm PATH              unlink a file        mv FROM TO       rename
 *   mkdir DIR            create a directory   rmdir DIR        remove an empty directory
 *   symlink TARGET LINK  create LINK          touch PATH       set its times to now
 * A file command that fails prints "testmod: cannot OP PATH: <strerror>" to stderr and exits 1.
 * An unknown command prints a message to stderr and exits 64.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static unsigned long long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static const char *need(int argc, char **argv, int i, const char *cmd) {
    if (i >= argc) {
        fprintf(stderr, "testmod: %s needs an argument\n", cmd);
        exit(64);
    }
    return argv[i];
}

static int write_file(const char *path, const char *text, const char *mode) {
    FILE *f = fopen(path, mode);
    if (!f) {
        fprintf(stderr, "testmod: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    fprintf(f, "%s%s", text, mode[0] == 'a' ? "\n" : "");
    return fclose(f) == 0 ? 0 : 1;
}

/* The result of a file operation: 0, or 1 after saying why it failed. */
static int done(int rc, const char *op, const char *path) {
    if (rc) fprintf(stderr, "testmod: cannot %s %s: %s\n", op, path, strerror(errno));
    return rc ? 1 : 0;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "testmod: cannot open %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) buf = realloc(buf, cap *= 2);
    }
    buf[len] = 0;
    fclose(f);
    return buf;
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *cmd = argv[i];
        if (!strcmp(cmd, "print")) {
            printf("%s\n", need(argc, argv, ++i, cmd));
        } else if (!strcmp(cmd, "eprint")) {
            fprintf(stderr, "%s\n", need(argc, argv, ++i, cmd));
        } else if (!strcmp(cmd, "env")) {
            const char *name = need(argc, argv, ++i, cmd);
            const char *value = getenv(name);
            if (value) printf("%s=%s\n", name, value); else printf("%s unset\n", name);
        } else if (!strcmp(cmd, "printenv")) {
            for (char **e = environ; *e; e++) printf("%s\n", *e);
        } else if (!strcmp(cmd, "args")) {
            for (int a = 0; a < argc; a++) printf("argv[%d]=%s\n", a, argv[a]);
        } else if (!strcmp(cmd, "lines")) {
            long n = atol(need(argc, argv, ++i, cmd));
            for (long l = 1; l <= n; l++) printf("line %ld\n", l);
        } else if (!strcmp(cmd, "write") || !strcmp(cmd, "append")) {
            const char *path = need(argc, argv, ++i, cmd);
            const char *text = need(argc, argv, ++i, cmd);
            if (write_file(path, text, cmd[0] == 'w' ? "w" : "a")) return 1;
        } else if (!strcmp(cmd, "read")) {
            char *content = read_file(need(argc, argv, ++i, cmd));
            fputs(content, stdout);
            free(content);
        } else if (!strcmp(cmd, "assert-file")) {
            const char *path = need(argc, argv, ++i, cmd);
            const char *want = need(argc, argv, ++i, cmd);
            char *content = read_file(path);
            if (strcmp(content, want)) {
                fprintf(stderr, "testmod: %s holds \"%s\", expected \"%s\"\n", path, content, want);
                return 2;
            }
            free(content);
        } else if (!strcmp(cmd, "ls")) {
            const char *path = need(argc, argv, ++i, cmd);
            DIR *d = opendir(path);
            if (!d) {
                fprintf(stderr, "testmod: cannot list %s: %s\n", path, strerror(errno));
                return 1;
            }
            char *names[1024];
            int count = 0;
            struct dirent *e;
            while ((e = readdir(d)) && count < 1024) {
                if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[count++] = strdup(e->d_name);
            }
            closedir(d);
            qsort(names, count, sizeof(char *), cmp);
            for (int n = 0; n < count; n++) printf("%s\n", names[n]);
        } else if (!strcmp(cmd, "rm")) {
            const char *path = need(argc, argv, ++i, cmd);
            if (done(unlink(path), "remove", path)) return 1;
        } else if (!strcmp(cmd, "mv")) {
            const char *from = need(argc, argv, ++i, cmd);
            const char *to = need(argc, argv, ++i, cmd);
            if (done(rename(from, to), "rename", from)) return 1;
        } else if (!strcmp(cmd, "mkdir")) {
            const char *path = need(argc, argv, ++i, cmd);
            if (done(mkdir(path, 0755), "create directory", path)) return 1;
        } else if (!strcmp(cmd, "rmdir")) {
            const char *path = need(argc, argv, ++i, cmd);
            if (done(rmdir(path), "remove directory", path)) return 1;
        } else if (!strcmp(cmd, "symlink")) {
            const char *target = need(argc, argv, ++i, cmd);
            const char *link = need(argc, argv, ++i, cmd);
            if (done(symlink(target, link), "create symlink", link)) return 1;
        } else if (!strcmp(cmd, "touch")) {
            const char *path = need(argc, argv, ++i, cmd);
            if (done(utimensat(AT_FDCWD, path, NULL, 0), "touch", path)) return 1;
        } else if (!strcmp(cmd, "sleep")) {
            long ms = atol(need(argc, argv, ++i, cmd));
            struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        } else if (!strcmp(cmd, "loop")) {
            fflush(stdout);
            volatile unsigned long spins = 0;
            for (;;) spins++;
        } else if (!strcmp(cmd, "alloc") || !strcmp(cmd, "try-alloc")) {
            long mib = atol(need(argc, argv, ++i, cmd));
            /* volatile: the compiler must not drop an allocation that is only written */
            volatile char *block = malloc((size_t)mib << 20);
            if (!block && cmd[0] == 't') {
                printf("alloc refused\n");
                fflush(stdout);
                continue;
            }
            if (!block) {
                fprintf(stderr, "testmod: alloc failed\n");
                return 3;
            }
            long sum = 0;
            for (long b = 0; b < (mib << 20); b += 4096) block[b] = 1;
            for (long b = 0; b < (mib << 20); b += 4096) sum += block[b];
            printf("allocated %ld MiB (%ld pages touched)\n", mib, sum);
        } else if (!strcmp(cmd, "fib")) {
            unsigned n = (unsigned)atol(need(argc, argv, ++i, cmd));
            printf("fib(%u)=%llu\n", n, fib(n));
        } else if (!strcmp(cmd, "exit")) {
            fflush(stdout);
            exit(atoi(need(argc, argv, ++i, cmd)));
        } else if (!strcmp(cmd, "trap")) {
            fflush(stdout);
            __builtin_trap();
        } else {
            fprintf(stderr, "testmod: unknown command %s\n", cmd);
            return 64;
        }
        fflush(stdout);
    }
    return 0;
}
