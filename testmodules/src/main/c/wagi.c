/*
 * wagi: a WAGI (CGI 1.1) test handler for the wagi runtime. The query string arrives as argv
 * (argv[0] is the request path, then one entry per '&'-separated query item, undecoded) and
 * drives it; without commands it answers 200 text/plain and echoes the request:
 *
 *   arg=<argv[i]>           one line per argv entry, argv[0] included
 *   env:<NAME>=<value>      every environment variable, sorted
 *   calls=<n>               how many requests this instance served (always 1: one instance per request)
 *   body-bytes=<n>          the bytes read from stdin
 *   body=<bytes>            the body as received (last line)
 *
 * Commands (query items, applied in order before the answer):
 *   sleep=MS             sleep (poll_oneoff) before answering
 *   spin                 loop forever without host calls
 *   trap                 hit `unreachable` before any output
 *   exit=N               exit with code N before any output
 *   status=CODE          print "Status: CODE" (with the echo)
 *   redirect=URL         answer only "Location: URL" and a blank line
 *   header=NAME:VALUE    add a response header
 *   malformed            print a header line without a colon
 *   no-headers           print a body without any header block
 *   big=BYTES            answer BYTES bytes of 'x' (in 64 KiB writes) instead of the echo
 *   after-headers=trap   print the headers and part of the body, then trap
 *   alloc=MIB            allocate and touch MIB MiB first; exit 1 (after a stderr line) when refused
 *   stderr=TEXT          write TEXT and a newline to stderr
 *   read=PATH            print "file=<content>" of a file (a preopened volume)
 *   write=PATH           write "written by wagi\n" to a file
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern char **environ;

static int calls;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static const char *value(const char *arg, const char *key) {
    size_t n = strlen(key);
    return strncmp(arg, key, n) == 0 && arg[n] == '=' ? arg + n + 1 : NULL;
}

static char *read_body(size_t *len) {
    size_t cap = 4096;
    char *buf = malloc(cap);
    *len = 0;
    for (;;) {
        if (cap - *len < 4096) buf = realloc(buf, cap *= 2);
        size_t got = fread(buf + *len, 1, cap - *len, stdin);
        if (got == 0) break;
        *len += got;
    }
    return buf;
}

static void big(long bytes) {
    static char chunk[65536];
    memset(chunk, 'x', sizeof chunk);
    printf("Content-Type: application/octet-stream\n\n");
    while (bytes > 0) {
        size_t n = bytes < (long)sizeof chunk ? (size_t)bytes : sizeof chunk;
        fwrite(chunk, 1, n, stdout);
        bytes -= (long)n;
    }
}

int main(int argc, char **argv) {
    calls++;
    const char *status = NULL, *v;
    const char *headers[16];
    int nheaders = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((v = value(a, "sleep"))) {
            long ms = atol(v);
            struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        } else if (!strcmp(a, "spin")) {
            for (volatile unsigned long n = 0;; n++) {
            }
        } else if (!strcmp(a, "trap")) {
            __builtin_trap();
        } else if ((v = value(a, "exit"))) {
            exit(atoi(v));
        } else if ((v = value(a, "status"))) {
            status = v;
        } else if ((v = value(a, "redirect"))) {
            printf("Location: %s\n\n", v);
            return 0;
        } else if ((v = value(a, "header"))) {
            if (nheaders < 16) headers[nheaders++] = v;
        } else if (!strcmp(a, "malformed")) {
            printf("Content-Type: text/plain\nthis line has no colon\n\nbody\n");
            return 0;
        } else if (!strcmp(a, "no-headers")) {
            printf("just a body, no header block\n");
            return 0;
        } else if ((v = value(a, "big"))) {
            big(atol(v));
            return 0;
        } else if ((v = value(a, "after-headers"))) {
            printf("Content-Type: text/plain\n\npartial body\n");
            fflush(stdout);
            __builtin_trap();
        } else if ((v = value(a, "alloc"))) {
            long mib = atol(v);
            volatile char *block = malloc((size_t)mib << 20);
            if (!block) {
                fprintf(stderr, "wagi: cannot allocate %ld MiB\n", mib);
                return 1;
            }
            for (long off = 0; off < (mib << 20); off += 4096) block[off] = 1;
        } else if ((v = value(a, "stderr"))) {
            fprintf(stderr, "%s\n", v);
        }
    }
    size_t body_len;
    char *body = read_body(&body_len);
    printf("Content-Type: text/plain; charset=utf-8\n");
    if (status) printf("Status: %s\n", status);
    for (int i = 0; i < nheaders; i++) printf("%s\n", headers[i]);
    printf("\n");
    for (int i = 0; i < argc; i++) printf("arg=%s\n", argv[i]);
    int n = 0;
    while (environ[n]) n++;
    qsort(environ, n, sizeof *environ, cmp);
    for (int i = 0; i < n; i++) printf("env:%s\n", environ[i]);
    for (int i = 1; i < argc; i++) {
        if ((v = value(argv[i], "read"))) {
            FILE *f = fopen(v, "r");
            if (!f) {
                printf("file-error=%s\n", strerror(errno));
                continue;
            }
            char line[256];
            size_t got = fread(line, 1, sizeof line - 1, f);
            line[got] = 0;
            fclose(f);
            printf("file=%s\n", line);
        } else if ((v = value(argv[i], "write"))) {
            FILE *f = fopen(v, "w");
            printf("write=%s\n", f && fputs("written by wagi\n", f) >= 0 && fclose(f) == 0 ? "ok" : strerror(errno));
        }
    }
    printf("calls=%d\n", calls);
    printf("body-bytes=%zu\n", body_len);
    printf("body=");
    fwrite(body, 1, body_len, stdout);
    return 0;
}
