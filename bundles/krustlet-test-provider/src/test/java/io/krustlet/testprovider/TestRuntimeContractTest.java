package io.krustlet.testprovider;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ModuleRef;
import io.krustlet.testkit.ContainerRuntimeContract;
import java.nio.file.Path;
import java.util.Optional;

/** The provider contract, for the test runtime. */
class TestRuntimeContractTest extends ContainerRuntimeContract {

    /** The test runtime does not read its module: any fetched module will do. */
    static final ModuleRef MODULE = new ModuleRef("fs/script", Path.of("script"), "sha256:" + "0".repeat(64));

    @Override
    protected ContainerRuntime newRuntime() {
        return new TestRuntime("1.0.0.contract", ContainerRuntime.UPGRADE_RESTART);
    }

    @Override
    protected void deactivate(ContainerRuntime runtime) {
        ((TestRuntime) runtime).deactivate();
    }

    @Override
    protected ContainerSpec exitWith(int code) {
        return spec(MODULE, "exit", String.valueOf(code));
    }

    @Override
    protected ContainerSpec print(String stdoutLine, String stderrLine) {
        return spec(MODULE, "print", stdoutLine, "eprint", stderrLine);
    }

    @Override
    protected ContainerSpec runUntilStopped() {
        return spec(MODULE, "run");
    }

    @Override
    protected ContainerSpec unstartable() {
        return spec(MODULE, "print");
    }

    @Override
    protected Optional<ContainerSpec> ignoringStop() {
        return Optional.of(spec(MODULE, "ignore-stop"));
    }

    @Override
    protected boolean enforcesMemoryLimits() {
        return true;
    }

    @Override
    protected ContainerSpec allocate(long bytes) {
        return spec(MODULE, "alloc", String.valueOf(bytes));
    }

    @Override
    protected boolean measuresUsage() {
        return true;
    }
}
