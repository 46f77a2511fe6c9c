package io.krustlet.core.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.krustlet.api.ResourceLimits;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns a fabric8 Pod into a {@link PodDefinition}, checking what the API server would check
 * for the parts this node relies on, so a bad manifest fails with the API's kind of message.
 *
 * <p>Values that come from elsewhere (ConfigMaps, Secrets, tokens, the downward API) are kept as
 * references and resolved when a container starts. Static pods ({@code file}) cannot reference
 * API objects, as in Kubernetes: such a reference is rejected here, when the manifest is read,
 * because it could never work and the manifest's author sees the error at once.
 */
public final class PodTranslator {

    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final long DEFAULT_GRACE_SECONDS = 30;
    private static final long MIN_TOKEN_SECONDS = 600;
    private static final long MAX_TOKEN_SECONDS = 1L << 32;
    private static final List<String> SUPPORTED_VOLUMES =
            List.of("configMap", "downwardAPI", "emptyDir", "hostPath", "projected", "secret");
    private static final Set<String> ENV_FIELD_PATHS = Set.of("metadata.name", "metadata.namespace", "metadata.uid",
            "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP",
            "status.podIPs");
    private static final Set<String> VOLUME_FIELD_PATHS = Set.of("metadata.name", "metadata.namespace",
            "metadata.uid", "metadata.labels", "metadata.annotations");
    private static final Set<String> RESOURCES = Set.of("limits.cpu", "limits.memory", "requests.cpu",
            "requests.memory");

    private final String nodeName;

    public PodTranslator(String nodeName) {
        this.nodeName = Objects.requireNonNull(nodeName);
    }

    /** The message of a volume whose type this node cannot provide. */
    public static String unsupportedVolumeMessage(String volume, String type) {
        return "volume \"" + volume + "\": type " + type + " is not supported by this node (supported: "
                + String.join(", ", SUPPORTED_VOLUMES) + ")";
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
        boolean isStatic = PodDefinition.FILE_SOURCE.equals(source);
        RestartPolicy restartPolicy = restartPolicy(spec.getRestartPolicy());
        List<VolumeDefinition> volumes = volumes(spec, isStatic);
        Set<String> volumeNames = new HashSet<>();
        volumes.forEach(v -> volumeNames.add(v.name()));

        Set<String> containerNames = new HashSet<>();
        List<ContainerDefinition> init = containers(spec.getInitContainers(), "spec.initContainers", containerNames,
                volumeNames, isStatic);
        List<ContainerDefinition> app = containers(spec.getContainers(), "spec.containers", containerNames,
                volumeNames, isStatic);
        long grace = spec.getTerminationGracePeriodSeconds() == null
                ? DEFAULT_GRACE_SECONDS
                : spec.getTerminationGracePeriodSeconds();
        if (grace < 0) {
            throw new InvalidPodException("spec.terminationGracePeriodSeconds: must be greater than or equal to 0");
        }
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
        return new PodDefinition(namespace, name, meta.getUid(), source, blankToNull(spec.getRuntimeClassName()),
                restartPolicy, Duration.ofSeconds(grace), init, app, volumes, annotations, labels,
                spec.getServiceAccountName(), nodeName, pullSecretNames(spec), activeDeadline(spec));
    }

    /** spec.activeDeadlineSeconds, validated as the API server does it. */
    private static Duration activeDeadline(PodSpec spec) throws InvalidPodException {
        Long seconds = spec.getActiveDeadlineSeconds();
        if (seconds == null) {
            return null;
        }
        if (seconds < 1 || seconds > Integer.MAX_VALUE) {
            throw new InvalidPodException("spec.activeDeadlineSeconds: Invalid value: " + seconds
                    + ": must be between 1 and 2147483647, inclusive");
        }
        return Duration.ofSeconds(seconds);
    }

    private static List<String> pullSecretNames(PodSpec spec) {
        return spec.getImagePullSecrets() == null ? List.of() : spec.getImagePullSecrets().stream()
                .map(io.fabric8.kubernetes.api.model.LocalObjectReference::getName)
                .filter(n -> n != null && !n.isEmpty()).toList();
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

    // ---- volumes ----

    private static List<VolumeDefinition> volumes(PodSpec spec, boolean isStatic) throws InvalidPodException {
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
            VolumeSource source = volumeSource(v, field, isStatic);
            if (source instanceof VolumeSource.Unsupported unsupported && isStatic) {
                throw new InvalidPodException(field + ": " + unsupportedVolumeMessage(v.getName(), unsupported.type()));
            }
            result.add(new VolumeDefinition(v.getName(), source));
        }
        return result;
    }

