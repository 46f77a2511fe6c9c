package org.example.krustlet.minimal;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ModuleRef;
import io.krustlet.testkit.ContainerRuntimeContract;
import java.nio.file.Path;

/**
 * Every rule of the provider SPI, checked for the demo runtime by the Krustlet test kit. The demo
 * runtime neither enforces memory limits nor measures usage, and its containers cannot ignore a
 * stop: those checks are skipped.
 */
class DemoRuntimeContractTest extends ContainerRuntimeContract {

    /** The demo runtime does not read its module: any fetched module will do. */
    private static final ModuleRef MODULE = new ModuleRef("fs/demo", Path.of("demo"), "sha256:0");

    @Override
    protected ContainerRuntime newRuntime() {
        return new DemoRuntime();
    }

    @Override
    protected void deactivate(ContainerRuntime runtime) throws InterruptedException {
        ((DemoRuntime) runtime).deactivate();
    }

    @Override
    protected ContainerSpec exitWith(int code) {
        return spec(MODULE, "exit", String.valueOf(code));
    }

    @Override
    protected ContainerSpec print(String stdoutLine, String stderrLine) {
        return spec(MODULE, "say", stdoutLine, "warn", stderrLine);
    }

    @Override
    protected ContainerSpec runUntilStopped() {
        return spec(MODULE, "wait");
    }

    @Override
    protected ContainerSpec unstartable() {
        return spec(MODULE, "dance");
    }
}
