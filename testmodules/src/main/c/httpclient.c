/*
 * httpclient: outbound HTTP through Krustlet's wasi_experimental_http host module, written
 * against its witx (deislabs/wasi-experimental-http, witx/wasi_experimental_http.witx):
 *   httpclient METHOD URL [BODY [HEADER-LINES]]
 * prints "status N", then the response's content-type header, every header, and the body;
 * or "error N" (the http_error code) and exits 2. Extra: "hold N URL" opens N requests without
 * closing them, printing each one's result (for max-concurrent-requests).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(name) __attribute__((import_module("wasi_experimental_http"), import_name(name)))
IMPORT("req") uint32_t req(const char *url, size_t url_len, const char *method, size_t method_len,
                           const char *headers, size_t headers_len, const uint8_t *body, size_t body_len,
                           uint16_t *status, uint32_t *handle);
IMPORT("close") uint32_t close_response(uint32_t handle);
IMPORT("header_get") uint32_t header_get(uint32_t handle, const char *name, size_t name_len, char *value,
                                         size_t value_len, size_t *written);
IMPORT("headers_get_all") uint32_t headers_get_all(uint32_t handle, char *buf, size_t buf_len, size_t *written);
IMPORT("body_read") uint32_t body_read(uint32_t handle, uint8_t *buf, size_t buf_len, size_t *read);

static uint32_t request(const char *method, const char *url, const char *body, const char *headers,
                        uint16_t *status, uint32_t *handle) {
    return req(url, strlen(url), method, strlen(method), headers, strlen(headers), (const uint8_t *)body,
               strlen(body), status, handle);
}

int main(int argc, char **argv) {
    if (argc >= 4 && !strcmp(argv[1], "hold")) {
        int n = atoi(argv[2]);
        for (int i = 0; i < n; i++) {
            uint16_t status = 0;
            uint32_t handle = 0;
            uint32_t err = request("GET", argv[3], "", "", &status, &handle);
            if (err) printf("request %d: error %u\n", i, err); else printf("request %d: status %u\n", i, status);
        }
        return 0;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: httpclient METHOD URL [BODY [HEADERS]]\n");
        return 64;
    }
    uint16_t status = 0;
    uint32_t handle = 0;
    uint32_t err = request(argv[1], argv[2], argc > 3 ? argv[3] : "", argc > 4 ? argv[4] : "", &status, &handle);
    if (err) {
        printf("error %u\n", err);
        return 2;
    }
    printf("status %u\n", status);
    char value[256];
    size_t written = 0;
    err = header_get(handle, "Content-Type", 12, value, sizeof value - 1, &written);
    if (err) printf("content-type error %u\n", err); else printf("content-type %.*s\n", (int)written, value);
    err = header_get(handle, "x-missing", 9, value, sizeof value - 1, &written);
    printf("x-missing error %u\n", err);
    err = header_get(handle, "content-type", 12, value, 2, &written);
    printf("small buffer error %u\n", err);
    static char all[8192];
    err = headers_get_all(handle, all, sizeof all, &written);
    if (!err) printf("headers:\n%.*s", (int)written, all);
    uint8_t chunk[7]; /* small, so the body takes several reads */
    size_t got;
    printf("body:");
    while ((err = body_read(handle, chunk, sizeof chunk, &got)) == 0 && got > 0) printf("%.*s", (int)got, chunk);
    printf("\n");
    printf("close %u\n", close_response(handle));
    printf("after close %u\n", body_read(handle, chunk, sizeof chunk, &got));
    return 0;
}
