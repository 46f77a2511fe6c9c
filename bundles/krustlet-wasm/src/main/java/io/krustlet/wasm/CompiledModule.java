package io.krustlet.wasm;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.function.Function;

/**
 * A parsed, checked and (with the compiler engine) compiled module, shared by every container
 * that runs the same bytes.
 *
 * @param digest the content digest it was loaded for
 * @param module the parsed module, without its start section (see {@code startFunction})
 * @param machineFactory the compiled code, or null to interpret
 * @param initialPages the linear memory the module starts with, in 64 KiB pages
 * @param maximumPages the most memory the module declares, in pages
 * @param startFunction the function index of the module's start section, or -1 for none: it is
 *     run as the first part of the program by {@link WasiInstance#run}, not while instantiating
 */
public record CompiledModule(String digest, WasmModule module, Function<Instance, Machine> machineFactory,
        int initialPages, int maximumPages, int startFunction) {

    /** A module without a start section. */
    public CompiledModule(String digest, WasmModule module, Function<Instance, Machine> machineFactory,
            int initialPages, int maximumPages) {
        this(digest, module, machineFactory, initialPages, maximumPages, -1);
    }

    /** The engine this module runs on. */
    public Engine engine() {
        return machineFactory == null ? Engine.INTERPRETER : Engine.COMPILER;
    }
}
