package io.krustlet.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import org.junit.Test;

/**
 * spec.activeDeadlineSeconds, as the kubelet enforces it: a pod still running 5 s after its
 * startTime is stopped and Failed with reason DeadlineExceeded, the kubelet's message and a Normal
 * Event, whatever its restart policy.
 */
public class ActiveDeadlineE2E extends E2ESupport {

    @Test
    public void aPodRunningPastItsDeadlineFailsWithDeadlineExceeded() {
        String name = unique("deadline");
        create(pod(name).editSpec().withRestartPolicy("Always").withActiveDeadlineSeconds(5L)
                .addToContainers(container("main", "print", "working", "sleep", "600000")).endSpec().build());

        Pod pod = awaitPhase(name, "Failed");
        assertEquals(describe(name), "DeadlineExceeded", pod.getStatus().getReason());
        assertEquals(describe(name), "Pod was active on the node longer than the specified deadline",
                pod.getStatus().getMessage());
        ContainerStateTerminated terminated = terminated(pod, "main").orElseThrow(
                () -> new AssertionError("main was not stopped\n" + describe(name)));
        Duration active = Duration.between(Instant.parse(pod.getStatus().getStartTime()),
                Instant.parse(terminated.getFinishedAt()));
        assertTrue("stopped at its deadline, not before and not minutes later: " + active + "\n" + describe(name),
                active.compareTo(Duration.ofSeconds(4)) >= 0 && active.compareTo(Duration.ofSeconds(60)) < 0);
        assertEquals("not restarted, whatever its restart policy\n" + describe(name), Integer.valueOf(0),
                status(pod, "main").orElseThrow().getRestartCount());
        awaitEvents(name, "DeadlineExceeded", events -> hasEvent(events, "Normal", "DeadlineExceeded", null));
    }
}
