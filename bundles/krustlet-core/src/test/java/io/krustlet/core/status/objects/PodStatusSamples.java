package io.krustlet.core.status.objects;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.Reasons;
import java.time.Instant;
import java.util.List;

/** Pod statuses with every part the mapping has: states, lastState, restarts, conditions. */
public final class PodStatusSamples {

    private PodStatusSamples() {
    }

    public static final Instant T0 = Instant.parse("2026-01-01T10:00:00.750Z");
    public static final Instant T1 = Instant.parse("2026-01-01T10:00:09Z");

    /** An init container done, an app container restarted after OOMKilled, another in back-off. */
    public static PodStatus restarted() {
        var init = new ContainerStatus("init", "fs/init.wasm", "sha256:i",
                new ContainerState.Terminated(0, Reasons.COMPLETED, "", T0, T0), null, 0, false, true);
        var app = new ContainerStatus("app", "fs/app.wasm", "sha256:a", new ContainerState.Running(T1),
                new ContainerState.Terminated(137, Reasons.OOM_KILLED, "memory limit of 64 MiB reached", T0, T1),
                2, true, true);
        var crashing = new ContainerStatus("side", "fs/side.wasm", null,
                new ContainerState.Waiting(Reasons.CRASH_LOOP_BACK_OFF, "back-off 20s restarting failed container"),
                new ContainerState.Terminated(1, Reasons.ERROR, "", T0, T1), 3, false, false);
        return new PodStatus(PodPhase.Running, null, null, T0,
                List.of(new PodCondition(PodCondition.READY, false, Reasons.CONTAINERS_NOT_READY, T1)),
                List.of(init), List.of(app, crashing));
    }

    /** A pod failed past its activeDeadlineSeconds: a pod reason and message, a terminated container. */
    public static PodStatus deadlineExceeded() {
        var killed = new ContainerStatus("app", "fs/app.wasm", "sha256:a",
                new ContainerState.Terminated(137, Reasons.ERROR, "", T0, T1), null, 0, false, true);
        return new PodStatus(PodPhase.Failed, Reasons.DEADLINE_EXCEEDED,
                "Pod was active on the node longer than the specified deadline", T0,
                List.of(new PodCondition(PodCondition.READY, false, Reasons.POD_COMPLETED, T1)), List.of(), List.of(killed));
    }
}
