package io.krustlet.shell;

import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.logs.CriLogReader;
import io.krustlet.core.status.logs.FollowRun;
import io.krustlet.core.status.logs.ReadOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code krustlet:logs}: a container's output, like {@code kubectl logs}, read through the core's
 * one CRI log reader (the HTTPS API's {@code /containerLogs} uses the same), so long lines split
 * into partial records come out whole and {@code --tail} counts lines, not records.
 */
@Service
@Command(scope = "krustlet", name = "logs", description = "Prints the logs of a container of a pod on this node")
public class LogsCommand implements Action {

    /** How often a follow looks for new output and for the end of the run. */
    private static final long FOLLOW_POLL_MILLIS = 200;

    @Reference
    KubeletPods kubelet;

    @Argument(index = 0, name = "pod", required = true, description = "The pod's name")
    @org.apache.karaf.shell.api.action.Completion(PodNameCompleter.class)
    String pod;

    @Argument(index = 1, name = "container", description = "The container (default: the first one)")
    @org.apache.karaf.shell.api.action.Completion(ContainerNameCompleter.class)
    String containerArgument;

    @Option(name = "-c", aliases = "--container", description = "The container (default: the first one)")
    @org.apache.karaf.shell.api.action.Completion(ContainerNameCompleter.class)
    String container;

    @Option(name = "-n", aliases = "--namespace", description = "The pod's namespace (default: default)")
    String namespace = "default";

    @Option(name = "-p", aliases = "--previous", description = "The previous run of the container")
    boolean previous;

    @Option(name = "-f", aliases = "--follow", description = "Keep printing new output until the container stops (Ctrl-C ends it)")
    boolean follow;

    @Option(name = "--tail", description = "Only the last N lines")
    int tail = -1;

    @Option(name = "--timestamps", description = "Prefix each line with its timestamp")
    boolean timestamps;

    @Override
    public Object execute() throws IOException, InterruptedException {
        PodSnapshot snapshot = kubelet.pod(namespace, pod).orElseThrow(
                () -> new IllegalArgumentException("pods \"" + pod + "\" not found in namespace " + namespace));
        String name = container != null ? container : containerArgument != null ? containerArgument
                : snapshot.status().containerStatuses().stream().map(ContainerStatus::name).findFirst().orElse("");
        ContainerStatus status = snapshot.status().container(name).orElseThrow(
                () -> new IllegalArgumentException("container " + name + " is not valid for pod " + pod));
        Path file = kubelet.logFile(namespace, pod, name, previous).orElse(null);
        if (file == null) {
            if (previous) {
                throw new IllegalArgumentException("previous terminated container \"" + name + "\" in pod \"" + pod
                        + "\" not found");
            }
            return null;
        }
        var options = new ReadOptions(follow && !previous, tail >= 0 ? tail : null, timestamps, null, null);
        PrintStream console = System.out; // the session's terminal inside a Karaf command
        OutputStream out = new java.io.FilterOutputStream(console) {
            @Override
            public void close() throws IOException {
                flush(); // the console is the session's, not ours to close
            }
        };
        Thread self = Thread.currentThread();
        CriLogReader.stream(file, options, out, new FollowRun(kubelet, namespace, pod, name,
                previous ? -1 : status.restartCount(), self::isInterrupted, () -> Thread.sleep(FOLLOW_POLL_MILLIS)));
        out.flush();
        return null;
    }
}
