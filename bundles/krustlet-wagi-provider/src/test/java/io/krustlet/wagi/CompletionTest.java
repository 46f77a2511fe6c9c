package io.krustlet.wagi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompletionTest {

    @Test
    void anAccessLogLineHasTheClientRequestStatusBytesAndDuration() {
        assertThat(Completion.line("10.0.0.7", "GET", "/hello", "x=1", "HTTP/1.1", 200, 13, 812_345, ""))
                .isEqualTo("10.0.0.7 \"GET /hello?x=1 HTTP/1.1\" 200 13 0.8ms\n");
        assertThat(Completion.line("::1", "POST", "/", null, "HTTP/1.0", 504, 0, 30_000_000_000L,
                "timed out after 30s")).isEqualTo("::1 \"POST / HTTP/1.0\" 504 0 30000.0ms (timed out after 30s)\n");
    }
}
