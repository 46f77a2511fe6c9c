package io.krustlet.wasm;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A random but deterministic wasm module for differential tests of {@link FunctionSplitter}: one
 * large exported function {@code run: () -> i64} made of the constructs real compilers emit and
 * the splitter must get right: locals of every number type, values kept on the operand stack
 * across long stretches, blocks and ifs with results and parameters, branches out of blocks
 * (br_if, br_table, with and without values), bounded loops and branches back to them from
 * blocks inside, early returns, dead code (branches too) after unreachable, calls returning one
 * and several values, memory loads and stores. It returns a hash of its locals and memory, so any
 * difference in behaviour shows.
 */
final class RandomProgram {

    // types: 0 (i64 i32)->i64, 1 (i32)->(i64 i32), 2 ()->i64, 3 (i64)->i64
    private static final int HELPER = 0;
    private static final int PAIR = 1;
    private static final int RUN = 2;
    private static final int T_I64_I64 = 3;

    private static final int I32 = 0x7F;
    private static final int I64 = 0x7E;
    private static final int F64 = 0x7C;

    // locals of run: 6 i32 (the last 3 are loop counters), 8 i64, 2 f64
    private static final int I32_LOCALS = 3;
    private static final int COUNTERS = 3;
    private static final int I64_LOCALS = 8;
    private static final int F64_LOCALS = 2;
    private static final int FIRST_I64 = I32_LOCALS + COUNTERS;
    private static final int FIRST_F64 = FIRST_I64 + I64_LOCALS;

    private final Random random;
    private final int budget;
    private final ByteArrayOutputStream code = new ByteArrayOutputStream();
    private int instructions;
    /** The labels around the current point, innermost last: 'b' block or if (statement), 'l' loop, 'v' valued. */
    private final List<Character> labels = new ArrayList<>();
    private int loopDepth;

    private RandomProgram(long seed, int budget) {
        this.random = new Random(seed);
        this.budget = budget;
    }

    /** The module's bytes: {@code run} has about {@code instructions} instructions. */
    static byte[] module(long seed, int instructions) {
        return new RandomProgram(seed, instructions).build();
    }

    private byte[] build() {
        while (instructions < budget) {
            statement(0);
        }
        // fold every local and a stretch of memory into the result
        op(0x42);
        sleb(0);
        for (int l = 0; l < FIRST_F64 + F64_LOCALS; l++) {
            local(0x20, l);
            if (l < FIRST_I64) {
                op(0xAD); // i64.extend_i32_u
            } else if (l >= FIRST_F64) {
                op(0xFC);
                uleb(6); // i64.trunc_sat_f64_s
            }
            op(0x85); // i64.xor
            op(0x42);
            sleb(31);
            op(0x89); // i64.rotl
        }
        for (int a = 0; a < 512; a += 8) {
            op(0x41);
            sleb(a);
            memarg(0x29, 3, 0); // i64.load
            op(0x7C); // i64.add
        }
        op(0x0B);
        return assemble(code.toByteArray());
    }

    // ---- statements ----

