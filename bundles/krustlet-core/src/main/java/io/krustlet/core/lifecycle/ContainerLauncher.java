package io.krustlet.core.lifecycle;

import io.krustlet.core.pod.LaunchException;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.PodDefinition;

/** Prepares a container (module, volumes, log files) and starts it on a runtime. */
public interface ContainerLauncher {

    /**
     * @param attempt the restart count this run will have
     * @throws LaunchException when it cannot start; the pod worker retries with back-off
     */
    Launch launch(PodDefinition pod, ContainerDefinition container, int attempt, ContainerRuntime runtime)
            throws LaunchException;

    /** A started container. */
    interface Launch {
        ContainerHandle handle();

        /** The module digest it runs. */
        String imageId();

        /** Called once after the exit, to close log files; returns the last line written, or "". */
        String finish();
    }
}
