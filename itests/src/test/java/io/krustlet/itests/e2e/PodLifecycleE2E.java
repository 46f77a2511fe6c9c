package io.krustlet.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import org.junit.Test;

/** Exit codes, traps, restarts with back-off, deletion and images that cannot be pulled, as kubectl shows them. */
public class PodLifecycleE2E extends E2ESupport {

    private ContainerStateTerminated runToFailure(String name, String... commands) {
        create(pod(name).editSpec().addToContainers(container("main", commands)).endSpec().build());
        Pod pod = awaitPhase(name, "Failed");
        return terminated(pod, "main")
                .orElseThrow(() -> new AssertionError("main is not terminated\n" + describe(name)));
    }

    @Test
    public void theModulesExitCodeIsTheContainersExitCode() {
        String name = unique("exit3");
        ContainerStateTerminated terminated = runToFailure(name, "print", "about to exit", "exit", "3");
        assertEquals(describe(name), Integer.valueOf(3), terminated.getExitCode());
        assertEquals(describe(name), "Error", terminated.getReason());
        String log = awaitLog(name, "main", "hold the output before the exit", l -> l.contains("about to exit"));
        assertEquals("about to exit\n", log);
    }

    @Test
    public void aTrapEndsTheContainerWithExitCode134() {
        String name = unique("trap");
        ContainerStateTerminated terminated = runToFailure(name, "print", "before the trap", "trap",
                "print", "after the trap");
        assertEquals(describe(name), Integer.valueOf(134), terminated.getExitCode());
        assertEquals(describe(name), "Error", terminated.getReason());
        String log = awaitLog(name, "main", "hold the output before the trap", l -> l.contains("before the trap"));
        assertTrue(log, !log.contains("after the trap"));
    }

    @Test
    public void aContainerThatKeepsFailingGoesIntoCrashLoopBackOff() {
        String name = unique("crashloop");
        create(pod(name).editSpec().withRestartPolicy("OnFailure")
                .addToContainers(container("main", "print", "attempt", "exit", "1")).endSpec().build());

        Pod pod = awaitPod(name, "wait in CrashLoopBackOff after a restart", Duration.ofSeconds(180),
                p -> "CrashLoopBackOff".equals(waitingReason(p, "main"))
                        && status(p, "main").map(ContainerStatus::getRestartCount).orElse(0) >= 1);
        ContainerStatus main = status(pod, "main").orElseThrow();
        ContainerStateTerminated last = main.getLastState() == null ? null : main.getLastState().getTerminated();
        assertTrue("lastState.terminated\n" + describe(name), last != null);
        assertEquals(describe(name), Integer.valueOf(1), last.getExitCode());
        assertEquals(describe(name), "Error", last.getReason());
        assertTrue("the waiting message names the back-off: " + main.getState().getWaiting().getMessage(),
                main.getState().getWaiting().getMessage() != null
                        && main.getState().getWaiting().getMessage().contains("back-off"));
        assertTrue("the pod is not Failed while it restarts\n" + describe(name), !"Failed".equals(phase(pod)));

        List<Event> events = awaitEvents(name, "a Warning BackOff for main",
                e -> hasEvent(e, "Warning", "BackOff", "main"));
        assertTrue(describe(name), hasEvent(events, "Normal", "Started", "main"));

        String previous = awaitLog(name, "main", "show the previous run (previous=true)",
                () -> client.pods().inNamespace(NAMESPACE).withName(name).inContainer("main").terminated().getLog(),
                l -> l.contains("attempt"));
        assertEquals("attempt\n", previous);
    }

    @Test
    public void deletingALoopingPodRemovesItWithinItsGracePeriod() {
        String name = unique("loop");
        long grace = 5;
        create(pod(name).editSpec().withTerminationGracePeriodSeconds(grace)
                .addToContainers(container("main", "print", "looping", "loop")).endSpec().build());
        awaitPod(name, "run its container", p -> running(p, "main") && "Running".equals(phase(p)));
        awaitLog(name, "main", "show it started", l -> l.contains("looping"));

        long start = System.nanoTime();
        client.pods().inNamespace(NAMESPACE).withName(name).delete(); // the pod's own grace period
        // the module never ends on its own: the node must stop it when the grace period is over,
        // then report the pod gone (the API server removes it); a few seconds of slack for the round trips
        Duration deadline = Duration.ofSeconds(grace + 10);
        String[] lastSeen = {null};
        await("pod " + name + " to be removed within its grace period of " + grace + " s", deadline, () -> {
            Pod pod = get(name);
            if (pod != null) {
                lastSeen[0] = describe(name);
            }
            return pod;
        }, pod -> pod == null, () -> lastSeen[0]);
        System.out.printf("%s removed %.1f s after the delete%n", name, (System.nanoTime() - start) / 1e9);
    }

    @Test
    public void anImageThatDoesNotExistShowsErrImagePull() {
        String name = unique("noimage");
        String missing = image.substring(0, image.lastIndexOf('/') + 1) + "does-not-exist-" + name + ".wasm";
        create(pod(name).editSpec().addToContainers(testmod("main", "print", "never").withImage(missing).build())
                .endSpec().build());

        Pod pod = awaitPod(name, "wait with ErrImagePull or ImagePullBackOff",
                p -> "ErrImagePull".equals(waitingReason(p, "main"))
                        || "ImagePullBackOff".equals(waitingReason(p, "main")));
        assertEquals("Pending while the image cannot be pulled\n" + describe(name), "Pending", phase(pod));
        String message = status(pod, "main").orElseThrow().getState().getWaiting().getMessage();
        assertTrue("the waiting message names the image: " + message, message != null && message.contains(missing));

        List<Event> events = awaitEvents(name, "a Warning Failed for main",
                e -> hasEvent(e, "Warning", "Failed", "main"));
        assertTrue("a Failed event names the image\n" + describe(name), events.stream()
                .anyMatch(e -> "Failed".equals(e.getReason()) && e.getMessage() != null
                        && e.getMessage().contains(missing)));
        awaitPod(name, "go on to ImagePullBackOff", p -> "ImagePullBackOff".equals(waitingReason(p, "main")));
    }
}
