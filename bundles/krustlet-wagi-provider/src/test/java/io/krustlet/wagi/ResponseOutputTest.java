package io.krustlet.wagi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.krustlet.wagi.cgi.CgiResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResponseOutputTest {

    private final List<CgiResponse> commits = new ArrayList<>();
    private final ByteArrayOutputStream streamed = new ByteArrayOutputStream();

    private ResponseOutput output(long max) {
        return new ResponseOutput(max, head -> {
            commits.add(head);
            return streamed;
        });
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted(); // a failing output interrupts its (module's) thread
    }

    private static void write(ResponseOutput out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aSmallResponseIsHeldBackWholeWhateverTheWriteBoundaries() throws Exception {
        var out = output(1000);
        write(out, "Content-Type: te");
        write(out, "xt/plain\r");
        write(out, "\n\r");
        write(out, "\nhello ");
        write(out, "world");
        assertThat(out.response().status()).isEqualTo(200);
        assertThat(StandardCharsets.UTF_8.decode(out.bufferedBody()).toString()).isEqualTo("hello world");
        assertThat(out.streaming()).isFalse();
        assertThat(commits).isEmpty();
        assertThat(out.bodyBytes()).isEqualTo(11);
    }

    @Test
    void pastTheThresholdTheResponseIsCommittedAndStreams() throws Exception {
        var out = output(1 << 20);
        write(out, "Content-Type: application/octet-stream\n\n");
        byte[] chunk = new byte[40_000];
        out.write(chunk);
        assertThat(commits).isEmpty();
        out.write(chunk);
        assertThat(commits).hasSize(1);
        out.write(chunk);
        assertThat(streamed.size()).isEqualTo(120_000);
        assertThat(out.streaming()).isTrue();
    }

    @Test
    void malformedHeadersFailEveryLaterWrite() throws Exception {
        var out = output(1000);
        write(out, "not a header\n\nbody");
        assertThat(out.failure()).contains("header line without a colon");
        assertThat(Thread.currentThread().isInterrupted()).isTrue(); // the module is stopped at once
        assertThatThrownBy(() -> write(out, "more")).isInstanceOf(IOException.class);
    }

    @Test
    void aHeaderBlockThatNeverEndsFailsPast64KiB() throws Exception {
        var out = output(1000);
        for (int i = 0; i < 2000 && out.failure() == null; i++) {
            write(out, "X-Filler-" + i + ": " + "y".repeat(40) + "\n");
        }
        assertThat(out.failure()).contains("larger than 64 KiB");
    }

    @Test
    void aBodyPastTheLimitFails() throws Exception {
        var out = output(10);
        write(out, "Content-Type: text/plain\n\n0123456789");
        assertThat(out.failure()).isNull();
        assertThatThrownBy(() -> write(out, "!")).isInstanceOf(IOException.class).hasMessageContaining("more than 10 bytes");
        assertThat(out.tooLarge()).isTrue();
    }

    @Test
    void noContentDropsTheBody() throws Exception {
        var out = output(1000);
        write(out, "Status: 204\n\nignored");
        assertThat(out.bufferedBody().remaining()).isZero();
        assertThat(out.bodyBytes()).isEqualTo(7);
    }

    @Test
    void outputWithoutItsEmptyLineHasNoResponse() throws Exception {
        var out = output(1000);
        write(out, "Content-Type: text/plain\nhello");
        assertThat(out.response()).isNull();
        assertThat(out.wroteAnything()).isTrue();
        assertThat(out.failure()).isNull();
    }
}
