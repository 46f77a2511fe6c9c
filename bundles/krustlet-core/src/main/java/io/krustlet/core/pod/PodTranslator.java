package io.krustlet.core.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.krustlet.api.ResourceLimits;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a fabric8 Pod into a {@link PodDefinition}, checking what the API server would check
 * for the parts this node relies on, so a bad manifest fails with the API's kind of message.
 */
public final class PodTranslator {

    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final long DEFAULT_GRACE_SECONDS = 30;

    private final String nodeName;

    public PodTranslator(String nodeName) {
        this.nodeName = Objects.requireNonNull(nodeName);
    }

    /**
     * @param pod the pod; metadata.name, namespace and uid must already be set
     * @param source {@code file} or {@code api}
     */
    public PodDefinition translate(Pod pod, String source) throws InvalidPodException {
        var meta = pod.getMetadata();
        if (meta == null || meta.getName() == null || meta.getName().isBlank()) {
            throw new InvalidPodException("metadata.name: Required value");
        }
        String name = meta.getName();
        requireMatch(DNS1123_SUBDOMAIN, name, 253, "metadata.name");
        String namespace = meta.getNamespace() == null ? "default" : meta.getNamespace();
        requireMatch(DNS1123_LABEL, namespace, 63, "metadata.namespace");
        PodSpec spec = pod.getSpec();
        if (spec == null) {
            throw new InvalidPodException("spec: Required value");
        }
        if (spec.getContainers() == null || spec.getContainers().isEmpty()) {
            throw new InvalidPodException("spec.containers: Required value");
        }
        RestartPolicy restartPolicy = restartPolicy(spec.getRestartPolicy());
        List<VolumeDefinition> volumes = volumes(spec);
        Set<String> volumeNames = new HashSet<>();
        volumes.forEach(v -> volumeNames.add(v.name()));

        Set<String> containerNames = new HashSet<>();
        List<ContainerDefinition> init = containers(pod, spec.getInitContainers(), "spec.initContainers", containerNames, volumeNames);
        List<ContainerDefinition> app = containers(pod, spec.getContainers(), "spec.containers", containerNames, volumeNames);
        long grace = spec.getTerminationGracePeriodSeconds() == null
                ? DEFAULT_GRACE_SECONDS
                : spec.getTerminationGracePeriodSeconds();
        if (grace < 0) {
            throw new InvalidPodException("spec.terminationGracePeriodSeconds: must be greater than or equal to 0");
        }
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        return new PodDefinition(namespace, name, meta.getUid(), source, blankToNull(spec.getRuntimeClassName()),
                restartPolicy, Duration.ofSeconds(grace), init, app, volumes, annotations);
    }

    private static RestartPolicy restartPolicy(String value) throws InvalidPodException {
        if (value == null || value.isEmpty()) {
            return RestartPolicy.Always;
        }
        try {
            return RestartPolicy.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidPodException("spec.restartPolicy: Unsupported value: \"" + value
                    + "\": supported values: \"Always\", \"OnFailure\", \"Never\"");
        }
    }

    private static List<VolumeDefinition> volumes(PodSpec spec) throws InvalidPodException {
        List<VolumeDefinition> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<Volume> volumes = spec.getVolumes() == null ? List.of() : spec.getVolumes();
        for (int i = 0; i < volumes.size(); i++) {
            Volume v = volumes.get(i);
            String field = "spec.volumes[" + i + "]";
            if (v.getName() == null || v.getName().isEmpty()) {
                throw new InvalidPodException(field + ".name: Required value");
            }
            requireMatch(DNS1123_LABEL, v.getName(), 63, field + ".name");
            if (!seen.add(v.getName())) {
                throw new InvalidPodException(field + ".name: Duplicate value: \"" + v.getName() + "\"");
            }
            if (v.getHostPath() != null) {
                if (v.getHostPath().getPath() == null || v.getHostPath().getPath().isEmpty()) {
                    throw new InvalidPodException(field + ".hostPath.path: Required value");
                }
                result.add(new VolumeDefinition(v.getName(), VolumeDefinition.HOST_PATH, v.getHostPath().getPath()));
            } else if (v.getEmptyDir() != null) {
                result.add(new VolumeDefinition(v.getName(), VolumeDefinition.EMPTY_DIR, null));
            } else {
                throw new InvalidPodException(field + ": volume \"" + v.getName()
                        + "\" has a type this node does not support yet (supported: hostPath, emptyDir)");
            }
        }
        return result;
    }

    private List<ContainerDefinition> containers(Pod pod, List<Container> containers, String field,
            Set<String> names, Set<String> volumeNames) throws InvalidPodException {
        List<ContainerDefinition> result = new ArrayList<>();
        if (containers == null) {
            return result;
        }
        for (int i = 0; i < containers.size(); i++) {
            result.add(container(pod, containers.get(i), field + "[" + i + "]", names, volumeNames));
        }
        return result;
    }

