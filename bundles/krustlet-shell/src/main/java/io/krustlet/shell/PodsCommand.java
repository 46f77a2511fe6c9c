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

    @Option(name = "-o", aliases = "--output", description = "wide: also the runtime and the pod's IP")
    String output;

    @Override
    public Object execute() {
        Instant now = Instant.now();
        boolean wide = "wide".equals(output);
        if (output != null && !wide) {
            throw new IllegalArgumentException("unable to match a printer suitable for the output format \"" + output
                    + "\", allowed formats are: wide");
        }
        System.out.println(wide ? PodTable.wideHeader() : PodTable.header());
        for (PodSnapshot pod : kubelet.pods()) {
            if (namespace == null || namespace.equals(pod.namespace())) {
                System.out.println(wide ? PodTable.wideRow(pod, now) : PodTable.row(pod, now));
            }
        }
        return null;
    }
}
