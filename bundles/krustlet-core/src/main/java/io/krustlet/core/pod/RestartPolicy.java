package io.krustlet.core.pod;

/** spec.restartPolicy. */
public enum RestartPolicy {
    Always, OnFailure, Never;

    /** Whether an app container that exited with this code is started again. */
    public boolean restartsAfter(int exitCode) {
        return this == Always || (this == OnFailure && exitCode != 0);
    }
}
