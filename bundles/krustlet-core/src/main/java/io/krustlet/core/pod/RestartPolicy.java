package io.krustlet.core.pod;

/** spec.restartPolicy. */
public enum RestartPolicy {
    Always, OnFailure, Never;

    /** Whether an app container that exited with this code is started again. */
    public boolean restartsAfter(int exitCode) {
        return this == Always || (this == OnFailure && exitCode != 0);
    }

    /**
     * The restart rule, for app and init containers alike: an init container runs until it
     * succeeds, unless the policy is Never (pkg/kubelet/kuberuntime computeInitContainerActions);
     * an app container follows {@link #restartsAfter(int)}.
     *
     * @param init whether the container is an init container
     */
    public boolean restartsAfter(boolean init, int exitCode) {
        return init ? exitCode != 0 && this != Never : restartsAfter(exitCode);
    }
}