    private static VolumeSource volumeSource(Volume v, String field, boolean isStatic) throws InvalidPodException {
        if (v.getHostPath() != null) {
            if (v.getHostPath().getPath() == null || v.getHostPath().getPath().isEmpty()) {
                throw new InvalidPodException(field + ".hostPath.path: Required value");
            }
            return new VolumeSource.HostPath(v.getHostPath().getPath());
        }
        if (v.getEmptyDir() != null) {
            Quantity sizeLimit = v.getEmptyDir().getSizeLimit();
            if (sizeLimit != null) {
                quantityBytes(sizeLimit.toString(), field + ".emptyDir.sizeLimit");
            }
            return new VolumeSource.EmptyDir(sizeLimit == null ? null : sizeLimit.toString());
        }
        if (v.getConfigMap() != null) {
            var cm = v.getConfigMap();
            requireName(cm.getName(), field + ".configMap.name");
            forbidStatic(isStatic, field + ".configMap", "configmap \"" + cm.getName() + "\"");
            return new VolumeSource.ConfigMap(cm.getName(), items(cm.getItems(), field + ".configMap.items"),
                    mode(cm.getDefaultMode(), field + ".configMap.defaultMode"), Boolean.TRUE.equals(cm.getOptional()));
        }
        if (v.getSecret() != null) {
            var secret = v.getSecret();
            requireName(secret.getSecretName(), field + ".secret.secretName");
            forbidStatic(isStatic, field + ".secret", "secret \"" + secret.getSecretName() + "\"");
            return new VolumeSource.Secret(secret.getSecretName(), items(secret.getItems(), field + ".secret.items"),
                    mode(secret.getDefaultMode(), field + ".secret.defaultMode"),
                    Boolean.TRUE.equals(secret.getOptional()));
        }
        if (v.getDownwardAPI() != null) {
            return new VolumeSource.DownwardApi(downwardApiFiles(v.getDownwardAPI().getItems(),
                    field + ".downwardAPI.items"), mode(v.getDownwardAPI().getDefaultMode(),
                    field + ".downwardAPI.defaultMode"));
        }
        if (v.getProjected() != null) {
            return projected(v, field, isStatic);
        }
        String type = volumeType(v);
        // a volume without any source is an emptyDir, as the API server defaults it
        return type == null ? new VolumeSource.EmptyDir(null) : new VolumeSource.Unsupported(type);
    }

