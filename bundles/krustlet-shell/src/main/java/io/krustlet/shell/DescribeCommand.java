package io.krustlet.shell;

import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodSnapshot;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code krustlet:describe POD}: a pod with its containers and recent Events, like {@code kubectl describe pod}. */
@Service
@Command(scope = "krustlet", name = "describe", description = "Shows a pod of this node in detail, with its recent Events")
public class DescribeCommand implements Action {

    @Reference
    KubeletPods kubelet;

    @Argument(index = 0, name = "pod", required = true, description = "The pod's name")
    @Completion(PodNameCompleter.class)
    String pod;

    @Option(name = "-n", aliases = "--namespace", description = "The pod's namespace (default: default)")
    String namespace = "default";

    @Override
    public Object execute() {
        PodSnapshot snapshot = kubelet.pod(namespace, pod).orElseThrow(
                () -> new IllegalArgumentException("pods \"" + pod + "\" not found in namespace " + namespace));
        System.out.print(PodDescription.of(snapshot, kubelet.nodeName(), kubelet.events(namespace, pod),
                java.time.Instant.now()));
        return null;
    }
}
