package io.krustlet.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

class PodAdmissionTest {

    private final PodAdmission admission = new PodAdmission(3, 2000, 1L << 30);

    private static Pod pod(String cpu, String memory, String initMemory) {
        var builder = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec()
                .addNewContainer().withName("a").withNewResources().addToRequests("cpu", new Quantity(cpu))
                .addToRequests("memory", new Quantity(memory)).endResources().endContainer();
        if (initMemory != null) {
            builder.addNewInitContainer().withName("i").withNewResources()
                    .addToLimits("memory", new Quantity(initMemory)).endResources().endInitContainer();
        }
        return builder.endSpec().build();
    }

    @Test
    void aNodeWithMaxPodsRunningRefusesTheNextOne() {
        var rejection = admission.check(pod("0", "0", null), 3, PodAdmission.Requests.NONE).orElseThrow();
        assertThat(rejection.reason()).isEqualTo("OutOfpods");
        assertThat(rejection.message()).isEqualTo(
                "Pod Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3");
        assertThat(admission.check(pod("0", "0", null), 2, PodAdmission.Requests.NONE)).isEmpty();
    }

    @Test
    void requestsMustFitWhatIsLeftOfAllocatable() {
        var used = new PodAdmission.Requests(1500, 512L << 20);
        assertThat(admission.check(pod("600m", "1Mi", null), 1, used).orElseThrow().reason()).isEqualTo("OutOfcpu");
        assertThat(admission.check(pod("500m", "1Mi", null), 1, used)).isEmpty();
        assertThat(admission.check(pod("100m", "600Mi", null), 1, used).orElseThrow().reason())
                .isEqualTo("OutOfmemory");
    }

    @Test
    void anInitContainersLimitCountsWhenItIsTheLargest() {
        assertThat(PodAdmission.Requests.of(pod("100m", "64Mi", "256Mi")))
                .isEqualTo(new PodAdmission.Requests(100, 256L << 20));
    }
}
