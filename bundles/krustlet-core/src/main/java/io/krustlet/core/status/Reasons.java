package io.krustlet.core.status;

/**
 * The reasons the node writes into container states, pod status and Events: one vocabulary for
 * the core, the shell and the HTTP API. Each is the kubelet's own word where the kubelet has one
 * (the source is named), so {@code kubectl get pods} and {@code kubectl describe} read as they do
 * on any node; the few of Krustlet's own say so.
 */
public final class Reasons {

    private Reasons() {
    }

    // ---- container waiting reasons ----

    /** A container being created (pkg/kubelet/kuberuntime: ContainerCreating). */
    public static final String CONTAINER_CREATING = "ContainerCreating";
    /** An app container waiting for the init containers (pkg/kubelet: PodInitializing). */
    public static final String POD_INITIALIZING = "PodInitializing";
    /** A container waiting to be restarted after it exited (pkg/kubelet/images: CrashLoopBackOff). */
    public static final String CRASH_LOOP_BACK_OFF = "CrashLoopBackOff";
    /** A pull that just failed (pkg/kubelet/images: ErrImagePull). */
    public static final String ERR_IMAGE_PULL = "ErrImagePull";
    /** A failed pull waiting to be retried (pkg/kubelet/images: ImagePullBackOff). */
    public static final String IMAGE_PULL_BACK_OFF = "ImagePullBackOff";
    /** An image missing with imagePullPolicy Never (pkg/kubelet/images: ErrImageNeverPull). */
    public static final String ERR_IMAGE_NEVER_PULL = "ErrImageNeverPull";
    /** An image reference that cannot be parsed (pkg/kubelet/images: InvalidImageName). */
    public static final String INVALID_IMAGE_NAME = "InvalidImageName";
    /** A container whose environment or volumes reference what does not exist (CreateContainerConfigError). */
    public static final String CREATE_CONTAINER_CONFIG_ERROR = "CreateContainerConfigError";
    /** Any other failure to create a container (CreateContainerError). */
    public static final String CREATE_CONTAINER_ERROR = "CreateContainerError";
    /** Krustlet's: a module that is not a valid WASI command. */
    public static final String INVALID_MODULE = "InvalidModule";
    /** Krustlet's: no provider serves the pod's runtime (yet). */
    public static final String RUNTIME_UNAVAILABLE = "RuntimeUnavailable";
    /** A container that was created but could not be started (pkg/kubelet/container: ErrRunContainer). */
    public static final String RUN_CONTAINER_ERROR = "RunContainerError";

    // ---- container terminated reasons ----

    /** Exit code 0 (the CRI's Completed). */
    public static final String COMPLETED = "Completed";
    /** A non-zero exit (the CRI's Error). */
    public static final String ERROR = "Error";
    /** Killed at its memory limit (the CRI's OOMKilled). */
    public static final String OOM_KILLED = "OOMKilled";
    /** A container that was running when the node went down (pkg/kubelet: ContainerStatusUnknown). */
    public static final String CONTAINER_STATUS_UNKNOWN = "ContainerStatusUnknown";
    /** Krustlet's: a container stopped because its runtime provider left the node. */
    public static final String PROVIDER_REMOVED = "ProviderRemoved";

    // ---- pod status reasons ----

    /** A pod the node evicted (pkg/kubelet/eviction: Evicted). */
    public static final String EVICTED = "Evicted";
    /** A pod past its activeDeadlineSeconds (pkg/kubelet/active_deadline.go: DeadlineExceeded). */
    public static final String DEADLINE_EXCEEDED = "DeadlineExceeded";
    /** Admission refused: more pods than maxPods (pkg/kubelet/lifecycle: OutOfpods). */
    public static final String OUT_OF_PODS = "OutOfpods";
    /** Admission refused: CPU requests above allocatable (OutOfcpu). */
    public static final String OUT_OF_CPU = "OutOfcpu";
    /** Admission refused: memory requests above allocatable (OutOfmemory). */
    public static final String OUT_OF_MEMORY = "OutOfmemory";
    /**
     * Krustlet's: admission refused a pod whose spec this node cannot run (a field the WASI runtime
     * has no meaning for); the message names the field.
     */
    public static final String UNSUPPORTED_POD_SPEC = "UnsupportedPodSpec";

    // ---- pod condition reasons ----

    /** Ready/ContainersReady false while containers are not all ready (pkg/kubelet/status). */
    public static final String CONTAINERS_NOT_READY = "ContainersNotReady";
    /** Initialized false while init containers run (pkg/kubelet/status). */
    public static final String CONTAINERS_NOT_INITIALIZED = "ContainersNotInitialized";
    /** Conditions of a pod whose containers all completed (pkg/kubelet/status). */
    public static final String POD_COMPLETED = "PodCompleted";

    // ---- node condition reasons (pkg/kubelet/nodestatus/setters.go) ----

    /** Ready true: the kubelet is posting ready status. */
    public static final String KUBELET_READY = "KubeletReady";
    /** MemoryPressure false. */
    public static final String KUBELET_HAS_SUFFICIENT_MEMORY = "KubeletHasSufficientMemory";
    /** MemoryPressure true. */
    public static final String KUBELET_HAS_INSUFFICIENT_MEMORY = "KubeletHasInsufficientMemory";
    /** DiskPressure false. */
    public static final String KUBELET_HAS_NO_DISK_PRESSURE = "KubeletHasNoDiskPressure";
    /** DiskPressure true. */
    public static final String KUBELET_HAS_DISK_PRESSURE = "KubeletHasDiskPressure";
    /** PIDPressure false. */
    public static final String KUBELET_HAS_SUFFICIENT_PID = "KubeletHasSufficientPID";
    /** PIDPressure true. */
    public static final String KUBELET_HAS_INSUFFICIENT_PID = "KubeletHasInsufficientPID";

    // ---- Event reasons (pkg/kubelet/events/event.go) ----

    /** The node's Event when the kubelet starts (StartingKubelet). */
    public static final String STARTING = "Starting";

    public static final String CREATED = "Created";
    public static final String STARTED = "Started";
    public static final String KILLING = "Killing";
    public static final String FAILED = "Failed";
    public static final String BACK_OFF = "BackOff";
    public static final String PULLING = "Pulling";
    public static final String PULLED = "Pulled";
    public static final String FAILED_MOUNT = "FailedMount";
    /** A failed readiness or liveness check. */
    public static final String UNHEALTHY = "Unhealthy";
    /** Krustlet's: the runtime provider of a pod's containers was replaced by a new revision. */
    public static final String PROVIDER_UPGRADED = "ProviderUpgraded";
    /** Krustlet's: the runtime provider came back at the same version (bundle restart or refresh). */
    public static final String PROVIDER_RESTARTED = "ProviderRestarted";
    /** A pod whose RuntimeClass cannot be resolved (pkg/kubelet/events: FailedCreatePodSandBox). */
    public static final String FAILED_CREATE_POD_SANDBOX = "FailedCreatePodSandBox";
}
