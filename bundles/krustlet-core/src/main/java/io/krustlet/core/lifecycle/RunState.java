package io.krustlet.core.lifecycle;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where one container of a pod stands in the pod worker's machine (the table is in this
 * package's documentation). The state the API shows ({@code waiting}, {@code running},
 * {@code terminated} with reasons) is derived from it and kept beside it in {@link ContainerRun}.
 */
enum RunState {
    /** Not started yet: an init container before its turn, or an app container during init. */
    WAITING_TURN,
    /** Its turn came, but no provider serves the pod's runtime; starts when one arrives. */
    AWAITING_RUNTIME,
    /** A launch runs on a launch thread: volumes, environment, image pull, provider start. */
    LAUNCHING,
    /** The provider runs it; its exit is awaited. */
    RUNNING,
    /** Its provider is leaving: stopped, and started again on the next provider after its exit. */
    PREEMPTING,
    /** The pod is stopping: stopped, and never started again. */
    KILLING,
    /** Waiting for a timer to start it again (after an exit, or after a launch that failed). */
    BACK_OFF,
    /** It exited and its restart policy, or the pod's end, runs it no more. */
    TERMINATED,
    /** The pod stopped before this container could (re)start; it keeps the last state it showed. */
    HALTED;

    private Set<RunState> next;

    static {
        WAITING_TURN.next = EnumSet.of(LAUNCHING, AWAITING_RUNTIME, TERMINATED, HALTED);
        AWAITING_RUNTIME.next = EnumSet.of(LAUNCHING, HALTED);
        // LAUNCHING and AWAITING_RUNTIME: a launch refused by a provider that left is started again at once
        LAUNCHING.next = EnumSet.of(RUNNING, PREEMPTING, KILLING, BACK_OFF, HALTED, LAUNCHING, AWAITING_RUNTIME);
        RUNNING.next = EnumSet.of(PREEMPTING, KILLING, TERMINATED, BACK_OFF);
        PREEMPTING.next = EnumSet.of(LAUNCHING, AWAITING_RUNTIME, KILLING);
        KILLING.next = EnumSet.of(TERMINATED);
        BACK_OFF.next = EnumSet.of(LAUNCHING, AWAITING_RUNTIME, HALTED);
        TERMINATED.next = EnumSet.noneOf(RunState.class);
        HALTED.next = EnumSet.noneOf(RunState.class);
    }

    /** Whether the machine allows going from this state to {@code target}. */
    boolean canMoveTo(RunState target) {
        return next.contains(target);
    }

    /** Whether a provider may still be running it (a stop has to wait for its exit). */
    boolean holdsContainer() {
        return this == RUNNING || this == PREEMPTING || this == KILLING;
    }

    /** Whether it will run again without anything but time or a provider arriving. */
    boolean restartPlanned() {
        return this == AWAITING_RUNTIME || this == BACK_OFF || this == LAUNCHING;
    }
}
