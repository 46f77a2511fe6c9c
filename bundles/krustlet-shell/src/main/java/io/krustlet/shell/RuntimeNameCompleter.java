package io.krustlet.shell;

import io.krustlet.core.status.KubeletNode;
import io.krustlet.core.status.ProviderSnapshot;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of the runtimes the node's providers serve. */
@Service
public class RuntimeNameCompleter implements Completer {

    @Reference
    KubeletNode node;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        var names = new StringsCompleter();
        node.providers().stream().map(ProviderSnapshot::runtime).filter(r -> !r.isEmpty()).distinct()
                .forEach(names.getStrings()::add);
        return names.complete(session, commandLine, candidates);
    }
}
