package io.krustlet.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StartSectionTest {

    private static final byte[] HEADER = {0, 'a', 's', 'm', 1, 0, 0, 0};

    @Test
    void theStartSectionIsTakenOutAndItsFunctionKept() {
        byte[] module = concat(HEADER, new byte[] {1, 4, 1, 0x60, 0, 0}, // type section: () -> ()
                new byte[] {8, 2, (byte) 0x81, 0x01}, // start section: function 129 (two-byte LEB128)
                new byte[] {0, 3, 1, 'x', 9}); // a custom section after it
        StartSection split = StartSection.split(module);
        assertThat(split.function()).isEqualTo(129);
        assertThat(split.bytes()).isEqualTo(concat(HEADER, new byte[] {1, 4, 1, 0x60, 0, 0}, new byte[] {0, 3, 1, 'x', 9}));
    }

    @Test
    void aModuleWithoutStartSectionOrThatDoesNotParseIsLeftAsItIs() {
        byte[] plain = concat(HEADER, new byte[] {1, 4, 1, 0x60, 0, 0});
        assertThat(StartSection.split(plain)).extracting(StartSection::function).isEqualTo(-1);
        assertThat(StartSection.split(plain).bytes()).isSameAs(plain);
        byte[] truncated = concat(HEADER, new byte[] {8, 9, 1});
        assertThat(StartSection.split(truncated).bytes()).isSameAs(truncated);
    }

    private static byte[] concat(byte[]... parts) {
        var out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