    private ContainerDefinition container(Pod pod, Container c, String field, Set<String> names,
            Set<String> volumeNames) throws InvalidPodException {
        if (c.getName() == null || c.getName().isEmpty()) {
            throw new InvalidPodException(field + ".name: Required value");
        }
        requireMatch(DNS1123_LABEL, c.getName(), 63, field + ".name");
        if (!names.add(c.getName())) {
            throw new InvalidPodException(field + ".name: Duplicate value: \"" + c.getName() + "\"");
        }
        if (c.getImage() == null || c.getImage().isBlank()) {
            throw new InvalidPodException(field + ".image: Required value");
        }
        List<ContainerDefinition.VolumeMount> mounts = new ArrayList<>();
        if (c.getVolumeMounts() != null) {
            for (int i = 0; i < c.getVolumeMounts().size(); i++) {
                var m = c.getVolumeMounts().get(i);
                String mf = field + ".volumeMounts[" + i + "]";
                if (m.getName() == null || !volumeNames.contains(m.getName())) {
                    throw new InvalidPodException(mf + ".name: Not found: \"" + m.getName() + "\"");
                }
                if (m.getMountPath() == null || !m.getMountPath().startsWith("/")) {
                    throw new InvalidPodException(mf + ".mountPath: must be an absolute path");
                }
                String subPath = blankToNull(m.getSubPath());
                if (subPath != null && (subPath.startsWith("/") || List.of(subPath.split("/")).contains(".."))) {
                    throw new InvalidPodException(mf + ".subPath: must be a relative path without '..'");
                }
                mounts.add(new ContainerDefinition.VolumeMount(m.getName(), m.getMountPath(), subPath,
                        Boolean.TRUE.equals(m.getReadOnly())));
            }
        }
        String pullPolicy = blankToNull(c.getImagePullPolicy());
        if (pullPolicy != null && !List.of("Always", "IfNotPresent", "Never").contains(pullPolicy)) {
            throw new InvalidPodException(field + ".imagePullPolicy: Unsupported value: \"" + pullPolicy
                    + "\": supported values: \"Always\", \"IfNotPresent\", \"Never\"");
        }
        return new ContainerDefinition(c.getName(), c.getImage().trim(), pullPolicy, nullToEmpty(c.getCommand()),
                nullToEmpty(c.getArgs()), env(pod, c, field), blankToNull(c.getWorkingDir()), mounts, limits(c, field));
    }

    private Map<String, String> env(Pod pod, Container c, String field) throws InvalidPodException {
        Map<String, String> env = new LinkedHashMap<>();
        if (c.getEnv() == null) {
            return env;
        }
        for (int i = 0; i < c.getEnv().size(); i++) {
            EnvVar var = c.getEnv().get(i);
            String ef = field + ".env[" + i + "]";
            if (var.getName() == null || var.getName().isEmpty()) {
                throw new InvalidPodException(ef + ".name: Required value");
            }
            EnvVarSource from = var.getValueFrom();
            if (from == null) {
                env.put(var.getName(), expand(var.getValue() == null ? "" : var.getValue(), env));
            } else if (from.getFieldRef() != null) {
                env.put(var.getName(), fieldRef(pod, from.getFieldRef(), ef));
            } else {
                throw new InvalidPodException(ef + ".valueFrom: only value and fieldRef are supported for static pods");
            }
        }
        return env;
    }

    /** $(VAR) references to earlier variables, with $$ as an escape, as the kubelet expands them. */
    static String expand(String value, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '$' && i + 1 < value.length()) {
                char next = value.charAt(i + 1);
                if (next == '$') {
                    out.append('$');
                    i++;
                    continue;
                }
                if (next == '(') {
                    int close = value.indexOf(')', i + 2);
                    if (close > 0) {
                        String ref = value.substring(i + 2, close);
                        if (env.containsKey(ref)) {
                            out.append(env.get(ref));
                            i = close;
                            continue;
                        }
                    }
                }
            }
            out.append(ch);
        }
        return out.toString();
    }

    private String fieldRef(Pod pod, ObjectFieldSelector ref, String field) throws InvalidPodException {
        var meta = pod.getMetadata();
        String path = ref.getFieldPath() == null ? "" : ref.getFieldPath();
        switch (path) {
            case "metadata.name": return meta.getName();
            case "metadata.namespace": return meta.getNamespace() == null ? "default" : meta.getNamespace();
            case "metadata.uid": return Objects.toString(meta.getUid(), "");
            case "spec.nodeName": return nodeName;
            case "spec.serviceAccountName": return Objects.toString(pod.getSpec().getServiceAccountName(), "");
            default:
                if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
                    return mapValue(meta.getLabels(), path.substring(17, path.length() - 2));
                }
                if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
                    return mapValue(meta.getAnnotations(), path.substring(22, path.length() - 2));
                }
                throw new InvalidPodException(field + ".valueFrom.fieldRef.fieldPath: Unsupported value: \"" + path + "\"");
        }
    }

    private static String mapValue(Map<String, String> map, String key) {
        return map == null ? "" : map.getOrDefault(key, "");
    }

    private static ResourceLimits limits(Container c, String field) throws InvalidPodException {
        if (c.getResources() == null || c.getResources().getLimits() == null) {
            return ResourceLimits.NONE;
        }
        Map<String, Quantity> limits = c.getResources().getLimits();
        try {
            long memory = limits.containsKey("memory")
                    ? Quantity.getAmountInBytes(limits.get("memory")).setScale(0, java.math.RoundingMode.CEILING).longValueExact()
                    : 0;
            long cpu = limits.containsKey("cpu")
                    ? Quantity.getAmountInBytes(limits.get("cpu")).multiply(BigDecimal.valueOf(1000))
                            .setScale(0, java.math.RoundingMode.CEILING).longValueExact()
                    : 0;
            return new ResourceLimits(memory, cpu);
        } catch (RuntimeException e) {
            throw new InvalidPodException(field + ".resources.limits: invalid quantity: " + e.getMessage());
        }
    }

    private static void requireMatch(Pattern pattern, String value, int max, String field) throws InvalidPodException {
        if (value.length() > max || !pattern.matcher(value).matches()) {
            throw new InvalidPodException(field + ": Invalid value: \"" + value
                    + "\": a lowercase RFC 1123 name must consist of lower case alphanumeric characters or '-'"
                    + " (and '.' for subdomains), start and end with an alphanumeric character, at most " + max
                    + " characters");
        }
    }

    private static List<String> nullToEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
