package io.krustlet.shell;

import io.krustlet.core.status.KubeletNode;
import io.krustlet.core.status.NodeSnapshot;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code krustlet:node}: the node at a glance, like the top of {@code kubectl describe node}. */
@Service
@Command(scope = "krustlet", name = "node", description = "Shows this node: name, mode, conditions, addresses, runtimes, pods")
public class NodeCommand implements Action {

    @Reference
    KubeletNode node;

    @Override
    public Object execute() {
        System.out.print(format(node.node()));
        return null;
    }

    static String format(NodeSnapshot n) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-16s %s%n", "Name:", n.name()));
        out.append(String.format("%-16s %s%s%n", "Mode:", n.mode(), n.apiServer().isEmpty() ? "" : " (" + n.apiServer() + ")"));
        out.append("Conditions:\n");
        out.append(String.format("  %-16s %-7s %-30s %s%n", "Type", "Status", "Reason", "Message"));
        for (NodeSnapshot.Condition c : n.conditions()) {
            out.append(String.format("  %-16s %-7s %-30s %s%n", c.type(), c.status(), c.reason(), c.message()));
        }
        out.append("Addresses:\n");
        n.addresses().forEach((type, address) -> out.append(String.format("  %-14s %s%n", type + ":", address)));
        out.append("Runtimes:\n");
        if (n.runtimes().isEmpty()) {
            out.append("  (none: install a provider, e.g. feature:install krustlet-wasi-provider)\n");
        }
        new java.util.TreeMap<>(n.runtimes()).forEach((runtime, version) -> out.append(String.format("  %-14s %s%s%n",
                runtime, version, runtime.equals(n.defaultRuntime()) ? "  (default)" : "")));
        out.append(String.format("%-16s %d of %d%n", "Pods:", n.pods(), n.maxPods()));
        return out.toString();
    }
}