    private static VolumeSource projected(Volume v, String field, boolean isStatic) throws InvalidPodException {
        var projected = v.getProjected();
        int defaultMode = mode(projected.getDefaultMode(), field + ".projected.defaultMode");
        List<VolumeSource.Projection> sources = new ArrayList<>();
        List<VolumeProjection> specs = projected.getSources() == null ? List.of() : projected.getSources();
        for (int i = 0; i < specs.size(); i++) {
            VolumeProjection p = specs.get(i);
            String pf = field + ".projected.sources[" + i + "]";
            if (p.getConfigMap() != null) {
                requireName(p.getConfigMap().getName(), pf + ".configMap.name");
                forbidStatic(isStatic, pf + ".configMap", "configmap \"" + p.getConfigMap().getName() + "\"");
                sources.add(new VolumeSource.ConfigMap(p.getConfigMap().getName(),
                        items(p.getConfigMap().getItems(), pf + ".configMap.items"), defaultMode,
                        Boolean.TRUE.equals(p.getConfigMap().getOptional())));
            } else if (p.getSecret() != null) {
                requireName(p.getSecret().getName(), pf + ".secret.name");
                forbidStatic(isStatic, pf + ".secret", "secret \"" + p.getSecret().getName() + "\"");
                sources.add(new VolumeSource.Secret(p.getSecret().getName(),
                        items(p.getSecret().getItems(), pf + ".secret.items"), defaultMode,
                        Boolean.TRUE.equals(p.getSecret().getOptional())));
            } else if (p.getDownwardAPI() != null) {
                sources.add(new VolumeSource.DownwardApi(downwardApiFiles(p.getDownwardAPI().getItems(),
                        pf + ".downwardAPI.items"), defaultMode));
            } else if (p.getServiceAccountToken() != null) {
                var token = p.getServiceAccountToken();
                forbidStatic(isStatic, pf + ".serviceAccountToken", "a service account token");
                requirePath(token.getPath(), pf + ".serviceAccountToken.path");
                long seconds = token.getExpirationSeconds() == null
                        ? VolumeSource.ServiceAccountTokenProjection.DEFAULT_EXPIRATION_SECONDS
                        : token.getExpirationSeconds();
                if (seconds < MIN_TOKEN_SECONDS) {
                    throw new InvalidPodException(pf + ".serviceAccountToken.expirationSeconds: Invalid value: "
                            + seconds + ": may not specify a duration less than 10 minutes");
                }
                if (seconds > MAX_TOKEN_SECONDS) {
                    throw new InvalidPodException(pf + ".serviceAccountToken.expirationSeconds: Invalid value: "
                            + seconds + ": may not specify a duration larger than 2^32 seconds");
                }
                sources.add(new VolumeSource.ServiceAccountTokenProjection(
                        token.getAudience() == null ? "" : token.getAudience(), seconds, token.getPath()));
            } else {
                String kind = p.getClusterTrustBundle() != null ? "clusterTrustBundle"
                        : p.getPodCertificate() != null ? "podCertificate" : null;
                if (kind == null) {
                    throw new InvalidPodException(pf + ": Required value: must specify exactly one volume projection");
                }
                return new VolumeSource.Unsupported("projected " + kind);
            }
        }
        return new VolumeSource.Projected(sources, defaultMode);
    }

    /** The spec name of the volume's type (the one field besides {@code name}), or null when it has none. */
    @SuppressWarnings("unchecked")
    private static String volumeType(Volume v) {
        Map<String, Object> fields = Serialization.unmarshal(Serialization.asJson(v), Map.class);
        fields.remove("name");
        return fields.keySet().stream().sorted().findFirst().orElse(null);
    }

    private static List<KeyToPath> items(List<io.fabric8.kubernetes.api.model.KeyToPath> items, String field)
            throws InvalidPodException {
        List<KeyToPath> result = new ArrayList<>();
        if (items == null) {
            return result;
        }
        for (int i = 0; i < items.size(); i++) {
            var item = items.get(i);
            String f = field + "[" + i + "]";
            if (item.getKey() == null || item.getKey().isEmpty()) {
                throw new InvalidPodException(f + ".key: Required value");
            }
            requirePath(item.getPath(), f + ".path");
            result.add(new KeyToPath(item.getKey(), item.getPath(), itemMode(item.getMode(), f + ".mode")));
        }
        return result;
    }

    private static List<DownwardApiFile> downwardApiFiles(List<DownwardAPIVolumeFile> items, String field)
            throws InvalidPodException {
        List<DownwardApiFile> result = new ArrayList<>();
        if (items == null) {
            return result;
        }
        for (int i = 0; i < items.size(); i++) {
            var item = items.get(i);
            String f = field + "[" + i + "]";
            requirePath(item.getPath(), f + ".path");
            Integer mode = itemMode(item.getMode(), f + ".mode");
            if (item.getFieldRef() != null && item.getResourceFieldRef() != null) {
                throw new InvalidPodException(f + ": Invalid value: \"resource\": fieldRef and resourceFieldRef can not"
                        + " be specified simultaneously");
            }
            if (item.getFieldRef() != null) {
                String path = Objects.toString(item.getFieldRef().getFieldPath(), "");
                if (!VOLUME_FIELD_PATHS.contains(path) && !isSubscript(path)) {
                    throw unsupportedFieldPath(f + ".fieldRef.fieldPath", path, VOLUME_FIELD_PATHS);
                }
                result.add(new DownwardApiFile(item.getPath(), path, null, mode));
            } else if (item.getResourceFieldRef() != null) {
                ResourceFieldSelector ref = item.getResourceFieldRef();
                if (ref.getContainerName() == null || ref.getContainerName().isEmpty()) {
                    throw new InvalidPodException(f + ".resourceFieldRef.containerName: Required value");
                }
                result.add(new DownwardApiFile(item.getPath(), null, resourceField(ref, f + ".resourceFieldRef"), mode));
            } else {
                throw new InvalidPodException(f + ": Required value: one of fieldRef and resourceFieldRef is required");
            }
        }
        return result;
    }

