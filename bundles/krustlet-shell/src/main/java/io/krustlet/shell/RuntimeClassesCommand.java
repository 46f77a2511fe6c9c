package io.krustlet.shell;

import io.krustlet.core.status.KubeletNode;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * {@code krustlet:runtimeclasses}: RuntimeClass objects for the runtimes this node serves, with the
 * scheduling section Krustlet's labels and taints need; printed for {@code kubectl apply -f -}, or
 * applied with the node's credentials ({@code --apply}).
 */
@Service
@Command(scope = "krustlet", name = "runtimeclasses",
        description = "Prints (or applies) RuntimeClasses for the runtimes this node serves")
public class RuntimeClassesCommand implements Action {

    @Reference
    KubeletNode node;

    @Option(name = "--apply", description = "Create or update them in the cluster with the node's credentials")
    boolean apply;

    @Override
    public Object execute() {
        if (apply) {
            node.applyRuntimeClasses().forEach(System.out::println);
        } else {
            System.out.print(node.runtimeClassManifests());
        }
        return null;
    }
}
