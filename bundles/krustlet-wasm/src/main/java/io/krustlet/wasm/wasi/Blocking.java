package io.krustlet.wasm.wasi;

/**
 * Brackets the places where a module's thread blocks on the module's behalf (a sleep in
 * {@code poll_oneoff}, an outbound HTTP request), so that the time it waits there is not counted
 * as the module's CPU time (on a virtual thread the thread is not on a CPU of its own then; see
 * {@code io.krustlet.wasm.ModuleCpu}).
 *
 * <p>Called on the module's thread only: {@link #enter()} right before it blocks, {@link #exit()}
 * right after, also when the wait ends by an exception.
 */
public interface Blocking {

    /** Nothing to bracket. */
    Blocking NONE = new Blocking() {
        @Override
        public void enter() {
        }

        @Override
        public void exit() {
        }
    };

    /** The module's thread is about to block. */
    void enter();

    /** The module's thread runs the module again. */
    void exit();
}