    private static int mode(Integer mode, String field) throws InvalidPodException {
        Integer checked = itemMode(mode, field);
        return checked == null ? VolumeSource.DEFAULT_MODE : checked;
    }

    private static Integer itemMode(Integer mode, String field) throws InvalidPodException {
        if (mode != null && (mode < 0 || mode > 0777)) {
            throw new InvalidPodException(field + ": Invalid value: " + mode
                    + ": must be a number between 0 and 0777 (octal), both inclusive");
        }
        return mode;
    }

    /** The API server's validateLocalNonReversiblePath. */
    private static void requirePath(String path, String field) throws InvalidPodException {
        if (path == null || path.isEmpty()) {
            throw new InvalidPodException(field + ": Required value");
        }
        if (path.startsWith("/")) {
            throw new InvalidPodException(field + ": Invalid value: \"" + path + "\": must be a relative path");
        }
        if (List.of(path.split("/")).contains("..")) {
            throw new InvalidPodException(field + ": Invalid value: \"" + path + "\": must not contain '..'");
        }
        if (path.startsWith("..")) {
            throw new InvalidPodException(field + ": Invalid value: \"" + path + "\": must not start with '..'");
        }
    }

    private static void requireName(String name, String field) throws InvalidPodException {
        if (name == null || name.isEmpty()) {
            throw new InvalidPodException(field + ": Required value");
        }
    }

    private static void forbidStatic(boolean isStatic, String field, String what) throws InvalidPodException {
        if (isStatic) {
            throw new InvalidPodException(field + ": Forbidden: a static pod cannot reference API objects (" + what
                    + ")");
        }
    }

    // ---- containers ----

    private List<ContainerDefinition> containers(List<Container> containers, String field, Set<String> names,
            Set<String> volumeNames, boolean isStatic) throws InvalidPodException {
        List<ContainerDefinition> result = new ArrayList<>();
        if (containers == null) {
            return result;
        }
        for (int i = 0; i < containers.size(); i++) {
            result.add(container(containers.get(i), field + "[" + i + "]", names, volumeNames, isStatic));
        }
        return result;
    }

