package io.krustlet.bench;

import java.io.ByteArrayOutputStream;
import java.util.Random;

/**
 * A valid wasm32-wasi command of a chosen size: {@code _start} returns at once, and a data
 * segment of random bytes (which neither compress nor deduplicate) makes up the size. It stands
 * for a real module of that size in the pull benchmarks: parsing, compiling and instantiating
 * it does the work its size implies.
 */
final class SizedModule {

    private SizedModule() {
    }

    static byte[] of(int dataBytes, long seed) {
        byte[] data = new byte[dataBytes];
        new Random(seed).nextBytes(data);
        int pages = dataBytes / 65536 + 1;
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        section(out, 1, bytes(1, 0x60, 0, 0));                       // type: () -> ()
        section(out, 3, bytes(1, 0));                                 // function 0 has type 0
        section(out, 5, concat(bytes(1, 0), leb(pages)));             // memory: min pages
        section(out, 7, concat(bytes(2), name("_start"), bytes(0, 0), name("memory"), bytes(2, 0)));
        section(out, 10, bytes(1, 2, 0, 0x0b));                       // code: empty body
        var segment = new ByteArrayOutputStream();
        segment.writeBytes(bytes(1, 0, 0x41, 0, 0x0b));               // 1 active segment at i32.const 0
        segment.writeBytes(leb(data.length));
        segment.writeBytes(data);
        section(out, 11, segment.toByteArray());
        return out.toByteArray();
    }

    private static void section(ByteArrayOutputStream out, int id, byte[] content) {
        out.write(id);
        out.writeBytes(leb(content.length));
        out.writeBytes(content);
    }

    private static byte[] name(String s) {
        return concat(leb(s.length()), s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static byte[] leb(int value) {
        var out = new ByteArrayOutputStream();
        int v = value;
        do {
            int b = v & 0x7f;
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        var out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
