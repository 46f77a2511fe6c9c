package io.krustlet.wagi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineOutputTest {

    /** Records each write the container's log gets. */
    private final List<String> writes = new ArrayList<>();
    private final OutputStream log = new OutputStream() {
        @Override
        public void write(int b) {
            writes.add(String.valueOf((char) b));
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes.add(new String(b, off, len, StandardCharsets.UTF_8));
        }
    };

    @Test
    void onlyWholeLinesReachTheLogEachInOneWrite() throws Exception {
        var out = new LineOutput(log);
        out.write("first ".getBytes(StandardCharsets.UTF_8));
        out.write("line\nsecond line\nthi".getBytes(StandardCharsets.UTF_8));
        out.write("rd".getBytes(StandardCharsets.UTF_8));
        out.close();
        assertThat(writes).containsExactly("first line\nsecond line\n", "third\n");
    }

    @Test
    void aVeryLongLineIsPassedOnInPieces() throws Exception {
        var out = new LineOutput(log);
        out.write("x".repeat(LineOutput.MAX_PENDING + 10).getBytes(StandardCharsets.UTF_8));
        assertThat(writes).hasSize(1);
        assertThat(writes.get(0)).endsWith("x\n");
        out.close();
        assertThat(new ByteArrayOutputStream().size()).isZero();
    }
}
