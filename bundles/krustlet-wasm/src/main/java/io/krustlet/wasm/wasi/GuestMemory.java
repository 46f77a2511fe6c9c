package io.krustlet.wasm.wasi;

import com.dylibso.chicory.runtime.Memory;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The module's linear memory as WASI calls see it: every access is bounds-checked first, so a
 * bad pointer from the module is {@link Errno#FAULT} (as wasmtime reports it), not a trap in
 * the middle of a host call that already did half its work.
 */
final class GuestMemory {

    private final Memory memory;

    GuestMemory(Memory memory) {
        this.memory = memory;
    }

    private int check(long address, long length) throws WasiError {
        long addr = address & 0xFFFFFFFFL;
        if (memory == null || length < 0 || addr + length > (long) memory.pages() * Memory.PAGE_SIZE) {
            throw WasiError.of(Errno.FAULT);
        }
        return (int) addr;
    }

    byte[] read(long address, long length) throws WasiError {
        int at = check(address, length);
        return memory.readBytes(at, (int) length);
    }

    void write(long address, byte[] bytes) throws WasiError {
        write(address, bytes, 0, bytes.length);
    }

    void write(long address, byte[] bytes, int offset, int length) throws WasiError {
        int at = check(address, length);
        memory.write(at, bytes, offset, length);
    }

    int i32(long address) throws WasiError {
        return memory.readInt(check(address, 4));
    }

    long u32(long address) throws WasiError {
        return i32(address) & 0xFFFFFFFFL;
    }

    long i64(long address) throws WasiError {
        return memory.readLong(check(address, 8));
    }

    int u8(long address) throws WasiError {
        return memory.read(check(address, 1)) & 0xFF;
    }

    int u16(long address) throws WasiError {
        return memory.readShort(check(address, 2)) & 0xFFFF;
    }

    void i32(long address, int value) throws WasiError {
        memory.writeI32(check(address, 4), value);
    }

    void i64(long address, long value) throws WasiError {
        memory.writeLong(check(address, 8), value);
    }

    void u16(long address, int value) throws WasiError {
        memory.writeShort(check(address, 2), (short) value);
    }

    void u8(long address, int value) throws WasiError {
        memory.writeByte(check(address, 1), (byte) value);
    }

    void zero(long address, int length) throws WasiError {
        int at = check(address, length);
        memory.fill((byte) 0, at, at + length);
    }

    /** A path or string argument: UTF-8, else {@link Errno#ILSEQ}; a NUL inside is {@link Errno#INVAL}. */
    String string(long address, long length) throws WasiError {
        byte[] bytes = read(address, length);
        for (byte b : bytes) {
            if (b == 0) {
                throw WasiError.of(Errno.INVAL);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw WasiError.of(Errno.ILSEQ);
        }
    }

    /** The bytes an array of {@code ciovec} ({@code buf: u32, buf_len: u32}) points to, in order. */
    byte[] gather(long iovs, long count) throws WasiError {
        long total = 0;
        for (long i = 0; i < count; i++) {
            total += u32(iovs + i * 8 + 4);
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw WasiError.of(Errno.INVAL);
        }
        byte[] all = new byte[(int) total];
        int at = 0;
        for (long i = 0; i < count; i++) {
            long buf = u32(iovs + i * 8);
            int len = (int) u32(iovs + i * 8 + 4);
            int from = check(buf, len);
            System.arraycopy(memory.readBytes(from, len), 0, all, at, len);
            at += len;
        }
        return all;
    }

    /** The total length of an {@code iovec} array, checking each buffer lies in memory. */
    long capacity(long iovs, long count) throws WasiError {
        long total = 0;
        for (long i = 0; i < count; i++) {
            long buf = u32(iovs + i * 8);
            long len = u32(iovs + i * 8 + 4);
            check(buf, len);
            total += len;
        }
        return total;
    }

    /** Spreads {@code length} bytes over an {@code iovec} array. */
    void scatter(long iovs, long count, byte[] data, int length) throws WasiError {
        int done = 0;
        for (long i = 0; i < count && done < length; i++) {
            long buf = u32(iovs + i * 8);
            int len = (int) Math.min(u32(iovs + i * 8 + 4), length - done);
            write(buf, data, done, len);
            done += len;
        }
    }
}
