package io.krustlet.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.Test;

/** Init containers run one at a time, in order, before the app; a failing one fails the pod (restartPolicy Never). */
public class InitContainersE2E extends E2ESupport {

    private static final io.fabric8.kubernetes.api.model.VolumeMount WORK =
            new VolumeMountBuilder().withName("work").withMountPath("/work").build();

    @Test
    public void initContainersRunInOrderBeforeTheApp() {
        String name = unique("init-order");
        create(pod(name).editSpec()
                .addToVolumes(new VolumeBuilder().withName("work").withNewEmptyDir().endEmptyDir().build())
                .addToInitContainers(testmod("init-1", "append", "/work/order", "init-1")
                        .withVolumeMounts(WORK).build())
                // init-2 reads the file first: it fails (exit 1, pod Failed) if init-1 had not run to completion
                .addToInitContainers(testmod("init-2", "read", "/work/order", "append", "/work/order", "init-2")
                        .withVolumeMounts(WORK).build())
                .addToContainers(testmod("app", "append", "/work/order", "app", "read", "/work/order")
                        .withVolumeMounts(WORK).build())
                .endSpec().build());

        Pod pod = awaitPhase(name, "Succeeded");
        String log = awaitLog(name, "app", "show the order", l -> l.contains("app\n"));
        assertEquals("what each container appended, in order\n" + describe(name),
                lines("init-1", "init-2", "app"), log);

        List<ContainerStatus> inits = pod.getStatus().getInitContainerStatuses();
        assertEquals(describe(name), List.of("init-1", "init-2"), inits.stream().map(ContainerStatus::getName).toList());
        for (ContainerStatus init : inits) {
            ContainerStateTerminated t = init.getState().getTerminated();
            assertTrue(init.getName() + " terminated\n" + describe(name), t != null);
            assertEquals(describe(name), Integer.valueOf(0), t.getExitCode());
            assertEquals(describe(name), "Completed", t.getReason());
        }
        ContainerStateTerminated first = inits.get(0).getState().getTerminated();
        ContainerStateTerminated second = inits.get(1).getState().getTerminated();
        ContainerStateTerminated app = terminated(pod, "app").orElseThrow();
        assertFalse("init-2 started before init-1 finished\n" + describe(name),
                Instant.parse(second.getStartedAt()).isBefore(Instant.parse(first.getFinishedAt())));
        assertFalse("app started before init-2 finished\n" + describe(name),
                Instant.parse(app.getStartedAt()).isBefore(Instant.parse(second.getFinishedAt())));
        assertTrue(describe(name), pod.getStatus().getConditions().stream()
                .anyMatch(c -> "Initialized".equals(c.getType()) && "True".equals(c.getStatus())));
    }

    @Test
    public void aFailingInitContainerFailsThePodWithRestartPolicyNever() {
        String name = unique("init-fail");
        create(pod(name).editSpec()
                .addToInitContainers(container("init-1", "eprint", "init failing", "exit", "7"))
                .addToInitContainers(container("init-2", "print", "must not run"))
                .addToContainers(container("app", "print", "must not run"))
                .endSpec().build());

        Pod pod = awaitPhase(name, "Failed");
        ContainerStateTerminated failed = terminated(pod, "init-1")
                .orElseThrow(() -> new AssertionError("init-1 is not terminated\n" + describe(name)));
        assertEquals("the module's exit code\n" + describe(name), Integer.valueOf(7), failed.getExitCode());
        assertEquals(describe(name), "Error", failed.getReason());
        for (String never : List.of("init-2", "app")) {
            assertFalse(never + " must not run\n" + describe(name), running(pod, never));
            assertFalse(never + " must not have run\n" + describe(name), terminated(pod, never).isPresent());
        }
        assertTrue("Initialized is not True\n" + describe(name), pod.getStatus().getConditions().stream()
                .noneMatch(c -> "Initialized".equals(c.getType()) && "True".equals(c.getStatus())));
        List<Event> events = awaitEvents(name, "Started for init-1", e -> hasEvent(e, "Normal", "Started", "init-1"));
        assertFalse("no container after init-1 started\n" + describe(name),
                hasEvent(events, "Normal", "Started", "init-2") || hasEvent(events, "Normal", "Started", "app"));
        String log = awaitLog(name, "init-1", "hold its stderr", l -> l.contains("init failing"));
        assertEquals("init failing\n", log);
    }
}
