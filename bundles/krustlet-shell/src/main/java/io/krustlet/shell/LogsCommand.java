package io.krustlet.shell;

import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code krustlet:logs}: a container's output, like {@code kubectl logs}. */
@Service
@Command(scope = "krustlet", name = "logs", description = "Prints the logs of a container of a pod on this node")
public class LogsCommand implements Action {

    @Reference
    KubeletPods kubelet;

    @Argument(index = 0, name = "pod", required = true, description = "The pod's name")
    String pod;

    @Argument(index = 1, name = "container", description = "The container (default: the only or first one)")
    String container;

    @Option(name = "-n", aliases = "--namespace", description = "The pod's namespace (default: default)")
    String namespace = "default";

    @Option(name = "-p", aliases = "--previous", description = "The previous run of the container")
    boolean previous;

    @Option(name = "--tail", description = "Only the last N lines")
    int tail = -1;

    @Option(name = "--timestamps", description = "Prefix each line with its timestamp")
    boolean timestamps;

    @Override
    public Object execute() throws IOException {
        PodSnapshot snapshot = kubelet.pod(namespace, pod).orElse(null);
        if (snapshot == null) {
            throw new IllegalArgumentException("pods \"" + pod + "\" not found in namespace " + namespace);
        }
        String name = container != null ? container
                : snapshot.status().containerStatuses().stream().map(ContainerStatus::name).findFirst().orElse("");
        if (snapshot.status().container(name).isEmpty()) {
            throw new IllegalArgumentException("container " + name + " is not valid for pod " + pod);
        }
        Path file = kubelet.logFile(namespace, pod, name, previous).orElse(null);
        if (file == null) {
            if (previous) {
                throw new IllegalArgumentException("previous terminated container \"" + name + "\" in pod \"" + pod
                        + "\" not found");
            }
            return null;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int from = tail >= 0 ? Math.max(0, lines.size() - tail) : 0;
        for (String line : lines.subList(from, lines.size())) {
            System.out.println(CriLine.format(line, timestamps));
        }
        return null;
    }
}
