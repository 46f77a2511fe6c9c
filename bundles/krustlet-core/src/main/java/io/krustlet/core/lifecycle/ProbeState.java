package io.krustlet.core.lifecycle;

import io.krustlet.core.pod.ProbeDefinition;

/**
 * One probe of one container run (pkg/kubelet/prober/worker.go): consecutive successes and
 * failures against the thresholds, and the result they add up to. Touched only in the pod's queue.
 */
final class ProbeState {

    /** Readiness or liveness, as Events and logs name them. */
    enum Kind {
        READINESS("Readiness"), LIVENESS("Liveness");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    final Kind kind;
    final ProbeDefinition probe;
    private int successes;
    private int failures;
    /** Readiness starts failing until the first success; liveness starts passing. */
    private boolean passing;
    Timers.Cancellable timer;
    boolean stopped;

    ProbeState(Kind kind, ProbeDefinition probe) {
        this.kind = kind;
        this.probe = probe;
        this.passing = kind == Kind.LIVENESS;
    }

    /**
     * Counts one check.
     *
     * @return whether the probe's result changed
     */
    boolean record(boolean success) {
        boolean before = passing;
        if (success) {
            successes++;
            failures = 0;
            if (successes >= probe.successThreshold()) {
                passing = true;
            }
        } else {
            failures++;
            successes = 0;
            if (failures >= probe.failureThreshold()) {
                passing = false;
            }
        }
        return before != passing;
    }

    boolean passing() {
        return passing;
    }

    void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}
