package io.krustlet.core.pod;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;

/**
 * The values of the downward API ({@code fieldRef} and {@code resourceFieldRef}) for a pod on this
 * node, computed the way the kubelet computes them, for environment variables and downwardAPI volumes.
 */
public final class DownwardApiValues {

    private static final String LABELS = "metadata.labels";
    private static final String ANNOTATIONS = "metadata.annotations";

    private final NodeInfo node;

    public DownwardApiValues(NodeInfo node) {
        this.node = node;
    }

    /**
     * A {@code fieldRef} of an environment variable. The status fields are the node's IP: wasm
     * pods share the host network, so the pod IP is the host IP, as for a hostNetwork pod.
     */
    public String envField(PodDefinition pod, String fieldPath) throws ContainerConfigException {
        switch (fieldPath) {
            case "spec.nodeName":
                return pod.nodeName() == null ? "" : pod.nodeName();
            case "spec.serviceAccountName":
                return pod.serviceAccountName();
            case "status.hostIP":
            case "status.hostIPs":
            case "status.podIP":
            case "status.podIPs":
                return node.ip();
            default:
                return metadataField(pod, fieldPath, false);
        }
    }

    /** A {@code fieldRef} of a downwardAPI volume file: metadata only, and the whole label and annotation maps. */
    public String volumeField(PodDefinition pod, String fieldPath) throws ContainerConfigException {
        return metadataField(pod, fieldPath, true);
    }

    private static String metadataField(PodDefinition pod, String fieldPath, boolean wholeMaps)
            throws ContainerConfigException {
        switch (fieldPath) {
            case "metadata.name":
                return pod.name();
            case "metadata.namespace":
                return pod.namespace();
            case "metadata.uid":
                return pod.uid() == null ? "" : pod.uid();
            default:
                break;
        }
        if (wholeMaps && fieldPath.equals(LABELS)) {
            return formatMap(pod.labels());
        }
        if (wholeMaps && fieldPath.equals(ANNOTATIONS)) {
            return formatMap(pod.annotations());
        }
        String label = subscript(fieldPath, LABELS);
        if (label != null) {
            return pod.labels().getOrDefault(label, "");
        }
        String annotation = subscript(fieldPath, ANNOTATIONS);
        if (annotation != null) {
            return pod.annotations().getOrDefault(annotation, "");
        }
        throw new ContainerConfigException("unsupported fieldPath: " + fieldPath);
    }

    /** {@code metadata.labels['key']} -> {@code key}; null when the path is not a subscript of {@code prefix}. */
    static String subscript(String fieldPath, String prefix) {
        String open = prefix + "['";
        if (fieldPath.startsWith(open) && fieldPath.endsWith("']") && fieldPath.length() > open.length() + 2) {
            return fieldPath.substring(open.length(), fieldPath.length() - 2);
        }
        return null;
    }

    /** The kubelet's format for a whole label or annotation map: {@code key="value"} lines, sorted by key. */
    static String formatMap(Map<String, String> map) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(e.getKey()).append('=').append(GoQuote.quote(e.getValue()));
        }
        return out.toString();
    }

    /**
     * A {@code resourceFieldRef}, with the kubelet's rounding: the value divided by the divisor,
     * rounded up. A container without a limit reports the node's allocatable amount instead.
     *
     * @param self the container the reference belongs to, used when it names no container
     */
    public String resource(PodDefinition pod, ContainerDefinition self, ResourceFieldSpec ref)
            throws ContainerConfigException {
        ContainerDefinition container = self;
        if (ref.containerName() != null && !ref.containerName().isEmpty()) {
            container = pod.container(ref.containerName()).orElseThrow(
                    () -> new ContainerConfigException("container " + ref.containerName() + " not found"));
        }
        if (container == null) {
            throw new ContainerConfigException("resourceFieldRef " + ref.resource() + ": containerName is required");
        }
        BigDecimal divisor = divisor(ref);
        ContainerResources resources = container.resources();
        switch (ref.resource()) {
            case "limits.cpu":
                return cpu(quantity(resources.limits().get("cpu"), milliCores(node.allocatableMilliCpu())), divisor);
            case "limits.memory":
                return memory(quantity(resources.limits().get("memory"),
                        BigDecimal.valueOf(node.allocatableMemoryBytes())), divisor);
            case "requests.cpu":
                return cpu(quantity(resources.requests().get("cpu"), BigDecimal.ZERO), divisor);
            case "requests.memory":
                return memory(quantity(resources.requests().get("memory"), BigDecimal.ZERO), divisor);
            default:
                throw new ContainerConfigException("unsupported container resource : " + ref.resource());
        }
    }

    private static BigDecimal milliCores(long milli) {
        return BigDecimal.valueOf(milli).movePointLeft(3);
    }

    private static BigDecimal divisor(ResourceFieldSpec ref) throws ContainerConfigException {
        BigDecimal divisor = quantity(ref.divisor(), BigDecimal.ZERO);
        // an unset (zero) divisor means 1, as in the kubelet
        return divisor.signum() == 0 ? BigDecimal.ONE : divisor;
    }

    private static BigDecimal quantity(String value, BigDecimal absent) throws ContainerConfigException {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        try {
            return Quantity.getAmountInBytes(Quantity.parse(value));
        } catch (RuntimeException e) {
            throw new ContainerConfigException("invalid quantity \"" + value + "\": " + e.getMessage());
        }
    }

    /** ceil(milliValue(cpu) / milliValue(divisor)), each milli value rounded up as Quantity.MilliValue does. */
    private static String cpu(BigDecimal cores, BigDecimal divisor) {
        BigDecimal milli = cores.movePointRight(3).setScale(0, RoundingMode.CEILING);
        BigDecimal divisorMilli = divisor.movePointRight(3).setScale(0, RoundingMode.CEILING);
        return milli.divide(divisorMilli, 0, RoundingMode.CEILING).toPlainString();
    }

    /** ceil(value(memory) / value(divisor)), each value rounded up as Quantity.Value does. */
    private static String memory(BigDecimal bytes, BigDecimal divisor) {
        BigDecimal value = bytes.setScale(0, RoundingMode.CEILING);
        BigDecimal divisorValue = divisor.setScale(0, RoundingMode.CEILING);
        return value.divide(divisorValue, 0, RoundingMode.CEILING).toPlainString();
    }
}