    private ContainerDefinition container(Container c, String field, Set<String> names, Set<String> volumeNames,
            boolean isStatic) throws InvalidPodException {
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
                nullToEmpty(c.getArgs()), env(c, field, isStatic), blankToNull(c.getWorkingDir()), mounts,
                limits(c, field), envFrom(c, field, isStatic), resources(c, field), ports(c, field),
                probe(c.getReadinessProbe(), field + ".readinessProbe", false),
                probe(c.getLivenessProbe(), field + ".livenessProbe", true));
    }

    /** A probe, validated as the API server does (pkg/apis/core/validation validateProbe). */
    private static ProbeDefinition probe(io.fabric8.kubernetes.api.model.Probe p, String field, boolean liveness)
            throws InvalidPodException {
        if (p == null) {
            return null;
        }
        List<ProbeDefinition.Action> actions = new ArrayList<>();
        if (p.getHttpGet() != null) {
            var h = p.getHttpGet();
            Map<String, String> headers = new LinkedHashMap<>();
            if (h.getHttpHeaders() != null) {
                h.getHttpHeaders().forEach(header -> headers.put(header.getName(), header.getValue()));
            }
            String scheme = h.getScheme() == null ? "HTTP" : h.getScheme();
            if (!scheme.equals("HTTP") && !scheme.equals("HTTPS")) {
                throw new InvalidPodException(field + ".httpGet.scheme: Unsupported value: \"" + scheme
                        + "\": supported values: \"HTTP\", \"HTTPS\"");
            }
            actions.add(new ProbeDefinition.HttpGet(scheme, blankToNull(h.getHost()), port(h.getPort(), field + ".httpGet.port"),
                    h.getPath() == null || h.getPath().isEmpty() ? "/" : h.getPath(), headers));
        }
        if (p.getTcpSocket() != null) {
            actions.add(new ProbeDefinition.TcpSocket(blankToNull(p.getTcpSocket().getHost()),
                    port(p.getTcpSocket().getPort(), field + ".tcpSocket.port")));
        }
        if (p.getExec() != null) {
            actions.add(new ProbeDefinition.Exec(nullToEmpty(p.getExec().getCommand())));
        }
        if (p.getGrpc() != null) {
            throw new InvalidPodException(field + ".grpc: Unsupported value: gRPC probes are not supported on this node");
        }
        if (actions.size() != 1) {
            throw new InvalidPodException(field + ": " + (actions.isEmpty() ? "Required value: must specify a handler type"
                    : "Forbidden: may not specify more than 1 handler type"));
        }
        int success = positive(p.getSuccessThreshold(), 1, field + ".successThreshold");
        if (liveness && success != 1) {
            throw new InvalidPodException(field + ".successThreshold: Invalid value: " + success + ": must be 1");
        }
        return new ProbeDefinition(actions.get(0),
                java.time.Duration.ofSeconds(p.getInitialDelaySeconds() == null ? 0 : Math.max(0, p.getInitialDelaySeconds())),
                java.time.Duration.ofSeconds(positive(p.getPeriodSeconds(), 10, field + ".periodSeconds")),
                java.time.Duration.ofSeconds(positive(p.getTimeoutSeconds(), 1, field + ".timeoutSeconds")),
                success, positive(p.getFailureThreshold(), 3, field + ".failureThreshold"));
    }

    private static String port(io.fabric8.kubernetes.api.model.IntOrString port, String field) throws InvalidPodException {
        if (port == null || (port.getIntVal() == null && (port.getStrVal() == null || port.getStrVal().isEmpty()))) {
            throw new InvalidPodException(field + ": Required value");
        }
        if (port.getIntVal() != null) {
            if (port.getIntVal() < 1 || port.getIntVal() > 65535) {
                throw new InvalidPodException(field + ": Invalid value: " + port.getIntVal()
                        + ": must be between 1 and 65535, inclusive");
            }
            return String.valueOf(port.getIntVal());
        }
        return port.getStrVal();
    }

    private static int positive(Integer value, int defaultValue, String field) throws InvalidPodException {
        if (value == null || value == 0) {
            return defaultValue;
        }
        if (value < 0) {
            throw new InvalidPodException(field + ": Invalid value: " + value + ": must be greater than or equal to 0");
        }
        return value;
    }

    /** spec ports, validated as the API server does (pkg/apis/core/validation validateContainerPorts). */
    private static List<io.krustlet.api.ContainerPort> ports(Container c, String field) throws InvalidPodException {
        List<io.krustlet.api.ContainerPort> ports = new ArrayList<>();
        if (c.getPorts() == null) {
            return ports;
        }
        Set<String> portNames = new HashSet<>();
        for (int i = 0; i < c.getPorts().size(); i++) {
            var p = c.getPorts().get(i);
            String pf = field + ".ports[" + i + "]";
            Integer number = p.getContainerPort();
            if (number == null || number < 1 || number > 65535) {
                throw new InvalidPodException(pf + ".containerPort: Invalid value: " + number
                        + ": must be between 1 and 65535, inclusive");
            }
            String protocol = blankToNull(p.getProtocol());
            if (protocol != null && !List.of("TCP", "UDP", "SCTP").contains(protocol)) {
                throw new InvalidPodException(pf + ".protocol: Unsupported value: \"" + protocol
                        + "\": supported values: \"SCTP\", \"TCP\", \"UDP\"");
            }
            String name = blankToNull(p.getName());
            if (name != null && !portNames.add(name)) {
                throw new InvalidPodException(pf + ".name: Duplicate value: \"" + name + "\"");
            }
            ports.add(new io.krustlet.api.ContainerPort(name, number, protocol));
        }
        return ports;
    }

    private static List<EnvVarSpec> env(Container c, String field, boolean isStatic) throws InvalidPodException {
        List<EnvVarSpec> env = new ArrayList<>();
        if (c.getEnv() == null) {
            return env;
        }
        for (int i = 0; i < c.getEnv().size(); i++) {
            EnvVar var = c.getEnv().get(i);
            String ef = field + ".env[" + i + "]";
            if (var.getName() == null || var.getName().isEmpty()) {
                throw new InvalidPodException(ef + ".name: Required value");
            }
            env.add(envVar(var, ef, isStatic));
        }
        return env;
    }

    private static EnvVarSpec envVar(EnvVar var, String ef, boolean isStatic) throws InvalidPodException {
        EnvVarSource from = var.getValueFrom();
        if (from == null) {
            return new EnvVarSpec.Literal(var.getName(), var.getValue());
        }
        String vf = ef + ".valueFrom";
        if (var.getValue() != null && !var.getValue().isEmpty()) {
            throw new InvalidPodException(vf + ": Invalid value: \"\": may not be specified when `value` is not empty");
        }
        int sources = (from.getFieldRef() != null ? 1 : 0) + (from.getResourceFieldRef() != null ? 1 : 0)
                + (from.getConfigMapKeyRef() != null ? 1 : 0) + (from.getSecretKeyRef() != null ? 1 : 0)
                + (from.getFileKeyRef() != null ? 1 : 0);
        if (sources > 1) {
            throw new InvalidPodException(vf + ": Invalid value: \"\": may not have more than one field specified at a time");
        }
        if (from.getFieldRef() != null) {
            String path = Objects.toString(from.getFieldRef().getFieldPath(), "");
            if (!ENV_FIELD_PATHS.contains(path) && !isSubscript(path)) {
                throw unsupportedFieldPath(vf + ".fieldRef.fieldPath", path, ENV_FIELD_PATHS);
            }
            return new EnvVarSpec.FieldRef(var.getName(), path);
        }
        if (from.getResourceFieldRef() != null) {
            return new EnvVarSpec.ResourceFieldRef(var.getName(),
                    resourceField(from.getResourceFieldRef(), vf + ".resourceFieldRef"));
        }
        if (from.getConfigMapKeyRef() != null) {
            var ref = from.getConfigMapKeyRef();
            requireName(ref.getName(), vf + ".configMapKeyRef.name");
            requireName(ref.getKey(), vf + ".configMapKeyRef.key");
            forbidStatic(isStatic, vf + ".configMapKeyRef", "configmap \"" + ref.getName() + "\"");
            return new EnvVarSpec.ConfigMapKey(var.getName(), ref.getName(), ref.getKey(),
                    Boolean.TRUE.equals(ref.getOptional()));
        }
        if (from.getSecretKeyRef() != null) {
            var ref = from.getSecretKeyRef();
            requireName(ref.getName(), vf + ".secretKeyRef.name");
            requireName(ref.getKey(), vf + ".secretKeyRef.key");
            forbidStatic(isStatic, vf + ".secretKeyRef", "secret \"" + ref.getName() + "\"");
            return new EnvVarSpec.SecretKey(var.getName(), ref.getName(), ref.getKey(),
                    Boolean.TRUE.equals(ref.getOptional()));
        }
        if (from.getFileKeyRef() != null) {
            throw new InvalidPodException(vf + ".fileKeyRef: Forbidden: not supported by this node");
        }
        throw new InvalidPodException(vf + ": Invalid value: \"\": must specify one of: `fieldRef`, "
                + "`resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`");
    }

    private static List<EnvFromSpec> envFrom(Container c, String field, boolean isStatic) throws InvalidPodException {
        List<EnvFromSpec> result = new ArrayList<>();
        if (c.getEnvFrom() == null) {
            return result;
        }
        for (int i = 0; i < c.getEnvFrom().size(); i++) {
            EnvFromSource from = c.getEnvFrom().get(i);
            String ef = field + ".envFrom[" + i + "]";
            if (from.getConfigMapRef() != null && from.getSecretRef() != null) {
                throw new InvalidPodException(ef + ": Invalid value: \"\": may not have more than one field specified"
                        + " at a time");
            }
            if (from.getConfigMapRef() != null) {
                requireName(from.getConfigMapRef().getName(), ef + ".configMapRef.name");
                forbidStatic(isStatic, ef + ".configMapRef", "configmap \"" + from.getConfigMapRef().getName() + "\"");
                result.add(new EnvFromSpec(EnvFromSpec.Kind.CONFIG_MAP, from.getConfigMapRef().getName(),
                        from.getPrefix(), Boolean.TRUE.equals(from.getConfigMapRef().getOptional())));
            } else if (from.getSecretRef() != null) {
                requireName(from.getSecretRef().getName(), ef + ".secretRef.name");
                forbidStatic(isStatic, ef + ".secretRef", "secret \"" + from.getSecretRef().getName() + "\"");
                result.add(new EnvFromSpec(EnvFromSpec.Kind.SECRET, from.getSecretRef().getName(), from.getPrefix(),
                        Boolean.TRUE.equals(from.getSecretRef().getOptional())));
            } else {
                throw new InvalidPodException(ef + ": Invalid value: \"\": must specify one of: `configMapRef` or "
                        + "`secretRef`");
            }
        }
        return result;
    }

    private static ResourceFieldSpec resourceField(ResourceFieldSelector ref, String field) throws InvalidPodException {
        String resource = Objects.toString(ref.getResource(), "");
        if (!RESOURCES.contains(resource)) {
            throw new InvalidPodException(field + ".resource: Unsupported value: \"" + resource
                    + "\": supported values: " + quoted(RESOURCES));
        }
        String divisor = ref.getDivisor() == null ? null : ref.getDivisor().toString();
        if (divisor != null) {
            quantityBytes(divisor, field + ".divisor");
        }
        return new ResourceFieldSpec(blankToNull(ref.getContainerName()), resource, divisor);
    }

    private static boolean isSubscript(String path) {
        return DownwardApiValues.subscript(path, "metadata.labels") != null
                || DownwardApiValues.subscript(path, "metadata.annotations") != null;
    }

    private static InvalidPodException unsupportedFieldPath(String field, String path, Set<String> supported) {
        return new InvalidPodException(field + ": Unsupported value: \"" + path + "\": supported values: "
                + quoted(supported));
    }

    private static String quoted(Set<String> values) {
        return String.join(", ", new TreeSet<>(values).stream().map(v -> "\"" + v + "\"").toList());
    }

    private static ResourceLimits limits(Container c, String field) throws InvalidPodException {
        if (c.getResources() == null || c.getResources().getLimits() == null) {
            return ResourceLimits.NONE;
        }
        Map<String, Quantity> limits = c.getResources().getLimits();
        try {
            long memory = limits.containsKey("memory")
                    ? Quantity.getAmountInBytes(limits.get("memory")).setScale(0, RoundingMode.CEILING).longValueExact()
                    : 0;
            long cpu = limits.containsKey("cpu")
                    ? Quantity.getAmountInBytes(limits.get("cpu")).multiply(BigDecimal.valueOf(1000))
                            .setScale(0, RoundingMode.CEILING).longValueExact()
                    : 0;
            return new ResourceLimits(memory, cpu);
        } catch (RuntimeException e) {
            throw new InvalidPodException(field + ".resources.limits: invalid quantity: " + e.getMessage());
        }
    }

    /** Limits and requests as written; a request that is not set takes the limit, as the API server defaults it. */
    private static ContainerResources resources(Container c, String field) throws InvalidPodException {
        if (c.getResources() == null) {
            return ContainerResources.NONE;
        }
        Map<String, String> limits = quantities(c.getResources().getLimits(), field + ".resources.limits");
        Map<String, String> requests = new LinkedHashMap<>(limits);
        requests.putAll(quantities(c.getResources().getRequests(), field + ".resources.requests"));
        return new ContainerResources(limits, requests);
    }

    private static Map<String, String> quantities(Map<String, Quantity> values, String field)
            throws InvalidPodException {
        Map<String, String> result = new LinkedHashMap<>();
        if (values != null) {
            for (Map.Entry<String, Quantity> e : values.entrySet()) {
                String value = e.getValue().toString();
                quantityBytes(value, field + "." + e.getKey());
                result.put(e.getKey(), value);
            }
        }
        return result;
    }

    private static BigDecimal quantityBytes(String value, String field) throws InvalidPodException {
        try {
            return Quantity.getAmountInBytes(Quantity.parse(value));
        } catch (RuntimeException e) {
            throw new InvalidPodException(field + ": Invalid value: \"" + value + "\": quantities must match the "
                    + "regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
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
