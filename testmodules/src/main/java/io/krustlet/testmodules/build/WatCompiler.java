package io.krustlet.testmodules.build;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Build step: compiles every {@code .wat} file of a folder to {@code .wasm} with Chicory's wabt. */
public final class WatCompiler {

    private WatCompiler() {
    }

    public static void main(String[] args) throws IOException {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        try (Stream<Path> files = Files.list(in)) {
            for (Path wat : files.filter(f -> f.toString().endsWith(".wat")).sorted().toList()) {
                String name = wat.getFileName().toString().replaceFirst("\\.wat$", ".wasm");
                byte[] wasm = Wat2Wasm.parse(wat.toFile());
                if (wasm == null || wasm.length < 8) {
                    throw new IOException("wat2wasm produced no module for " + wat);
                }
                Files.write(out.resolve(name), wasm);
                System.out.println("wat2wasm: " + wat.getFileName() + " -> " + out.resolve(name) + " (" + wasm.length + " bytes)");
            }
        }
    }
}
