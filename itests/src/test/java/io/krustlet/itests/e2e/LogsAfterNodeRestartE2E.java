package io.krustlet.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.After;
import org.junit.Test;

/**
 * `kubectl logs` (and --previous) of a pod that finished before its node restarted: the node serves
 * the logs of every pod it still has in the API, finished or not, until the pod is deleted (issue
 * 12: NotFound after a restart, although the files were on disk). A node of the scenario's own,
 * restarted by the scenario (see {@link ExtraNode}); the API server must reach its kubelet port, as
 * for the suite's node.
 */
public class LogsAfterNodeRestartE2E extends E2ESupport {

    private ExtraNode node;

    @After
    public void cleanUp() {
        if (node != null) {
            node.close(client);
        }
    }

    @Test
    public void logsAndPreviousLogsOfAFinishedPodAreServedAfterTheNodeRestarts() throws Exception {
        ExtraNode.distribution();
        node = ExtraNode.prepare("restart", Map.of("KRUSTLET_KUBECONFIG", TestKubeconfigs.suiteKubeconfig().toString()));
        node.start();
        try {
            node.awaitReady(client, Duration.ofSeconds(Math.max(180, TIMEOUT.toSeconds())));
            // fails its first run (the file holds one line), succeeds its second (two lines): restartCount 1
            String name = unique("finished");
            create(pod(name).editSpec().withNodeSelector(Map.of()).withNodeName(node.name).withRestartPolicy("OnFailure")
                    .addNewVolume().withName("state").withNewEmptyDir().endEmptyDir().endVolume()
                    .addToContainers(testmod("main", "print", "a run", "append", "/state/runs", "x",
                            "assert-file", "/state/runs", "x\nx\n", "print", "the second run succeeded")
                            .withVolumeMounts(new VolumeMountBuilder().withName("state").withMountPath("/state")
                                    .build()).build())
                    .endSpec().build());
            Pod done = awaitPhase(name, "Succeeded");
            assertEquals(describe(name), Integer.valueOf(1), status(done, "main").orElseThrow().getRestartCount());

            node.stop();
            node.start();
            node.awaitReady(client, Duration.ofSeconds(Math.max(180, TIMEOUT.toSeconds())));

            String current = awaitLog(name, "main", "be served after the restart",
                    l -> l.contains("the second run succeeded"));
            assertTrue(current, current.startsWith("a run\n"));
            String previous = awaitLog(name, "main", "be served with --previous after the restart",
                    () -> client.pods().inNamespace(NAMESPACE).withName(name).inContainer("main").terminated()
                            .getLog(), l -> l.contains("a run"));
            assertFalse("--previous is the first run:\n" + previous, previous.contains("the second run succeeded"));
            assertEquals("not run again\n" + describe(name), Integer.valueOf(1),
                    status(get(name), "main").orElseThrow().getRestartCount());
        } catch (AssertionError | RuntimeException e) {
            node.keep();
            throw new AssertionError(e.getMessage() + "\n" + node.logTail(), e);
        }
    }
}
