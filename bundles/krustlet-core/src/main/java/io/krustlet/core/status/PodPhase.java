package io.krustlet.core.status;

/** The pod phases of the Kubernetes API. */
public enum PodPhase {
    Pending, Running, Succeeded, Failed, Unknown;

    public boolean isTerminal() {
        return this == Succeeded || this == Failed;
    }
}