    private void statement(int depth) {
        int kind = random.nextInt(depth > 3 ? 8 : 16);
        switch (kind) {
            case 0, 1, 2 -> {
                i64(depth);
                local(0x21, FIRST_I64 + random.nextInt(I64_LOCALS));
            }
            case 3 -> {
                i32(depth);
                local(0x21, random.nextInt(I32_LOCALS));
            }
            case 4 -> {
                f64(depth);
                local(0x21, FIRST_F64 + random.nextInt(F64_LOCALS));
            }
            case 5 -> { // a store
                address(depth);
                i64(depth);
                memarg(0x37, 3, 8 * random.nextInt(4));
            }
            case 6 -> { // a long sum kept on the stack, as compilers leave field arithmetic
                i64(depth);
                int terms = 5 + random.nextInt(30);
                for (int t = 0; t < terms; t++) {
                    i64(depth + 2);
                    i64(depth + 2);
                    op(0x7E); // i64.mul
                    op(0x7C); // i64.add
                }
                local(0x21, FIRST_I64 + random.nextInt(I64_LOCALS));
            }
            case 7 -> { // several results of one call, stored in reverse
                i32(depth + 1);
                op(0x10);
                uleb(PAIR);
                local(0x21, random.nextInt(I32_LOCALS));
                local(0x21, FIRST_I64 + random.nextInt(I64_LOCALS));
            }
            case 8 -> { // if/else
                i32(depth);
                block(0x04, 0x40, 'b');
                statements(depth + 1);
                if (random.nextBoolean()) {
                    op(0x05);
                    statements(depth + 1);
                }
                end();
            }
            case 9 -> { // a block left early by a branch to it or to an enclosing block
                block(0x02, 0x40, 'b');
                statements(depth + 1);
                i32(depth + 1);
                op(0x0D);
                uleb(statementLabel());
                statements(depth + 1);
                end();
            }
            case 10 -> { // a bounded loop
                if (loopDepth >= COUNTERS) {
                    return;
                }
                int counter = I32_LOCALS + loopDepth;
                op(0x41);
                sleb(1 + random.nextInt(3));
                local(0x21, counter);
                loopDepth++;
                block(0x03, 0x40, 'l');
                statements(depth + 1);
                if (random.nextInt(3) == 0) {
                    continueLoop(depth + 1, counter);
                }
                local(0x20, counter);
                op(0x41);
                sleb(1);
                op(0x6B); // i32.sub
                local(0x22, counter);
                op(0x0D);
                uleb(0); // br_if back to the loop
                end();
                loopDepth--;
            }
            case 11 -> { // br_table over three blocks
                block(0x02, 0x40, 'b');
                block(0x02, 0x40, 'b');
                block(0x02, 0x40, 'b');
                i32(depth + 1);
                op(0x0E);
                uleb(3);
                uleb(0);
                uleb(1);
                uleb(2);
                uleb(random.nextInt(3));
                end();
                statements(depth + 1);
                end();
                statements(depth + 1);
                end();
            }
            case 12 -> { // an early return, taken only when a local has one rare value
                local(0x20, FIRST_I64 + random.nextInt(I64_LOCALS));
                op(0x42);
                sleb(0x5EED);
                op(0x51); // i64.eq
                block(0x04, 0x40, 'b');
                i64(depth + 1);
                op(0x0F);
                end();
            }
            case 13 -> { // dead code after unreachable, in a branch never taken
                op(0x41);
                sleb(0);
                block(0x04, 0x40, 'b');
                op(0x00);
                i64(depth + 1);
                op(0x1A); // drop
                op(0x0C);
                uleb(statementLabel()); // a branch that never runs, maybe out of a piece
                end();
            }
            case 14 -> { // a block with a parameter and a result
                i64(depth);
                block(0x02, T_I64_I64, 'v');
                op(0x42);
                sleb(3 + random.nextInt(100));
                op(0x7E);
                end();
                local(0x21, FIRST_I64 + random.nextInt(I64_LOCALS));
            }
            default -> { // a tee dropped
                i32(depth);
                local(0x22, random.nextInt(I32_LOCALS));
                op(0x1A);
            }
        }
    }

    /**
     * A block left early to the next round of the loop around it ("continue", counting the round,
     * so the loop still ends), from under an i64 that stays on the stack when it is not taken.
     */
    private void continueLoop(int depth, int counter) {
        block(0x02, 0x40, 'b');
        statements(depth + 1);
        i64(depth + 1);
        local(0x20, counter);
        op(0x41);
        sleb(1);
        op(0x4A); // i32.gt_s
        block(0x04, 0x40, 'b');
        local(0x20, counter);
        op(0x41);
        sleb(1);
        op(0x6B); // i32.sub
        local(0x21, counter);
        op(0x0C);
        uleb(2); // br to the loop, out of the if and the block
        end();
        i64(depth + 1);
        op(0x85); // i64.xor
        local(0x21, FIRST_I64 + random.nextInt(I64_LOCALS));
        statements(depth + 1);
        end();
    }

    private void statements(int depth) {
        int n = 1 + random.nextInt(depth < 2 ? 12 : 3);
        for (int i = 0; i < n && instructions < budget * 1.2; i++) {
            statement(depth);
        }
    }

    /** A branch target among the enclosing statement blocks (never a loop, never a valued block). */
    private int statementLabel() {
        List<Integer> candidates = new ArrayList<>();
        for (int i = labels.size() - 1, relative = 0; i >= 0; i--, relative++) {
            if (labels.get(i) == 'b') {
                candidates.add(relative);
            }
        }
        return candidates.get(random.nextInt(candidates.size()));
    }

    // ---- expressions ----

    private void i64(int depth) {
        int kind = depth > 6 ? random.nextInt(3) : random.nextInt(14);
        switch (kind) {
            case 0 -> {
                op(0x42);
                sleb(random.nextLong() >> random.nextInt(64));
            }
            case 1, 2 -> local(0x20, FIRST_I64 + random.nextInt(I64_LOCALS));
            case 3, 4, 5 -> {
                i64(depth + 1);
                i64(depth + 1);
                int[] ops = {0x7C, 0x7D, 0x7E, 0x83, 0x84, 0x85, 0x86, 0x88, 0x89};
                op(ops[random.nextInt(ops.length)]);
            }
            case 6 -> {
                i32(depth + 1);
                op(random.nextBoolean() ? 0xAC : 0xAD);
            }
            case 7 -> {
                address(depth + 1);
                memarg(0x29, 3, 8 * random.nextInt(4));
            }
            case 8 -> { // select
                i64(depth + 1);
                i64(depth + 1);
                i32(depth + 1);
                op(0x1B);
            }
            case 9 -> {
                i64(depth + 1);
                i32(depth + 1);
                op(0x10);
                uleb(HELPER);
            }
            case 10 -> {
                i64(depth + 1);
                local(0x22, FIRST_I64 + random.nextInt(I64_LOCALS));
            }
            case 11 -> { // a valued block, left early with its value or not
                block(0x02, I64, 'v');
                i64(depth + 1);
                i32(depth + 1);
                op(0x0D);
                uleb(0);
                op(0x1A);
                i64(depth + 1);
                end();
            }
            case 12 -> { // a valued if
                i32(depth + 1);
                block(0x04, I64, 'v');
                i64(depth + 1);
                op(0x05);
                i64(depth + 1);
                end();
            }
            default -> {
                f64(depth + 1);
                op(0xFC);
                uleb(6); // i64.trunc_sat_f64_s
            }
        }
    }

