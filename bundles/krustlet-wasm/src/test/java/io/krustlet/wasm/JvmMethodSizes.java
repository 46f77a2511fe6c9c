package io.krustlet.wasm;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.wasm.WasmModule;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

/**
 * How many bytes of JVM bytecode Chicory's compiler makes of each wasm function: the code length
 * of each {@code func_N} method in the class files it generates (read from the jar its
 * compiler hands a cache), by function index.
 */
final class JvmMethodSizes {

    private JvmMethodSizes() {
    }

    static Map<Integer, Integer> of(WasmModule module) {
        byte[][] jar = new byte[1][];
        MachineFactoryCompiler.builder(module).withInterpreterFallback(InterpreterFallback.SILENT).withCache(new Cache() {
            @Override
            public byte[] get(String key) {
                return null;
            }

            @Override
            public void putIfAbsent(String key, byte[] data) {
                jar[0] = data;
            }
        }).compile();
        Map<Integer, Integer> sizes = new HashMap<>();
        try (var in = new JarInputStream(new ByteArrayInputStream(jar[0]))) {
            JarEntry entry;
            while ((entry = in.getNextJarEntry()) != null) {
                if (entry.getName().endsWith(".class")) {
                    readMethods(in.readAllBytes(), sizes);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sizes;
    }

    /** The class file format (JVMS 4): constant pool, fields, then each method's Code attribute. */
    private static void readMethods(byte[] classFile, Map<Integer, Integer> sizes) throws IOException {
        var in = new DataInputStream(new ByteArrayInputStream(classFile));
        in.readInt();
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("constant pool tag " + tag);
            }
        }
        in.skipBytes(6);
        in.skipBytes(2 * in.readUnsignedShort()); // interfaces
        int fields = in.readUnsignedShort();
        for (int f = 0; f < fields; f++) {
            in.skipBytes(6);
            skipAttributes(in);
        }
        int methods = in.readUnsignedShort();
        for (int m = 0; m < methods; m++) {
            in.readUnsignedShort();
            String name = utf8[in.readUnsignedShort()];
            in.readUnsignedShort();
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                String attribute = utf8[in.readUnsignedShort()];
                int length = in.readInt();
                if (attribute.equals("Code") && name.startsWith("func_")) {
                    in.skipBytes(4);
                    sizes.put(Integer.parseInt(name.substring(5)), in.readInt());
                    in.skipBytes(length - 8);
                } else {
                    in.skipBytes(length);
                }
            }
        }
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            in.readUnsignedShort();
            in.skipBytes(in.readInt());
        }
    }
}
