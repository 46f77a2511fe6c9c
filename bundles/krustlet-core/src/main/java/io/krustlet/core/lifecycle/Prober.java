package io.krustlet.core.lifecycle;

import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.ProbeDefinition;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs one check of a probe (pkg/kubelet/prober). Never blocks the caller: the result completes
 * later, at the latest after the probe's timeout, on the prober's own threads.
 */
public interface Prober {

    /**
     * How one check went.
     *
     * @param success whether it passed
     * @param message what failed, as the kubelet's Unhealthy Event says it, or empty
     */
    record Result(boolean success, String message) {
    }

    CompletionStage<Result> probe(ProbeDefinition probe, ContainerDefinition container);

    /** For nodes (and tests) that run no probes: every check fails, saying so. */
    Prober NONE = (probe, container) -> CompletableFuture.completedFuture(
            new Result(false, "this node runs no probes"));
}