    private void i32(int depth) {
        int kind = depth > 6 ? random.nextInt(2) : random.nextInt(8);
        switch (kind) {
            case 0 -> {
                op(0x41);
                sleb(random.nextInt());
            }
            case 1 -> local(0x20, random.nextInt(I32_LOCALS + COUNTERS));
            case 2 -> {
                i64(depth + 1);
                op(0xA7); // i32.wrap_i64
            }
            case 3 -> {
                i64(depth + 1);
                i64(depth + 1);
                op(0x54 + random.nextInt(3)); // i64.lt_u, gt_s, gt_u
            }
            case 4 -> {
                i32(depth + 1);
                i32(depth + 1);
                int[] ops = {0x6A, 0x6B, 0x6C, 0x71, 0x72, 0x73, 0x4F, 0x49};
                op(ops[random.nextInt(ops.length)]);
            }
            case 5 -> {
                address(depth + 1);
                memarg(0x28, 2, 4 * random.nextInt(4));
            }
            case 6 -> {
                i64(depth + 1);
                op(0x50); // i64.eqz
            }
            default -> {
                i32(depth + 1);
                op(0x45); // i32.eqz
            }
        }
    }

    private void f64(int depth) {
        switch (depth > 6 ? 0 : random.nextInt(4)) {
            case 0 -> local(0x20, FIRST_F64 + random.nextInt(F64_LOCALS));
            case 1 -> {
                i64(depth + 1);
                op(0xB9); // f64.convert_i64_s
            }
            default -> {
                f64(depth + 1);
                f64(depth + 1);
                op(0xA0); // f64.add
            }
        }
    }

    /** An address within the first 4 KiB, aligned or not. */
    private void address(int depth) {
        i32(depth + 1);
        op(0x41);
        sleb(0xFFF);
        op(0x71);
    }

    // ---- encoding ----

    private void block(int opcode, int type, char label) {
        op(opcode);
        if (type == 0x40 || type == I32 || type == I64 || type == F64) {
            code.write(type);
        } else {
            sleb(type);
        }
        labels.add(label);
    }

    private void end() {
        op(0x0B);
        labels.remove(labels.size() - 1);
    }

    private void op(int opcode) {
        code.write(opcode);
        instructions++;
    }

    private void local(int opcode, int index) {
        op(opcode);
        uleb(index);
    }

    private void memarg(int opcode, int align, int offset) {
        op(opcode);
        uleb(random.nextBoolean() ? align : 0);
        uleb(offset);
    }

    private void uleb(long value) {
        FunctionSplitter.Leb.writeUnsigned(code, value);
    }

    private void sleb(long value) {
        writeSigned(code, value);
    }

    private static void writeSigned(ByteArrayOutputStream out, long value) {
        while (true) {
            int b = (int) (value & 0x7F);
            value >>= 7;
            boolean done = (value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0);
            out.write(done ? b : b | 0x80);
            if (done) {
                return;
            }
        }
    }

    private static byte[] assemble(byte[] runCode) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        section(out, 1, bytes(4, 0x60, 2, I64, I32, 1, I64, 0x60, 1, I32, 2, I64, I32, 0x60, 0, 1, I64,
                0x60, 1, I64, 1, I64));
        section(out, 3, bytes(3, HELPER, PAIR, RUN));
        section(out, 5, bytes(1, 0, 1)); // one memory of one page
        section(out, 7, bytes(1, 3, 'r', 'u', 'n', 0, 2));
        byte[] helper = bytes(0, 0x20, 0, 0x42, 31, 0x7E, 0x20, 1, 0xAD, 0x7C, 0x20, 0, 0x42, 7, 0x89, 0x85, 0x0B);
        byte[] pair = bytes(0, 0x20, 0, 0xAC, 0x42, 1, 0x7C, 0x20, 0, 0x41, 3, 0x6C, 0x0B);
        var locals = new ByteArrayOutputStream();
        locals.writeBytes(bytes(3, I32_LOCALS + COUNTERS, I32, I64_LOCALS, I64, F64_LOCALS, F64));
        locals.writeBytes(runCode);
        var codeSection = new ByteArrayOutputStream();
        codeSection.write(3);
        for (byte[] body : List.of(helper, pair, locals.toByteArray())) {
            FunctionSplitter.Leb.writeUnsigned(codeSection, body.length);
            codeSection.writeBytes(body);
        }
        section(out, 10, codeSection.toByteArray());
        return out.toByteArray();
    }

    private static void section(ByteArrayOutputStream out, int id, byte[] content) {
        out.write(id);
        FunctionSplitter.Leb.writeUnsigned(out, content.length);
        out.writeBytes(content);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
