package io.krustlet.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.Test;

/** A module that prints and exits: the pod succeeds on the node, and its output is what `kubectl logs` shows. */
public class LogsE2E extends E2ESupport {

    private static final Pattern TIMESTAMPED = Pattern.compile(
            "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2}) (.*)$");

    @Test
    public void helloSucceedsOnTheNodeAndItsOutputIsInTheLogs() {
        String name = unique("hello");
        create(pod(name).editSpec()
                .addToContainers(container("main", "print", "Hello from WebAssembly", "eprint", "to stderr",
                        "lines", "5"))
                .endSpec().build());

        Pod pod = awaitPhase(name, "Succeeded");
        assertEquals("bound by the scheduler to the node under test\n" + describe(name), nodeName,
                pod.getSpec().getNodeName());
        ContainerStateTerminated terminated = terminated(pod, "main").orElseThrow(
                () -> new AssertionError("main is not terminated\n" + describe(name)));
        assertEquals(describe(name), Integer.valueOf(0), terminated.getExitCode());
        assertEquals(describe(name), "Completed", terminated.getReason());
        assertNotNull("status.hostIP\n" + describe(name), pod.getStatus().getHostIP());
        assertNotNull("status.startTime\n" + describe(name), pod.getStatus().getStartTime());

        String log = awaitLog(name, "main", "hold the module's output",
                l -> l.contains("Hello from WebAssembly\n") && l.contains("line 5\n"));
        assertTrue("stderr is in the log too:\n" + log, log.contains("to stderr\n"));
        assertTrue("stdout lines in order:\n" + log, log.indexOf("Hello from WebAssembly") < log.indexOf("line 1\n")
                && log.indexOf("line 1\n") < log.indexOf("line 5\n"));

        awaitEvents(name, "Scheduled, Pulled, Created and Started", events -> hasEvent(events, "Normal", "Scheduled", null)
                && hasEvent(events, "Normal", "Pulled", "main") && hasEvent(events, "Normal", "Created", "main")
                && hasEvent(events, "Normal", "Started", "main"));
    }

    /** `kubectl logs -f`: lines arrive while the module runs, and the stream ends when it exits. */
    @Test
    public void followStreamsNewLinesUntilTheContainerExits() throws Exception {
        String name = unique("follow");
        create(pod(name).editSpec().addToContainers(container("main", "print", "first", "sleep", "3000",
                "print", "second")).endSpec().build());
        awaitPod(name, "to run", p -> running(p, "main"));
        var out = new java.io.ByteArrayOutputStream();
        try (var watch = client.pods().inNamespace(NAMESPACE).withName(name).inContainer("main").watchLog(out)) {
            await("the followed log to show the first line", TIMEOUT, () -> out.toString(), l -> l.contains("first\n"),
                    () -> describe(name));
            await("the followed log to show the line printed after 3 s", TIMEOUT, () -> out.toString(),
                    l -> l.contains("second\n"), () -> describe(name));
        }
        assertTrue("in order:\n" + out, out.toString().indexOf("first") < out.toString().indexOf("second"));
    }

    @Test
    public void logsHonourTailLinesAndTimestamps() {
        String name = unique("tail");
        create(pod(name).editSpec().addToContainers(container("main", "lines", "10")).endSpec().build());
        awaitPhase(name, "Succeeded");
        String full = awaitLog(name, "main", "hold 10 lines", l -> l.contains("line 10\n"));
        assertEquals(numbered(1, 10), full);

        String tail = awaitLog(name, "main", "end in lines 8 to 10 with tailLines=3",
                () -> client.pods().inNamespace(NAMESPACE).withName(name).inContainer("main").tailingLines(3).getLog(),
                l -> !l.isEmpty());
        assertEquals("tailLines=3", numbered(8, 10), tail);

        String stamped = awaitLog(name, "main", "carry timestamps",
                () -> client.pods().inNamespace(NAMESPACE).withName(name).inContainer("main").usingTimestamps()
                        .getLog(),
                l -> !l.isEmpty());
        List<String> lines = stamped.lines().toList();
        assertEquals("timestamps=true:\n" + stamped, 10, lines.size());
        StringBuilder stripped = new StringBuilder();
        for (String line : lines) {
            var m = TIMESTAMPED.matcher(line);
            assertTrue("an RFC 3339 timestamp, a space, then the line: \"" + line + "\"", m.matches());
            stripped.append(m.group(3)).append('\n');
        }
        assertEquals("the lines behind the timestamps", full, stripped.toString());

        String both = client.pods().inNamespace(NAMESPACE).withName(name).inContainer("main").usingTimestamps()
                .tailingLines(1).getLog();
        assertTrue("timestamps and tailLines=1: " + both,
                both.lines().count() == 1 && both.endsWith(" line 10\n") && TIMESTAMPED.matcher(both.strip()).matches());
    }

    private static String numbered(int from, int to) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i <= to; i++) {
            out.append("line ").append(i).append('\n');
        }
        return out.toString();
    }
}
