package io.krustlet.wasm;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.ModuleRef;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parsed and compiled modules by content digest, least recently used first out. Concurrent
 * first starts of one module wait for a single load instead of compiling it twice.
 */
public final class ModuleCache {

    private static final Logger LOG = LoggerFactory.getLogger(ModuleCache.class);

    private final Engine engine;
    private final int capacity;
    private final Map<String, CompletableFuture<CompiledModule>> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicInteger hits = new AtomicInteger();

    /**
     * @param engine how modules are run
     * @param capacity how many modules are kept (at least 1)
     */
    public ModuleCache(Engine engine, int capacity) {
        this.engine = engine;
        this.capacity = Math.max(1, capacity);
    }

    /** How many times a module was parsed and compiled (a cache miss). */
    public int loads() {
        return loads.get();
    }

    /** How many times a start found its module already loaded (or being loaded by another start). */
    public int hits() {
        return hits.get();
    }

    /** How modules loaded by this cache run. */
    public Engine engine() {
        return engine;
    }

    /**
     * The loaded module for {@code ref}, parsing and compiling it on first use; blocks while the
     * module loads (possibly on another thread's behalf).
     *
     * @throws ContainerStartException {@code InvalidModule} for bytes that are not a WASI command
     *     module, {@code CreateContainerError} when the file cannot be read
     */
    public CompiledModule get(ModuleRef ref) throws ContainerStartException {
        CompletableFuture<CompiledModule> future;
        boolean mine = false;
        synchronized (entries) {
            future = entries.get(ref.digest());
            if (future == null) {
                future = new CompletableFuture<>();
                entries.put(ref.digest(), future);
                mine = true;
                evict();
            } else {
                hits.incrementAndGet();
            }
        }
        if (mine) {
            try {
                future.complete(load(ref));
            } catch (ContainerStartException | RuntimeException | Error e) {
                // failures are not cached (the next start retries), and waiters must never hang
                synchronized (entries) {
                    entries.remove(ref.digest(), future);
                }
                future.completeExceptionally(e);
            }
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof ContainerStartException cse) {
                throw cse;
            }
            throw new ContainerStartException(ContainerStartException.CREATE_CONTAINER_ERROR,
                    "cannot load module " + ref.image() + ": " + e.getCause(), e.getCause());
        }
    }

    private void evict() {
        Iterator<CompletableFuture<CompiledModule>> it = entries.values().iterator();
        while (entries.size() > capacity && it.hasNext()) {
            if (it.next().isDone()) {
                it.remove();
            }
        }
    }

    private CompiledModule load(ModuleRef ref) throws ContainerStartException {
        loads.incrementAndGet();
        long started = System.nanoTime();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(ref.file());
        } catch (IOException e) {
            throw new ContainerStartException(ContainerStartException.CREATE_CONTAINER_ERROR,
                    "cannot read module " + ref.file() + " of image " + ref.image() + ": " + e.getMessage(), e);
        }
        StartSection start = StartSection.split(bytes);
        WasmModule module;
        try {
            module = Parser.parse(start.bytes());
        } catch (RuntimeException e) {
            // ChicoryException for malformed modules, but truncated bytes also surface as
            // buffer or index exceptions from the parser
            throw new ContainerStartException(ContainerStartException.INVALID_MODULE,
                    "image " + ref.image() + " is not a valid WebAssembly module: " + e.getMessage(), e);
        }
        requireStartExport(ref, module);
        requireValidStart(ref, module, start.function());
        MemoryLimits memory = declaredMemory(module);
        Compiled compiled = engine == Engine.COMPILER ? compile(ref, start.bytes(), module) : new Compiled(module, null);
        Function<Instance, Machine> factory = compiled.factory();
        LOG.info("Loaded module {} ({}, {} bytes, {}) in {} ms", ref.image(), ref.digest(), bytes.length,
                factory == null ? "interpreted" : "compiled", (System.nanoTime() - started) / 1_000_000);
        return new CompiledModule(ref.digest(), compiled.module(), factory,
                memory == null ? 0 : memory.initialPages(),
                memory == null ? 0 : memory.maximumPages(), start.function());
    }

    /** The start function must exist and take and return nothing (core spec 3.4.10), as the parser would check. */
    private static void requireValidStart(ModuleRef ref, WasmModule module, int function) throws ContainerStartException {
        if (function < 0) {
            return;
        }
        var imports = module.importSection();
        int importedFunctions = 0;
        int typeIndex = -1;
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i) instanceof com.dylibso.chicory.wasm.types.FunctionImport fi) {
                if (importedFunctions++ == function) {
                    typeIndex = fi.typeIndex();
                }
            }
        }
        int local = function - importedFunctions;
        if (typeIndex < 0 && local >= 0 && local < module.functionSection().functionCount()) {
            typeIndex = module.functionSection().getFunctionType(local);
        }
        var type = typeIndex < 0 ? null : module.typeSection().getType(typeIndex);
        if (type == null || !type.params().isEmpty() || !type.returns().isEmpty()) {
            throw new ContainerStartException(ContainerStartException.INVALID_MODULE, "image " + ref.image()
                    + " is not a valid WebAssembly module: its start function " + function
                    + " does not exist or takes or returns values");
        }
    }

    private static void requireStartExport(ModuleRef ref, WasmModule module) throws ContainerStartException {
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            var export = exports.getExport(i);
            if (export.name().equals("_start") && export.exportType() == ExternalType.FUNCTION) {
                return;
            }
        }
        throw new ContainerStartException(ContainerStartException.INVALID_MODULE, "image " + ref.image()
                + " is not a WASI command: it exports no _start function (a reactor or library module?)");
    }

    private static MemoryLimits declaredMemory(WasmModule module) {
        var section = module.memorySection();
        if (section.isPresent() && section.get().memoryCount() > 0) {
            return section.get().getMemory(0).limits();
        }
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i) instanceof MemoryImport memoryImport) {
                return memoryImport.limits();
            }
        }
        return null;
    }

    /** A module as it runs: possibly rewritten (split functions), with its compiled code or null to interpret. */
    private record Compiled(WasmModule module, Function<Instance, Machine> factory) {
    }

    /**
     * Compiles the module to JVM bytecode, after splitting the functions too large for the JIT
     * (see {@link FunctionSplitter}); interprets it when it cannot be compiled.
     */
    private static Compiled compile(ModuleRef ref, byte[] bytes, WasmModule parsed) {
        WasmModule module = split(ref, bytes, parsed);
        try {
            return new Compiled(module,
                    MachineFactoryCompiler.builder(module).withInterpreterFallback(InterpreterFallback.WARN).compile());
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Cannot compile module {}; interpreting it instead: {}", ref.image(), e.toString());
            return new Compiled(parsed, null);
        }
    }

    /** The module with its huge functions split, or as it was when none is (or splitting fails: a bug to report). */
    private static WasmModule split(ModuleRef ref, byte[] bytes, WasmModule module) {
        try {
            FunctionSplitter.Result result = FunctionSplitter.split(bytes, module);
            if (result == null) {
                return module;
            }
            WasmModule split = Parser.parse(result.bytes());
            LOG.info("Module {}: split {} functions too large for the JIT into {} more", ref.image(),
                    result.functionsSplit(), result.piecesAdded());
            return split;
        } catch (RuntimeException e) {
            LOG.warn("Cannot split the large functions of module {}; compiling them as they are: {}", ref.image(),
                    e.toString(), e);
            return module;
        }
    }
}
