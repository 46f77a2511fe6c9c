package io.krustlet.wasm;

import static org.assertj.core.api.Assertions.assertThat;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import io.krustlet.api.ContainerExit;
import io.krustlet.api.ModuleRef;
import io.krustlet.testmodules.TestModules;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FunctionSplitter} keeps every program's behaviour and leaves no function that HotSpot
 * would refuse to JIT-compile: differential runs of random programs (interpreted as they were, then
 * split and both interpreted and compiled), and the curve programs of the CPU benchmark, whose
 * field arithmetic makes functions of 16 to 21 KB of bytecode.
 */
class FunctionSplitterTest {

    /** HotSpot's HugeMethodLimit: larger methods are never JIT-compiled (DontCompileHugeMethods). */
    private static final int HUGE_METHOD_LIMIT = 8000;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
    void aSplitRandomProgramComputesWhatTheOriginalDoes(long seed) {
        byte[] bytes = RandomProgram.module(seed, 6000 + (int) (seed % 4) * 2000);
        WasmModule original = Parser.parse(bytes);
        assertThat(largest(JvmMethodSizes.of(original))).as("the random program makes a huge method")
                .isGreaterThan(HUGE_METHOD_LIMIT);
        long expected = run(original, false);

        FunctionSplitter.Result result = FunctionSplitter.split(bytes, original);
        assertThat(result).isNotNull();
        assertThat(result.functionsSplit()).isEqualTo(1);
        assertThat(result.piecesBranchingOut()).as("pieces that branch out to blocks and loops around them")
                .isPositive();
        WasmModule split = Parser.parse(result.bytes()); // the rewritten module validates
        assertThat(split.functionSection().functionCount())
                .isEqualTo(original.functionSection().functionCount() + result.piecesAdded());
        assertThat(run(split, false)).as("interpreted after splitting").isEqualTo(expected);
        assertThat(run(split, true)).as("compiled after splitting").isEqualTo(expected);
        assertThat(largest(JvmMethodSizes.of(split))).isLessThan(HUGE_METHOD_LIMIT);
    }

    @ParameterizedTest
    @ValueSource(longs = {101, 102, 103})
    void aSmallFunctionIsLeftAlone(long seed) {
        byte[] bytes = RandomProgram.module(seed, 400);
        assertThat(FunctionSplitter.split(bytes, Parser.parse(bytes))).isNull();
    }

    /**
     * The curve programs through the module cache and a WASI instance, as containers run them:
     * ed25519's point arithmetic (TweetNaCl's multiplication inlined: 16 and 21 KB methods, which
     * neither C1 nor C2 can compile) and libc's printf core (19 KB, a state machine of nested blocks
     * left by branches, which only pieces that branch out can split) are split until no method is
     * huge; x25519's ladder keeps its 16 KB (its hundred live values fit no piece's parameters; C1
     * and C2 compile it whole with -XX:-DontCompileHugeMethods). Both pass their self-checks (RFC
     * 7748 and RFC 8032 test vectors) and print the known result through the split printf.
     */
    @ParameterizedTest
    @CsvSource({
        "ed25519, true, ''",
        "x25519, false, x25519 1 684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"})
    void theCurveProgramsStillPassTheirTestVectors(String program, boolean noHugeMethodLeft, String expected)
            throws Exception {
        Path file = TestModules.cpu(program);
        WasmModule original = Parser.parse(Files.readAllBytes(file));
        assertThat(largest(JvmMethodSizes.of(original))).isGreaterThan(HUGE_METHOD_LIMIT);

        var cache = new ModuleCache(Engine.COMPILER, 2);
        CompiledModule module = cache.get(new ModuleRef("fs/" + program + ".wasm", file, "sha256:" + program));
        assertThat(module.module().functionSection().functionCount())
                .isGreaterThan(original.functionSection().functionCount()); // (printf is split in both)
        if (noHugeMethodLeft) {
            assertThat(largest(JvmMethodSizes.of(module.module()))).isLessThan(HUGE_METHOD_LIMIT);
        } else {
            assertThat(largest(JvmMethodSizes.of(module.module()))).isEqualTo(largest(JvmMethodSizes.of(original)));
        }

        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        ContainerExit exit = WasiInstance.prepare(module, new WasiInstance.Config(program, List.of(program, "1"),
                Map.of(), List.of(), 0, null, out, err), Clock.systemUTC()).run(() -> false);
        assertThat(exit.exitCode()).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String printed = out.toString(StandardCharsets.UTF_8).strip();
        if (expected.isEmpty()) {
            assertThat(printed).matches(program + " 1 [0-9a-f]{128}");
        } else {
            assertThat(printed).isEqualTo(expected);
        }
    }

    @org.junit.jupiter.api.Test
    void theInterpreterEngineRunsTheModuleAsItIs() throws Exception {
        Path file = TestModules.cpu("ed25519");
        WasmModule original = Parser.parse(Files.readAllBytes(file));
        CompiledModule module = new ModuleCache(Engine.INTERPRETER, 1)
                .get(new ModuleRef("fs/ed25519.wasm", file, "sha256:ed25519"));
        assertThat(module.machineFactory()).isNull();
        assertThat(module.module().functionSection().functionCount())
                .isEqualTo(original.functionSection().functionCount());
    }

    private static int largest(Map<Integer, Integer> sizes) {
        return sizes.isEmpty() ? 0 : Collections.max(sizes.values());
    }

    private static long run(WasmModule module, boolean compiled) {
        Instance.Builder builder = Instance.builder(module)
                .withMemoryFactory(limits -> LimitedMemory.create(limits, Integer.MAX_VALUE, 65536));
        if (compiled) {
            builder.withMachineFactory(MachineFactoryCompiler.compile(module));
        }
        return builder.build().export("run").apply()[0];
    }
}
