package io.krustlet.core.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.krustlet.api.ResourceLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DownwardApiValuesTest {

    private final DownwardApiValues values = new DownwardApiValues(new NodeInfo("10.1.1.1", 2000, 1L << 30));

    private static PodDefinition pod(Map<String, String> labels, ContainerDefinition... containers) {
        return new PodDefinition("ns", "p", "u", "api", null, RestartPolicy.Always, Duration.ofSeconds(1), List.of(),
                List.of(containers), List.of(), Map.of("b", "2", "a", "1"), labels, "sa", "n1", List.of());
    }

    private static ContainerDefinition container(String name, ContainerResources resources) {
        return new ContainerDefinition(name, "x", null, List.of(), List.of(), List.of(), null, List.of(),
                ResourceLimits.NONE, List.of(), resources);
    }

    @Test
    void wholeLabelAndAnnotationMapsUseTheKubeletsSortedQuotedFormat() throws Exception {
        PodDefinition pod = pod(Map.of("zone", "eu", "app", "say \"hi\"\n\tnow\u0001 é"));
        assertThat(values.volumeField(pod, "metadata.labels"))
                .isEqualTo("app=\"say \\\"hi\\\"\\n\\tnow\\x01 é\"\nzone=\"eu\"");
        assertThat(values.volumeField(pod, "metadata.annotations")).isEqualTo("a=\"1\"\nb=\"2\"");
        assertThat(values.volumeField(pod(Map.of()), "metadata.labels")).isEmpty();
        assertThat(values.volumeField(pod, "metadata.labels['zone']")).isEqualTo("eu");
        assertThatThrownBy(() -> values.volumeField(pod, "spec.nodeName")).isInstanceOf(ContainerConfigException.class);
    }

    @Test
    void resourcesRoundUpPerDivisorAndUseAllocatableWithoutALimit() throws Exception {
        var limited = container("a", new ContainerResources(Map.of("cpu", "2500m", "memory", "1G"), Map.of("cpu", "100m")));
        var bare = container("b", ContainerResources.NONE);
        PodDefinition pod = pod(Map.of(), limited, bare);
        assertThat(values.resource(pod, limited, new ResourceFieldSpec(null, "limits.cpu", null))).isEqualTo("3");
        assertThat(values.resource(pod, limited, new ResourceFieldSpec(null, "limits.cpu", "1m"))).isEqualTo("2500");
        assertThat(values.resource(pod, limited, new ResourceFieldSpec(null, "limits.memory", "1Mi"))).isEqualTo("954");
        assertThat(values.resource(pod, limited, new ResourceFieldSpec(null, "limits.memory", "0"))).isEqualTo("1000000000");
        assertThat(values.resource(pod, limited, new ResourceFieldSpec(null, "requests.cpu", "1m"))).isEqualTo("100");
        assertThat(values.resource(pod, null, new ResourceFieldSpec("b", "limits.cpu", "1m"))).isEqualTo("2000");
        assertThat(values.resource(pod, null, new ResourceFieldSpec("b", "limits.memory", "1Ki"))).isEqualTo("1048576");
        assertThatThrownBy(() -> values.resource(pod, null, new ResourceFieldSpec("nope", "limits.cpu", null)))
                .hasMessage("container nope not found");
    }
}
