package io.krustlet.core.lifecycle;

/** Where a pod stands in its worker's machine (the table is in this package's documentation). */
enum PodStage {
    /** Created; {@code start} not yet handled. */
    NEW,
    /** Init containers run, one at a time, in order. */
    INIT,
    /** The app containers run (or ran). */
    MAIN,
    /** An init container failed and the restart policy is Never: the pod has failed; nothing runs. */
    INIT_FAILED,
    /** A stop was asked for: containers are being killed, launches cancelled, nothing starts. */
    STOPPING,
    /** Nothing runs or launches any more; the worker's {@code stopped} stage completes. */
    STOPPED;

    /** Whether the pod is on its way out (or out): nothing may start in it any more. */
    boolean ending() {
        return this == STOPPING || this == STOPPED;
    }
}
