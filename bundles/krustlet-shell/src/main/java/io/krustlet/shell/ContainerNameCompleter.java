package io.krustlet.shell;

import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.KubeletPods;
import java.util.List;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes the container names (init and app) of the pod named earlier on the command line. */
@Service
public class ContainerNameCompleter implements Completer {

    @Reference
    KubeletPods kubelet;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        String namespace = CommandLines.option(commandLine, "-n", "--namespace");
        String pod = CommandLines.firstArgument(commandLine);
        var names = new StringsCompleter();
        if (pod != null) {
            kubelet.pod(namespace == null ? "default" : namespace, pod).ifPresent(p -> Stream.concat(
                    p.status().initContainerStatuses().stream(), p.status().containerStatuses().stream())
                    .map(ContainerStatus::name).forEach(names.getStrings()::add));
        }
        return names.complete(session, commandLine, candidates);
    }
}
