package io.krustlet.shell;

import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodSnapshot;
import java.time.Instant;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code krustlet:pods}: the node's pods, like {@code kubectl get pods -o wide} on this node. */
@Service
@Command(scope = "krustlet", name = "pods", description = "Lists the pods of this node with their status")
public class PodsCommand implements Action {

    @Reference
    KubeletPods kubelet;

    @Option(name = "-n", aliases = "--namespace", description = "Only pods of this namespace")
    String namespace;

    @Override
    public Object execute() {
        Instant now = Instant.now();
        System.out.println(PodTable.header());
        for (PodSnapshot pod : kubelet.pods()) {
            if (namespace == null || namespace.equals(pod.namespace())) {
                System.out.println(PodTable.row(pod, now));
            }
        }
        return null;
    }
}
