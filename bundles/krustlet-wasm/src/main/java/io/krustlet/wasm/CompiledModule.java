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
 * @param module the parsed module
 * @param machineFactory the compiled code, or null to interpret
 * @param initialPages the linear memory the module starts with, in 64 KiB pages
 * @param maximumPages the most memory the module declares, in pages
 */
public record CompiledModule(String digest, WasmModule module, Function<Instance, Machine> machineFactory,
        int initialPages, int maximumPages) {

    /** The engine this module runs on. */
    public Engine engine() {
        return machineFactory == null ? Engine.INTERPRETER : Engine.COMPILER;
    }
}
