package io.krustlet.wasm;

import java.io.ByteArrayOutputStream;

/**
 * Takes the start section (id 8, WebAssembly core spec 5.5.10) out of a module's bytes. Chicory
 * runs the start function while instantiating and turns anything that ends it, even a
 * {@code proc_exit}, into a failure to instantiate; but for a WASI program the start function is
 * the beginning of the run, so the provider runs it itself, on the container's thread.
 *
 * @param bytes the module without the start section (the same array when it had none)
 * @param function the start function's index, or -1
 */
record StartSection(byte[] bytes, int function) {

    private static final int START_SECTION = 8;
    private static final int HEADER = 8; // magic and version

    /** Splits {@code module}; bytes that do not parse as sections are returned as they are, for the parser to reject. */
    static StartSection split(byte[] module) {
        int[] at = {HEADER};
        try {
            while (at[0] < module.length) {
                int sectionStart = at[0];
                int id = module[at[0]++] & 0xFF;
                long size = leb(module, at);
                int payload = at[0];
                int end = Math.toIntExact(payload + size);
                if (end > module.length) {
                    break;
                }
                if (id == START_SECTION) {
                    int[] p = {payload};
                    int function = (int) leb(module, p);
                    ByteArrayOutputStream out = new ByteArrayOutputStream(module.length);
                    out.write(module, 0, sectionStart);
                    out.write(module, end, module.length - end);
                    return new StartSection(out.toByteArray(), function);
                }
                at[0] = end;
            }
        } catch (ArithmeticException | ArrayIndexOutOfBoundsException e) {
            // malformed: leave it to the parser
        }
        return new StartSection(module, -1);
    }

    private static long leb(byte[] bytes, int[] at) {
        long result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = bytes[at[0]++] & 0xFF;
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new ArithmeticException("LEB128 too long");
    }
}
