package io.krustlet.wasm;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.GlobalImport;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits the wasm functions that Chicory's compiler would turn into JVM methods too large for
 * HotSpot's JIT compilers, by outlining runs of their instructions into new functions.
 *
 * <p>Why: Chicory compiles each wasm function to one JVM method. HotSpot never JIT-compiles a
 * method of more than 8000 bytes of bytecode (HugeMethodLimit, unless
 * {@code -XX:-DontCompileHugeMethods}), so such a function runs in the bytecode interpreter, 10 to
 * 50 times slower; and even when allowed, both compilers give up on many of them: C1 with "out of
 * virtual registers in LIR generator", C2 with "out of nodes" (MaxNodeLimit). Optimised crypto
 * code makes such functions: TweetNaCl's 16x16 multiplication inlined into a point addition is
 * 21 KB of bytecode. See docs/benchmarks.md, "CPU-bound programs against V8".
 *
 * <p>How: the body of a function estimated above {@link #HUGE_BYTES} (about 7,500 bytes of
 * bytecode) is walked as the validator walks it, with the operand stack's types, and its locals'
 * liveness is computed. Runs of instructions of at most {@link #PIECE_BYTES} that lie within one
 * block, start and end in reachable code and do not return become new functions: the operand-stack
 * values a run pops from below its start and the live locals it reads are its parameters; the
 * values it leaves on the stack and the locals it writes that are live after it (or where it
 * branches to) are its results (several results are a multi-value return). Each run ends at the
 * last point where it has at most {@link #MAX_VALUES} parameters and results. The caller passes the
 * locals, calls, and stores the results back, so the program's behaviour is unchanged; only its
 * call depth grows by one. A run may branch (br, br_if) to blocks and loops around it that take no
 * values, as the nested blocks of a C {@code switch} or a state machine do (libc's printf core is
 * 19 KB of them): such a branch leaves the new function through a block around its code with the
 * exit's number as an extra result, and the caller branches on that number to where the original
 * branch went. Function indices stay as they are: the new functions (and their types) are appended,
 * and the rest of the module keeps its bytes, untouched instructions their encoding.
 *
 * <p>A function is split only when that leaves it small enough for the JIT (or when it is so large
 * that nothing else would, above {@link #ENORMOUS_BYTES}). A huge function whose hundred live
 * values no run can take as parameters (a Curve25519 ladder with its field operations inlined)
 * stays whole: such straight-line code is what C1 and C2 do compile well once
 * {@code -XX:-DontCompileHugeMethods} lets them, as the distribution's bin/setenv does.
 *
 * <p>What is left alone: modules with GC types, and functions using instructions outside the
 * numeric, memory, table, variable and control instructions of WebAssembly 2.0 (SIMD, exceptions,
 * tail calls, GC, threads) or locals of other than number types.
 *
 * <p>Stateless and thread-safe.
 */
final class FunctionSplitter {

    /** Estimated JVM bytecode size above which a function is split; HotSpot's HugeMethodLimit is 8000. */
    static final int HUGE_BYTES = 7000;
    /** Estimated bytecode size each outlined piece aims at: well within what C1 and C2 compile quickly. */
    static final int PIECE_BYTES = 4500;
    /** Estimated bytecode above which a function is split as far as it can be, even when that is not far enough. */
    static final int ENORMOUS_BYTES = 4 * HUGE_BYTES;
    /** Pieces smaller than this are not worth a call. */
    static final int MIN_PIECE_BYTES = 300;
    /**
     * The most parameters and results a piece may have together. C2 refuses to compile a method
     * whose incoming and outgoing stack arguments do not fit its register masks ("unsupported
     * (incoming) calling sequence"): on x86-64 about 56 arguments in and out together (measured:
     * 20 in and 36 out compiles, 30 in and 32 out does not), and a method calling one is refused
     * too. Chicory adds two arguments (the memory and the instance) to each call and returns
     * several results through a static method taking them all as arguments.
     */
    private static final int MAX_VALUES = 44;

    /**
     * What {@link #split} did: the new module bytes, how many functions it split, into how many
     * pieces, and how many of those pieces branch out of themselves (their caller branches on).
     */
    record Result(byte[] bytes, int functionsSplit, int piecesAdded, int piecesBranchingOut) {
    }

    private FunctionSplitter() {
    }

    /**
     * Splits the huge functions of a module.
     *
     * @param wasm the module's bytes
     * @param module the same module, parsed (and validated) by Chicory
     * @return the rewritten module, or null when no function needs splitting or can be split
     */
    static Result split(byte[] wasm, WasmModule module) {
        Sections sections = Sections.of(wasm);
        if (sections == null) {
            return null;
        }
        int imports = module.importSection().count(ExternalType.FUNCTION);
        List<FunctionType> types = functionTypes(module, imports);
        List<FunctionType> newTypes = new ArrayList<>();
        List<byte[]> newBodies = new ArrayList<>();
        byte[][] bodies = sections.bodies.clone();
        int functionsSplit = 0;
        int branchingOut = 0;
        int defined = module.functionSection().functionCount();
        int typeCount = sections.typeCount;
        int[] globals = globalTypes(module);
        for (int i = 0; i < defined; i++) {
            var body = module.codeSection().getFunctionBody(i);
            FunctionType type = types.get(imports + i);
            Analysis analysis = Analysis.of(wasm, body.instructions(), type, body.localTypes(), module, types, globals);
            if (analysis == null || analysis.totalWeight() <= HUGE_BYTES) {
                continue;
            }
            List<Piece> pieces = analysis.plan();
            if (pieces.isEmpty() || !analysis.worthIt(pieces)) {
                continue;
            }
            int firstIndex = imports + defined + newBodies.size();
            bodies[i] = analysis.rewrite(sections.bodyLocals[i], pieces, firstIndex);
            for (Piece piece : pieces) {
                newBodies.add(analysis.outline(piece));
                newTypes.add(piece.type());
                branchingOut += piece.exits().length > 0 ? 1 : 0;
            }
            functionsSplit++;
        }
        if (newBodies.isEmpty()) {
            return null;
        }
        Map<FunctionType, Integer> typeIndex = new LinkedHashMap<>();
        int[] pieceTypes = new int[newTypes.size()];
        for (int p = 0; p < newTypes.size(); p++) {
            FunctionType t = newTypes.get(p);
            Integer index = typeIndex.get(t);
            if (index == null) {
                index = typeCount + typeIndex.size();
                typeIndex.put(t, index);
            }
            pieceTypes[p] = index;
        }
        return new Result(sections.rebuild(wasm, typeIndex.keySet(), pieceTypes, bodies, newBodies), functionsSplit,
                newBodies.size(), branchingOut);
    }

    /** The estimated bytecode size of each function the module defines, -1 for those this class leaves alone. */
    static int[] estimates(byte[] wasm, WasmModule module) {
        int imports = module.importSection().count(ExternalType.FUNCTION);
        List<FunctionType> types = functionTypes(module, imports);
        int[] globals = globalTypes(module);
        int[] sizes = new int[module.functionSection().functionCount()];
        for (int i = 0; i < sizes.length; i++) {
            var body = module.codeSection().getFunctionBody(i);
            Analysis a = Analysis.of(wasm, body.instructions(), types.get(imports + i), body.localTypes(), module, types,
                    globals);
            sizes[i] = a == null ? -1 : a.totalWeight();
        }
        return sizes;
    }

    private static int[] globalTypes(WasmModule module) {
        List<ValType> types = new ArrayList<>();
        var importSection = module.importSection();
        for (int i = 0; i < importSection.importCount(); i++) {
            if (importSection.getImport(i) instanceof GlobalImport g) {
                types.add(g.type());
            }
        }
        for (var global : module.globalSection().globals()) {
            types.add(global.valueType());
        }
        return Analysis.codes(types);
    }

    private static List<FunctionType> functionTypes(WasmModule module, int imports) {
        List<FunctionType> types = new ArrayList<>();
        var importSection = module.importSection();
        for (int i = 0; i < importSection.importCount(); i++) {
            if (importSection.getImport(i) instanceof FunctionImport f) {
                types.add(module.typeSection().getType(f.typeIndex()));
            }
        }
        for (int i = 0; i < module.functionSection().functionCount(); i++) {
            types.add(module.functionSection().getFunctionType(i, module.typeSection()));
        }
        return types;
    }

    /**
     * A run of instructions [start, end) of one function to outline: the operand-stack values it
     * pops from below its start ({@code stackParams} of them), then the locals it reads, come in as
     * parameters; the values it leaves on the operand stack, then the locals it writes that are used
     * elsewhere, go out as results. {@code exits} are the control levels (frames of the function,
     * 1 the outermost block) of the blocks and loops outside it that it branches to; when there are
     * any, its last result is which of them it left through (1 for the first), 0 when it ran to its
     * end.
     */
    record Piece(int start, int end, int stackParams, int[] params, int[] results, int[] exits, FunctionType type) {
    }

    private static final int I32 = 0x7F;
    private static final int I64 = 0x7E;
    private static final int F32 = 0x7D;
    private static final int F64 = 0x7C;
    /** A reference or another non-number value on the operand stack. */
    private static final int OTHER = 0;
    private static final int NONE = -1;
    private static final int UNKNOWN = Integer.MIN_VALUE;
    private static final int[] EMPTY = new int[0];
    /** The most operand-stack values a piece may leave for its caller. */
    private static final int MAX_STACK_RESULTS = 8;
    /** The most operand-stack values a piece may take from below its start. */
    private static final int MAX_STACK_PARAMS = 8;

    /**
     * One function's instructions with, before each: the operand stack (its height and value types,
     * height -1 in unreachable code), the control depth, the values it pops, the lowest control
     * depth it branches to, and the bytecode Chicory's compiler makes of it (estimated).
     */
    private static final class Analysis {
        private final byte[] wasm;
        private final List<? extends Instruction> code;
        private final int[] localTypes;
        private final int n;
        private final int[] height;
        private final int[][] stackTypes;
        private final int[] depth;
        private final int[] pops;
        private final int[] end;
        private final int[] elseAt;
        private final int[] weight;
        private final int[] branchFloor;
        /** For each block, loop and if: how many values a branch to it carries (a loop's params, else its results). */
        private final int[] arity;
        private final BitSet returns = new BitSet();
        /** For each branch: the opening instruction of each frame it targets (-1: the function's). */
        private final int[][] targets;
        /** Planning steps taken: bounded, so a function no piece fits costs linear time, not quadratic. */
        private long steps;
        /** The locals live before each instruction. */
        private BitSet[] live;

        private Analysis(byte[] wasm, List<? extends Instruction> code, int[] localTypes) {
            this.wasm = wasm;
            this.code = code;
            this.localTypes = localTypes;
            this.n = code.size();
            this.height = new int[n + 1];
            this.stackTypes = new int[n + 1][];
            this.depth = new int[n + 1];
            this.pops = new int[n];
            this.end = new int[n];
            this.elseAt = new int[n];
            this.weight = new int[n];
            this.branchFloor = new int[n];
            this.arity = new int[n];
            this.targets = new int[n][];
        }

        static Analysis of(byte[] wasm, List<? extends Instruction> code, FunctionType type, List<ValType> locals,
                WasmModule module, List<FunctionType> functions, int[] globals) {
            List<ValType> all = new ArrayList<>(type.params());
            all.addAll(locals);
            int[] localTypes = new int[all.size()];
            for (int l = 0; l < localTypes.length; l++) {
                localTypes[l] = code(all.get(l));
                if (localTypes[l] == OTHER) {
                    return null;
                }
            }
            Analysis a = new Analysis(wasm, code, localTypes);
            if (!a.walk(module, functions, globals)) {
                return null;
            }
            a.liveness();
            return a;
        }

        int totalWeight() {
            return weight(0, n);
        }

        // ---- the walk: operand stack and control frames, as validation computes them ----

        private boolean walk(WasmModule module, List<FunctionType> functions, int[] globals) {
            int[] stack = new int[16];
            int h = 0;
            int d = 0;
            int[] frameOpen = new int[n + 1];
            int[] frameBase = new int[n + 1];
            boolean[] frameReachable = new boolean[n + 1];
            int[][] frameSig = new int[n + 1][];
            frameOpen[0] = -1;
            boolean reachable = true;
            for (int i = 0; i < n; i++) {
                Instruction ins = code.get(i);
                OpCode op = ins.opcode();
                height[i] = reachable ? h : -1;
                stackTypes[i] = reachable && h > 0 ? java.util.Arrays.copyOf(stack, h) : EMPTY;
                depth[i] = d;
                branchFloor[i] = Integer.MAX_VALUE;
                weight[i] = weight(ins);
                int[] pushed = EMPTY;
                int popped = 0;
                boolean structure = op == OpCode.BLOCK || op == OpCode.LOOP || op == OpCode.IF || op == OpCode.ELSE
                        || op == OpCode.END;
                if (!reachable && !structure) {
                    pops[i] = 0;
                    continue; // unreachable code: its stack is polymorphic, and no piece starts or ends in it
                }
                switch (op) {
                    case BLOCK, LOOP, IF -> {
                        int[][] sig = blockType(ins, module);
                        if (sig == null) {
                            return false;
                        }
                        arity[i] = op == OpCode.LOOP ? sig[0].length : sig[1].length;
                        int condition = op == OpCode.IF && reachable ? 1 : 0;
                        if (!reachable) {
                            sig = new int[][] {EMPTY, sig[1]};
                        }
                        d++;
                        frameOpen[d] = i;
                        frameBase[d] = h - condition - sig[0].length;
                        frameReachable[d] = reachable;
                        frameSig[d] = combine(sig);
                        elseAt[i] = -1;
                        popped = condition + sig[0].length;
                        pushed = reachable ? sig[0] : EMPTY; // the block's params stay on the stack, now the block's
                    }
                    case ELSE -> {
                        elseAt[frameOpen[d]] = i;
                        end[i] = frameOpen[d]; // for an else: the if it belongs to
                        int[][] sig = split(frameSig[d]);
                        h = frameBase[d];
                        pushed = sig[0];
                        reachable = frameReachable[d];
                    }
                    case END -> {
                        if (d == 0) {
                            if (i != n - 1) {
                                return false;
                            }
                            continue;
                        }
                        end[frameOpen[d]] = i;
                        h = frameBase[d];
                        pushed = split(frameSig[d])[1];
                        reachable = frameReachable[d];
                        d--;
                    }
                    case BR, BR_TABLE, RETURN, UNREACHABLE -> {
                        if (op == OpCode.BR) {
                            branchFloor[i] = d - (int) ins.operand(0);
                            targets[i] = new int[] {frameOpen[branchFloor[i]]};
                        } else if (op == OpCode.BR_TABLE) {
                            long[] labels = ins.operands();
                            targets[i] = new int[labels.length];
                            for (int t = 0; t < labels.length; t++) {
                                int frame = d - (int) labels[t];
                                branchFloor[i] = Math.min(branchFloor[i], frame);
                                targets[i][t] = frameOpen[frame];
                            }
                        } else if (op == OpCode.RETURN) {
                            returns.set(i);
                        }
                        reachable = false;
                    }
                    case BR_IF -> {
                        branchFloor[i] = d - (int) ins.operand(0);
                        targets[i] = new int[] {frameOpen[branchFloor[i]]};
                        popped = 1;
                    }
                    case CALL, CALL_INDIRECT -> {
                        FunctionType t = op == OpCode.CALL ? functions.get((int) ins.operand(0))
                                : module.typeSection().getType((int) ins.operand(0));
                        popped = t.params().size() + (op == OpCode.CALL ? 0 : 1);
                        pushed = codes(t.returns());
                    }
                    case SELECT, SELECT_T -> {
                        popped = 3;
                        pushed = new int[] {reachable && h >= 3 ? stack[h - 3] : OTHER};
                    }
                    case LOCAL_GET -> pushed = new int[] {localTypes[(int) ins.operand(0)]};
                    case LOCAL_SET -> popped = 1;
                    case LOCAL_TEE -> {
                        popped = 1;
                        pushed = new int[] {localTypes[(int) ins.operand(0)]};
                    }
                    case GLOBAL_GET -> pushed = new int[] {globals[(int) ins.operand(0)]};
                    case GLOBAL_SET -> popped = 1;
                    default -> {
                        int effect = effect(op.opcode());
                        if (effect == UNKNOWN) {
                            return false;
                        }
                        popped = effect >> 8;
                        int type = (effect & 0xFF) - 1;
                        pushed = type == NONE ? EMPTY : new int[] {type};
                    }
                }
                pops[i] = popped;
                if (op != OpCode.ELSE && op != OpCode.END) {
                    h -= popped;
                }
                if (h < 0) {
                    return false;
                }
                if (stack.length < h + pushed.length) {
                    stack = java.util.Arrays.copyOf(stack, 2 * (h + pushed.length));
                }
                for (int t : pushed) {
                    stack[h++] = t;
                }
            }
            height[n] = -1;
            stackTypes[n] = EMPTY;
            return true;
        }

        /**
         * Which locals are live before each instruction: the usual backward data flow, over the
         * control flow of the structured instructions (a branch to a loop goes to its start, to a
         * block or if past its end), repeated until nothing changes (loops need a few rounds).
         */
        private void liveness() {
            live = new BitSet[n + 1];
            for (int i = 0; i <= n; i++) {
                live[i] = new BitSet();
            }
            boolean changed = true;
            while (changed) {
                changed = false;
                for (int i = n - 1; i >= 0; i--) {
                    BitSet out = new BitSet();
                    for (int successor : successors(i)) {
                        out.or(live[successor]);
                    }
                    Instruction ins = code.get(i);
                    switch (ins.opcode()) {
                        case LOCAL_GET -> out.set((int) ins.operand(0));
                        case LOCAL_SET, LOCAL_TEE -> out.clear((int) ins.operand(0));
                        default -> {
                        }
                    }
                    if (!out.equals(live[i])) {
                        live[i] = out;
                        changed = true;
                    }
                }
            }
        }

        private static final int[] NO_SUCCESSORS = new int[0];

        private int[] successors(int i) {
            OpCode op = code.get(i).opcode();
            if (height[i] < 0 && op != OpCode.ELSE && op != OpCode.END) {
                return NO_SUCCESSORS; // unreachable code never runs
            }
            switch (op) {
                case RETURN, UNREACHABLE:
                    return NO_SUCCESSORS;
                case BR, BR_TABLE: {
                    int[] t = new int[targets[i].length];
                    for (int k = 0; k < t.length; k++) {
                        t[k] = branchTarget(targets[i][k]);
                    }
                    return t;
                }
                case BR_IF:
                    return new int[] {i + 1, branchTarget(targets[i][0])};
                case IF:
                    return new int[] {i + 1, elseAt[i] >= 0 ? elseAt[i] + 1 : end[i]};
                case ELSE:
                    return new int[] {end[end[i]]}; // the end of its if
                default:
                    return new int[] {i + 1};
            }
        }

        /** Where a branch to the frame opened at {@code open} continues: a loop's start, past a block's end. */
        private int branchTarget(int open) {
            if (open < 0) {
                return n; // the function's end: nothing is live
            }
            return code.get(open).opcode() == OpCode.LOOP ? open + 1 : end[open];
        }

        private static int[] combine(int[][] sig) {
            int[] all = new int[sig[0].length + sig[1].length + 1];
            all[0] = sig[0].length;
            System.arraycopy(sig[0], 0, all, 1, sig[0].length);
            System.arraycopy(sig[1], 0, all, 1 + sig[0].length, sig[1].length);
            return all;
        }

        private static int[][] split(int[] all) {
            int params = all[0];
            return new int[][] {java.util.Arrays.copyOfRange(all, 1, 1 + params),
                java.util.Arrays.copyOfRange(all, 1 + params, all.length)};
        }

        /** {param types, result types} of a block, read from its bytes; null for types left alone. */
        private int[][] blockType(Instruction ins, WasmModule module) {
            int at = ins.address() + 1;
            int b = wasm[at] & 0xFF;
            if (b == 0x40) {
                return new int[][] {EMPTY, EMPTY};
            }
            if (b == I32 || b == I64 || b == F32 || b == F64) {
                return new int[][] {EMPTY, {b}};
            }
            if ((b & 0x40) != 0 && (b & 0x80) == 0) {
                return null; // another value type (vector, reference)
            }
            long index = Leb.readSigned(wasm, at);
            if (index < 0 || index >= module.typeSection().typeCount()) {
                return null;
            }
            FunctionType t = module.typeSection().getType((int) index);
            return new int[][] {codes(t.params()), codes(t.returns())};
        }

        /**
         * The operand-stack effect of the instructions not handled in {@link #walk}: pops << 8 |
         * (pushed type + 1); UNKNOWN for instructions this class leaves alone.
         */
        private static int effect(int op) {
            int pops;
            int push;
            if (op == 0x01 || op == 0xFC09 || op == 0xFC0D) {
                pops = 0; push = NONE; // nop, data.drop, elem.drop
            } else if (op == 0x1A) {
                pops = 1; push = NONE; // drop
            } else if (op == 0x25) {
                pops = 1; push = OTHER; // table.get
            } else if (op == 0x26) {
                pops = 2; push = NONE; // table.set
            } else if (op >= 0x28 && op <= 0x35) {
                pops = 1; push = op == 0x29 || op >= 0x30 ? I64 : op == 0x2A ? F32 : op == 0x2B ? F64 : I32; // loads
            } else if (op >= 0x36 && op <= 0x3E) {
                pops = 2; push = NONE; // stores
            } else if (op == 0x3F || op == 0x40) {
                pops = op - 0x3F; push = I32; // memory.size, memory.grow
            } else if (op >= 0x41 && op <= 0x44) {
                pops = 0; push = new int[] {I32, I64, F32, F64}[op - 0x41]; // constants
            } else if (op == 0x45 || op == 0x50 || op == 0xD1) {
                pops = 1; push = I32; // eqz, ref.is_null
            } else if ((op >= 0x46 && op <= 0x4F) || (op >= 0x51 && op <= 0x66)) {
                pops = 2; push = I32; // comparisons
            } else if (op >= 0x67 && op <= 0xA6) {
                int family = op <= 0x78 ? I32 : op <= 0x8A ? I64 : op <= 0x98 ? F32 : F64;
                boolean unary = op <= 0x69 || (op >= 0x79 && op <= 0x7B) || (op >= 0x8B && op <= 0x91)
                        || (op >= 0x99 && op <= 0x9F);
                pops = unary ? 1 : 2; push = family; // numeric operators
            } else if (op >= 0xA7 && op <= 0xC4) {
                pops = 1; push = conversionResult(op);
            } else if (op == 0xD0 || op == 0xD2) {
                pops = 0; push = OTHER; // ref.null, ref.func
            } else if (op >= 0xFC00 && op <= 0xFC07) {
                pops = 1; push = op <= 0xFC03 ? I32 : I64; // saturating truncations
            } else if (op == 0xFC08 || op == 0xFC0A || op == 0xFC0B || op == 0xFC0C || op == 0xFC0E || op == 0xFC11) {
                pops = 3; push = NONE; // memory.init, memory.copy, memory.fill, table.init, table.copy, table.fill
            } else if (op == 0xFC0F) {
                pops = 2; push = I32; // table.grow
            } else if (op == 0xFC10) {
                pops = 0; push = I32; // table.size
            } else {
                return UNKNOWN;
            }
            return pops << 8 | (push + 1);
        }

        private static int conversionResult(int op) {
            if (op <= 0xAB || op == 0xBC || op == 0xC0 || op == 0xC1) {
                return I32;
            }
            if (op <= 0xB1 || op == 0xBD || op >= 0xC2) {
                return I64;
            }
            if (op <= 0xB6 || op == 0xBE) {
                return F32;
            }
            return F64;
        }

        private static int code(ValType t) {
            if (t.equals(ValType.I32)) {
                return I32;
            }
            if (t.equals(ValType.I64)) {
                return I64;
            }
            if (t.equals(ValType.F32)) {
                return F32;
            }
            if (t.equals(ValType.F64)) {
                return F64;
            }
            return OTHER;
        }

        private static int[] codes(List<ValType> types) {
            int[] c = new int[types.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = code(types.get(i));
            }
            return c;
        }

        /**
         * About how many bytes of JVM bytecode Chicory's compiler emits for an instruction (within
         * -40 %/+10 % for whole functions, measured on clang -O2 and -O3 output): a memory access is
         * an offset, the memory and a static call; a local is a load or store whose index needs a
         * wide form beyond 255 slots; integer arithmetic is one instruction, comparisons, division
         * and rotations are static calls.
         */
        private static int weight(Instruction ins) {
            int op = ins.opcode().opcode();
            if (op >= 0x20 && op <= 0x22) {
                int slots = 2 * (int) ins.operand(0);
                return (slots > 255 ? 4 : 2) + (op == 0x22 ? 1 : 0);
            }
            if (op >= 0x28 && op <= 0x3E) {
                return 9;
            }
            if (op == 0x41) {
                return 2;
            }
            if (op >= 0x42 && op <= 0x44) {
                return 3;
            }
            if (op == 0x10 || op == 0x11) {
                return 10;
            }
            if (op == 0x0B || op == 0x02 || op == 0x03 || op == 0x01) {
                return 0;
            }
            if ((op >= 0x6A && op <= 0x6C) || (op >= 0x71 && op <= 0x76) || (op >= 0x7C && op <= 0x7E)
                    || (op >= 0x83 && op <= 0x85) || op == 0xA7 || op == 0xAC) {
                return 1; // add, sub, mul, and, or, xor, shifts; wrap, extend_s
            }
            if (op >= 0x86 && op <= 0x88) {
                return 2; // 64-bit shifts: the count is narrowed to an int first
            }
            return 3;
        }

        // ---- planning ----

        /**
         * Whether splitting as planned helps: when what remains of the function is small enough for
         * the JIT; or when the function is so large that no JIT compiler would take it whole. A
         * huge function the plan cannot shrink enough (a Curve25519 ladder whose hundred live
         * values no piece can take as parameters) is left whole: C1 and C2 compile such
         * straight-line code well when -XX:-DontCompileHugeMethods allows them to, and a few small
         * pieces would only add calls to its hot loop.
         */
        boolean worthIt(List<Piece> pieces) {
            int remaining = totalWeight();
            for (Piece piece : pieces) {
                remaining -= weight(piece.start(), piece.end());
                remaining += 12 + 3 * (piece.params().length + piece.results().length) + 8 * piece.exits().length;
            }
            return remaining <= HUGE_BYTES || totalWeight() > ENORMOUS_BYTES;
        }

        List<Piece> plan() {
            List<Piece> pieces = new ArrayList<>();
            planRange(0, n - 1, 0, pieces);
            pieces.sort((a, b) -> Integer.compare(a.start(), b.start()));
            return pieces;
        }

        /** The end of the unit starting at k: a block, loop or if with all it holds, else one instruction. */
        private int unitEnd(int k) {
            OpCode op = code.get(k).opcode();
            return op == OpCode.BLOCK || op == OpCode.LOOP || op == OpCode.IF ? end[k] + 1 : k + 1;
        }

        /**
         * Cuts the units of depth d in [from, to) into pieces of at most {@link #PIECE_BYTES}. A
         * piece starts and ends in reachable code, leaves itself only by its end or by branches
         * its caller can take in its place ({@link #cannotLeave}), takes the
         * operand-stack values it pops from below its start as parameters and leaves the values it
         * pushes as results, and has at most {@link #MAX_VALUES} parameters and results: of the
         * places where it could end, the last one within that interface is taken (between two
         * field operations of crypto code, say, rather than in the middle of one).
         */
        private void planRange(int from, int to, int d, List<Piece> pieces) {
            int start = -1;
            int best = -1;
            int w = 0;
            int low = 0;
            BitSet read = new BitSet();
            BitSet written = new BitSet();
            BitSet liveAtExits = new BitSet();
            boolean exits = false;
            int k = from;
            while (k < to && steps++ < 64L * n) {
                int next = unitEnd(k);
                if (start < 0) {
                    if (height[k] < 0) {
                        planInside(k, next, d, pieces);
                        k = next;
                        continue;
                    }
                    start = k;
                    best = -1;
                    w = 0;
                    low = height[k];
                    read.clear();
                    written.clear();
                    liveAtExits.clear();
                    exits = false;
                }
                int unitWeight = weight(k, next);
                if (height[k] < 0 || cannotLeave(k, next, d) || unitWeight > PIECE_BYTES) {
                    emit(start, best, pieces);
                    start = -1;
                    planInside(k, next, d, pieces);
                    k = next;
                    continue;
                }
                if (w + unitWeight > PIECE_BYTES) {
                    int restart = best > start ? best : unitEnd(start); // no end fits so far: try a later start
                    emit(start, best, pieces);
                    start = -1;
                    k = restart;
                    continue;
                }
                w += unitWeight;
                low = Math.min(low, lowest(k, next));
                accessed(k, next, read, written);
                exits |= exits(k, next, d, liveAtExits);
                k = next;
                if (validEnd(start, k, low, exits)
                        && interfaceSize(start, k, low, read, written, liveAtExits, exits) <= MAX_VALUES) {
                    best = k;
                }
            }
            emit(start, best, pieces);
        }

        /** Adds the locals [from, to) reads and writes. */
        private void accessed(int from, int to, BitSet read, BitSet written) {
            for (int k = from; k < to; k++) {
                Instruction ins = code.get(k);
                switch (ins.opcode()) {
                    case LOCAL_GET -> read.set((int) ins.operand(0));
                    case LOCAL_SET, LOCAL_TEE -> written.set((int) ins.operand(0));
                    default -> {
                    }
                }
            }
        }

        /**
         * How many parameters and results a piece [start, stop) has that pops down to height low:
         * the locals it writes that are live after it or where it branches out to are results.
         */
        private int interfaceSize(int start, int stop, int low, BitSet read, BitSet written, BitSet liveAtExits,
                boolean exits) {
            BitSet after = (BitSet) live[stop].clone();
            after.or(liveAtExits);
            BitSet results = (BitSet) written.clone();
            results.and(after);
            BitSet params = (BitSet) read.clone();
            params.or(results);
            params.and(live[start]);
            return params.cardinality() + results.cardinality() + (height[start] - low) + (height[stop] - low)
                    + (exits ? 1 : 0);
        }

        /** Plans the bodies of a large block, loop or if at k (nothing for other units). */
        private void planInside(int k, int next, int d, List<Piece> pieces) {
            OpCode op = code.get(k).opcode();
            if (weight(k, next) <= MIN_PIECE_BYTES || !(op == OpCode.BLOCK || op == OpCode.LOOP || op == OpCode.IF)) {
                return;
            }
            int close = end[k];
            int otherwise = elseAt[k];
            if (otherwise >= 0) {
                planRange(k + 1, otherwise, d + 1, pieces);
                planRange(otherwise + 1, close, d + 1, pieces);
            } else {
                planRange(k + 1, close, d + 1, pieces);
            }
        }

        /**
         * Whether a piece starting at instruction start, popping down to height low, may end before
         * e: a piece that branches out leaves at most one value on the stack (its exit block then
         * needs no type of its own).
         */
        private boolean validEnd(int start, int e, int low, boolean exits) {
            if (height[e] < 0) {
                return false;
            }
            int taken = height[start] - low;
            int left = height[e] - low;
            if (taken > MAX_STACK_PARAMS || left > (exits ? 1 : MAX_STACK_RESULTS)) {
                return false;
            }
            for (int v = low; v < height[start]; v++) {
                if (stackTypes[start][v] == OTHER) {
                    return false;
                }
            }
            for (int v = low; v < height[e]; v++) {
                if (stackTypes[e][v] == OTHER) {
                    return false;
                }
            }
            return true;
        }

        /** The lowest operand stack height [from, to) reaches while popping. */
        private int lowest(int from, int to) {
            int low = Integer.MAX_VALUE;
            for (int k = from; k < to; k++) {
                if (height[k] >= 0) {
                    low = Math.min(low, height[k] - pops[k]);
                }
            }
            return low;
        }

        private int weight(int from, int to) {
            int sum = 0;
            for (int k = from; k < to; k++) {
                sum += weight[k];
            }
            return sum;
        }

        /**
         * Whether [from, to), at depth d, leaves itself in a way a piece cannot pass on to its
         * caller: a return, a branch to the function's own frame (a return too), a br_table to a
         * frame outside, or a branch out carrying values. A br or br_if to a block or loop outside
         * that carries none is passed on: the piece returns which one, and its caller branches.
         */
        private boolean cannotLeave(int from, int to, int d) {
            for (int k = from; k < to; k++) {
                if (returns.get(k)) {
                    return true;
                }
                if (branchFloor[k] <= d) {
                    OpCode op = code.get(k).opcode();
                    int open = targets[k][0];
                    if (op == OpCode.BR_TABLE || open < 0 || arity[open] != 0) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Whether [from, to), at depth d, branches out of itself; adds the locals live where it goes. */
        private boolean exits(int from, int to, int d, BitSet liveAtExits) {
            boolean any = false;
            for (int k = from; k < to; k++) {
                if (branchFloor[k] <= d) {
                    liveAtExits.or(live[branchTarget(targets[k][0])]);
                    any = true;
                }
            }
            return any;
        }

        private void emit(int start, int stop, List<Piece> pieces) {
            if (start < 0 || stop <= start || weight(start, stop) < MIN_PIECE_BYTES) {
                return;
            }
            Piece piece = piece(start, stop);
            if (piece != null) {
                pieces.add(piece);
            }
        }

        /** The interface of the run [start, stop); null when its parameters would not fit a JVM method. */
        private Piece piece(int start, int stop) {
            BitSet read = new BitSet();
            BitSet written = new BitSet();
            for (int k = start; k < stop; k++) {
                Instruction ins = code.get(k);
                switch (ins.opcode()) {
                    case LOCAL_GET -> read.set((int) ins.operand(0));
                    case LOCAL_SET, LOCAL_TEE -> written.set((int) ins.operand(0));
                    default -> {
                    }
                }
            }
            // out: what it writes that is live after it or where it branches out to; in: what is live
            // before it and it reads, or may leave unwritten (a branch around a store) while it is
            // live after it
            BitSet after = (BitSet) live[stop].clone();
            BitSet levels = new BitSet();
            int d = depth[start];
            for (int k = start; k < stop; k++) {
                if (branchFloor[k] <= d) {
                    after.or(live[branchTarget(targets[k][0])]);
                    levels.set(branchFloor[k]);
                }
            }
            int[] exits = levels.stream().toArray();
            if (exits.length > 0 && height[stop] - lowest(start, stop) > 1) {
                return null;
            }
            BitSet results = (BitSet) written.clone();
            results.and(after);
            BitSet params = (BitSet) read.clone();
            params.or(results);
            params.and(live[start]);
            int low = lowest(start, stop);
            List<ValType> paramTypes = new ArrayList<>();
            for (int v = low; v < height[start]; v++) {
                paramTypes.add(valType(stackTypes[start][v]));
            }
            for (int l = params.nextSetBit(0); l >= 0; l = params.nextSetBit(l + 1)) {
                paramTypes.add(valType(localTypes[l]));
            }
            if (paramTypes.size() > MAX_VALUES) {
                return null;
            }
            List<ValType> resultTypes = new ArrayList<>();
            for (int v = low; v < height[stop]; v++) {
                resultTypes.add(valType(stackTypes[stop][v]));
            }
            for (int l = results.nextSetBit(0); l >= 0; l = results.nextSetBit(l + 1)) {
                resultTypes.add(valType(localTypes[l]));
            }
            if (exits.length > 0) {
                resultTypes.add(ValType.I32); // which exit it took
            }
            if (paramTypes.size() + resultTypes.size() > MAX_VALUES) {
                return null;
            }
            return new Piece(start, stop, height[start] - low, params.stream().toArray(), results.stream().toArray(),
                    exits, FunctionType.of(paramTypes, resultTypes));
        }

        private static ValType valType(int code) {
            switch (code) {
                case I32:
                    return ValType.I32;
                case I64:
                    return ValType.I64;
                case F32:
                    return ValType.F32;
                case F64:
                    return ValType.F64;
                default:
                    throw new IllegalArgumentException("not a number type: " + code);
            }
        }

        // ---- rewriting ----

        /**
         * The function's new body: its locals as they were, each piece replaced by a call. When a
         * piece branches out, one more i32 local receives which exit it took, and the caller
         * branches on it to where the piece's code did.
         */
        byte[] rewrite(byte[] localsDeclaration, List<Piece> pieces, int firstFunctionIndex) {
            var out = new ByteArrayOutputStream();
            int exitLocal = localTypes.length;
            if (pieces.stream().anyMatch(piece -> piece.exits().length > 0)) {
                int groups = (int) Leb.readUnsigned(localsDeclaration, 0);
                int skip = Leb.length(localsDeclaration, 0);
                Leb.writeUnsigned(out, groups + 1);
                out.write(localsDeclaration, skip, localsDeclaration.length - skip);
                out.write(1);
                out.write(I32);
            } else {
                out.writeBytes(localsDeclaration);
            }
            int at = code.get(0).address();
            for (int p = 0; p < pieces.size(); p++) {
                Piece piece = pieces.get(p);
                int from = code.get(piece.start()).address();
                out.write(wasm, at, from - at);
                for (int l : piece.params()) {
                    out.write(0x20);
                    Leb.writeUnsigned(out, l);
                }
                out.write(0x10);
                Leb.writeUnsigned(out, firstFunctionIndex + p);
                int[] exits = piece.exits();
                if (exits.length > 0) {
                    out.write(0x21);
                    Leb.writeUnsigned(out, exitLocal);
                }
                int[] results = piece.results();
                for (int r = results.length - 1; r >= 0; r--) {
                    out.write(0x21);
                    Leb.writeUnsigned(out, results[r]);
                }
                int d = depth[piece.start()];
                for (int e = 0; e < exits.length; e++) {
                    out.write(0x20); // local.get exit; [i32.const e+1; i32.eq;] br_if to the frame
                    Leb.writeUnsigned(out, exitLocal);
                    if (exits.length > 1) {
                        out.write(0x41);
                        Leb.writeSigned(out, e + 1);
                        out.write(0x46);
                    }
                    out.write(0x0D);
                    Leb.writeUnsigned(out, d - exits[e]);
                }
                at = code.get(piece.end()).address();
            }
            int last = code.get(n - 1).address(); // the function's final end
            out.write(wasm, at, last + 1 - at);
            return out.toByteArray();
        }

        /** The body of a piece's new function: its params, then the other locals it uses, then its code. */
        byte[] outline(Piece piece) {
            int[] map = new int[localTypes.length];
            java.util.Arrays.fill(map, -1);
            int next = piece.stackParams(); // the values taken from the caller's stack come first
            for (int l : piece.params()) {
                map[l] = next++;
            }
            List<Integer> extra = new ArrayList<>();
            for (int k = piece.start(); k < piece.end(); k++) {
                OpCode op = code.get(k).opcode();
                if (op == OpCode.LOCAL_GET || op == OpCode.LOCAL_SET || op == OpCode.LOCAL_TEE) {
                    int l = (int) code.get(k).operand(0);
                    if (map[l] < 0) {
                        map[l] = next++;
                        extra.add(localTypes[l]);
                    }
                }
            }
            int[] exits = piece.exits();
            int exitLocal = next;
            if (exits.length > 0) {
                extra.add(I32);
            }
            var out = new ByteArrayOutputStream();
            writeLocals(out, extra);
            int d = depth[piece.start()];
            int stackResults = exits.length == 0 ? 0
                    : height[piece.end()] - (height[piece.start()] - piece.stackParams());
            if (exits.length > 0) { // the block a branch out goes to, with the exit taken in exitLocal
                out.write(0x02);
                out.write(stackResults == 0 ? 0x40 : stackTypes[piece.end()][height[piece.end()] - 1]);
            }
            for (int v = 0; v < piece.stackParams(); v++) {
                out.write(0x20);
                Leb.writeUnsigned(out, v);
            }
            for (int k = piece.start(); k < piece.end(); k++) {
                Instruction ins = code.get(k);
                OpCode op = ins.opcode();
                if (op == OpCode.LOCAL_GET || op == OpCode.LOCAL_SET || op == OpCode.LOCAL_TEE) {
                    out.write(op.opcode());
                    Leb.writeUnsigned(out, map[(int) ins.operand(0)]);
                } else if (branchFloor[k] <= d) {
                    // a br or br_if out of the piece: record which exit, then leave through the exit block
                    boolean conditional = op == OpCode.BR_IF;
                    if (conditional) {
                        out.write(0x04);
                        out.write(0x40);
                    }
                    out.write(0x41);
                    Leb.writeSigned(out, java.util.Arrays.binarySearch(exits, branchFloor[k]) + 1);
                    out.write(0x21);
                    Leb.writeUnsigned(out, exitLocal);
                    if (stackResults == 1) {
                        writeZero(out, stackTypes[piece.end()][height[piece.end()] - 1]);
                    }
                    out.write(0x0C);
                    Leb.writeUnsigned(out, depth[k] - d + (conditional ? 1 : 0));
                    if (conditional) {
                        out.write(0x0B);
                    }
                } else if (height[k] < 0 && branchesOutside(ins, depth[k] - d - 1)) {
                    out.write(0x00); // never runs; its label would name no frame of the new function
                } else {
                    int from = ins.address();
                    out.write(wasm, from, code.get(k + 1).address() - from);
                }
            }
            if (exits.length > 0) {
                out.write(0x0B);
            }
            for (int r : piece.results()) {
                out.write(0x20);
                Leb.writeUnsigned(out, map[r]);
            }
            if (exits.length > 0) {
                out.write(0x20);
                Leb.writeUnsigned(out, exitLocal);
            }
            out.write(0x0B);
            return out.toByteArray();
        }

        /** Whether a branch instruction names a label above maxLabel. */
        private static boolean branchesOutside(Instruction ins, int maxLabel) {
            OpCode op = ins.opcode();
            if (op == OpCode.BR || op == OpCode.BR_IF) {
                return ins.operand(0) > maxLabel;
            }
            if (op == OpCode.BR_TABLE) {
                for (long label : ins.operands()) {
                    if (label > maxLabel) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** A constant zero of a number type: what a piece leaving through a branch puts where its stack result goes. */
        private static void writeZero(ByteArrayOutputStream out, int type) {
            out.write(type == I32 ? 0x41 : type == I64 ? 0x42 : type == F32 ? 0x43 : 0x44);
            int bytes = type == F32 ? 4 : type == F64 ? 8 : 1;
            for (int b = 0; b < bytes; b++) {
                out.write(0);
            }
        }

        private static void writeLocals(ByteArrayOutputStream out, List<Integer> types) {
            List<int[]> runs = new ArrayList<>(); // {count, type}
            for (int t : types) {
                if (!runs.isEmpty() && runs.get(runs.size() - 1)[1] == t) {
                    runs.get(runs.size() - 1)[0]++;
                } else {
                    runs.add(new int[] {1, t});
                }
            }
            Leb.writeUnsigned(out, runs.size());
            for (int[] run : runs) {
                Leb.writeUnsigned(out, run[0]);
                out.write(run[1]);
            }
        }
    }

    static int typeByte(ValType t) {
        if (t.equals(ValType.I32)) {
            return 0x7F;
        }
        if (t.equals(ValType.I64)) {
            return 0x7E;
        }
        if (t.equals(ValType.F32)) {
            return 0x7D;
        }
        if (t.equals(ValType.F64)) {
            return 0x7C;
        }
        throw new IllegalArgumentException("not a number type: " + t);
    }

    /**
     * The sections of a module as byte ranges: enough to append types and functions and replace
     * function bodies, leaving every other byte as it was.
     */
    private static final class Sections {
        private static final int TYPE = 1;
        private static final int FUNCTION = 3;
        private static final int CODE = 10;

        final List<int[]> ranges = new ArrayList<>(); // {id, contentStart, contentEnd, headerStart}
        int typeCount;
        int[] typeSection;
        int[] functionSection;
        int[] codeSection;
        byte[][] bodies; // each body's bytes (locals and code)
        byte[][] bodyLocals; // each body's locals declaration

        static Sections of(byte[] wasm) {
            Sections s = new Sections();
            int at = 8;
            while (at < wasm.length) {
                int header = at;
                int id = wasm[at++] & 0xFF;
                long size = Leb.readUnsigned(wasm, at);
                at += Leb.length(wasm, at);
                int[] range = {id, at, (int) (at + size), header};
                s.ranges.add(range);
                switch (id) {
                    case TYPE -> s.typeSection = range;
                    case FUNCTION -> s.functionSection = range;
                    case CODE -> s.codeSection = range;
                    default -> {
                    }
                }
                at = range[2];
            }
            if (s.typeSection == null || s.functionSection == null || s.codeSection == null
                    || !s.onlyFunctionTypes(wasm)) {
                return null;
            }
            s.readBodies(wasm);
            return s;
        }

        /** Whether the type section holds function types only (no GC recursion groups or subtypes). */
        private boolean onlyFunctionTypes(byte[] wasm) {
            int at = typeSection[1];
            typeCount = (int) Leb.readUnsigned(wasm, at);
            at += Leb.length(wasm, at);
            for (int t = 0; t < typeCount; t++) {
                if ((wasm[at++] & 0xFF) != 0x60) {
                    return false;
                }
                for (int vec = 0; vec < 2; vec++) {
                    int count = (int) Leb.readUnsigned(wasm, at);
                    at += Leb.length(wasm, at);
                    for (int v = 0; v < count; v++) {
                        int b = wasm[at++] & 0xFF;
                        if (b == 0x63 || b == 0x64) {
                            at += Leb.length(wasm, at); // a heap type
                        }
                    }
                }
            }
            return at == typeSection[2];
        }

        private void readBodies(byte[] wasm) {
            int at = codeSection[1];
            int count = (int) Leb.readUnsigned(wasm, at);
            at += Leb.length(wasm, at);
            bodies = new byte[count][];
            bodyLocals = new byte[count][];
            for (int f = 0; f < count; f++) {
                int size = (int) Leb.readUnsigned(wasm, at);
                at += Leb.length(wasm, at);
                int start = at;
                int groups = (int) Leb.readUnsigned(wasm, at);
                at += Leb.length(wasm, at);
                for (int g = 0; g < groups; g++) {
                    at += Leb.length(wasm, at);
                    int b = wasm[at++] & 0xFF;
                    if (b == 0x63 || b == 0x64) {
                        at += Leb.length(wasm, at);
                    }
                }
                bodyLocals[f] = java.util.Arrays.copyOfRange(wasm, start, at);
                bodies[f] = java.util.Arrays.copyOfRange(wasm, start, start + size);
                at = start + size;
            }
        }

        byte[] rebuild(byte[] wasm, Iterable<FunctionType> addedTypes, int[] pieceTypes, byte[][] newBodies,
                List<byte[]> addedBodies) {
            var out = new ByteArrayOutputStream();
            out.write(wasm, 0, 8);
            for (int[] range : ranges) {
                var content = new ByteArrayOutputStream();
                if (range == typeSection) {
                    int at = range[1] + Leb.length(wasm, range[1]);
                    int added = 0;
                    var tail = new ByteArrayOutputStream();
                    for (FunctionType t : addedTypes) {
                        tail.write(0x60);
                        Leb.writeUnsigned(tail, t.params().size());
                        t.params().forEach(v -> tail.write(typeByte(v)));
                        Leb.writeUnsigned(tail, t.returns().size());
                        t.returns().forEach(v -> tail.write(typeByte(v)));
                        added++;
                    }
                    Leb.writeUnsigned(content, typeCount + added);
                    content.write(wasm, at, range[2] - at);
                    content.writeBytes(tail.toByteArray());
                } else if (range == functionSection) {
                    int count = (int) Leb.readUnsigned(wasm, range[1]);
                    int at = range[1] + Leb.length(wasm, range[1]);
                    Leb.writeUnsigned(content, count + pieceTypes.length);
                    content.write(wasm, at, range[2] - at);
                    for (int t : pieceTypes) {
                        Leb.writeUnsigned(content, t);
                    }
                } else if (range == codeSection) {
                    Leb.writeUnsigned(content, newBodies.length + addedBodies.size());
                    for (byte[] body : newBodies) {
                        Leb.writeUnsigned(content, body.length);
                        content.writeBytes(body);
                    }
                    for (byte[] body : addedBodies) {
                        Leb.writeUnsigned(content, body.length);
                        content.writeBytes(body);
                    }
                } else {
                    out.write(wasm, range[3], range[2] - range[3]);
                    continue;
                }
                out.write(range[0]);
                Leb.writeUnsigned(out, content.size());
                out.writeBytes(content.toByteArray());
            }
            return out.toByteArray();
        }
    }

    /** LEB128, as the binary format encodes integers (core spec 5.2.2). */
    static final class Leb {
        private Leb() {
        }

        static long readUnsigned(byte[] b, int at) {
            long result = 0;
            int shift = 0;
            while (true) {
                int x = b[at++] & 0xFF;
                result |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    return result;
                }
                shift += 7;
            }
        }

        static long readSigned(byte[] b, int at) {
            long result = 0;
            int shift = 0;
            int x;
            do {
                x = b[at++] & 0xFF;
                result |= (long) (x & 0x7F) << shift;
                shift += 7;
            } while ((x & 0x80) != 0);
            if (shift < 64 && (x & 0x40) != 0) {
                result |= -1L << shift;
            }
            return result;
        }

        static int length(byte[] b, int at) {
            int len = 1;
            while ((b[at++] & 0x80) != 0) {
                len++;
            }
            return len;
        }

        static void writeSigned(ByteArrayOutputStream out, long value) {
            while (true) {
                int x = (int) (value & 0x7F);
                value >>= 7;
                if ((value == 0 && (x & 0x40) == 0) || (value == -1 && (x & 0x40) != 0)) {
                    out.write(x);
                    return;
                }
                out.write(x | 0x80);
            }
        }

        static void writeUnsigned(ByteArrayOutputStream out, long value) {
            do {
                int x = (int) (value & 0x7F);
                value >>>= 7;
                out.write(value != 0 ? x | 0x80 : x);
            } while (value != 0);
        }
    }
}
