package io.krustlet.testprovider;

import io.krustlet.api.ContainerRuntime;

/** The provider contract, for the test runtime configured with {@code krustlet.upgrade=carry-over}. */
class TestRuntimeCarryOverContractTest extends TestRuntimeContractTest {

    @Override
    protected ContainerRuntime newRuntime() {
        return new TestRuntime("1.0.0.carry", ContainerRuntime.UPGRADE_CARRY_OVER);
    }

    @Override
    protected boolean carriesOverContainers() {
        return true;
    }
}
