package io.krustlet.shell;

import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodSnapshot;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the names of the pods this node runs (of the namespace given with -n, if any). */
@Service
public class PodNameCompleter implements Completer {

    @Reference
    KubeletPods kubelet;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        String namespace = CommandLines.option(commandLine, "-n", "--namespace");
        var names = new StringsCompleter();
        kubelet.pods().stream().filter(p -> namespace == null || namespace.equals(p.namespace()))
                .map(PodSnapshot::name).forEach(names.getStrings()::add);
        return names.complete(session, commandLine, candidates);
    }
}
