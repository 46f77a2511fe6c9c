package io.krustlet.shell;

import io.krustlet.core.status.KubeletNode;
import io.krustlet.core.status.ProviderSnapshot;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code krustlet:providers}: the runtime provider bundles, what they serve and what runs on them. */
@Service
@Command(scope = "krustlet", name = "providers", description = "Lists the runtime providers: runtime, bundle, containers, state")
public class ProvidersCommand implements Action {

    @Reference
    KubeletNode node;

    @Argument(index = 0, name = "runtime", description = "Only the providers of this runtime")
    @Completion(RuntimeNameCompleter.class)
    String runtime;

    @Override
    public Object execute() {
        System.out.print(format(node.providers(), runtime));
        return null;
    }

    static String format(List<ProviderSnapshot> providers, String runtime) {
        StringBuilder out = new StringBuilder(String.format("%-10s %-6s %-34s %-22s %-10s %-10s %-12s %s%n", "RUNTIME",
                "BUNDLE", "NAME", "VERSION", "UPGRADE", "CONTAINERS", "STATE", "MESSAGE"));
        for (ProviderSnapshot p : providers) {
            if (runtime == null || runtime.equals(p.runtime())) {
                out.append(String.format("%-10s %-6d %-34s %-22s %-10s %-10d %-12s %s%n",
                        p.runtime().isEmpty() ? "-" : p.runtime(), p.bundleId(), p.bundleName(), p.bundleVersion(),
                        p.upgrade().isEmpty() ? "-" : p.upgrade(), p.containers(), p.state(), p.message()));
            }
        }
        return out.toString();
    }
}
