package io.krustlet.core.lifecycle;

/**
 * Which runtime handler a pod's containers run on, asked again at every launch: a RuntimeClass
 * may be created, changed or deleted while the pod waits.
 */
@FunctionalInterface
public interface RuntimeBinding {

    /**
     * The pod's runtime now.
     *
     * @param handler the runtime handler (a provider's {@code krustlet.runtime}), or null when it
     *     cannot be known yet
     * @param runtimeClass the pod's runtimeClassName, or null for the node's default runtime
     * @param error why the handler cannot be known (the kubelet's {@code RuntimeClass "fast" not
     *     found}), or null
     */
    record Resolution(String handler, String runtimeClass, String error) {

        /** A handler named directly (a runtimeClassName in standalone mode, or the default runtime). */
        public static Resolution of(String handler, String runtimeClass) {
            return new Resolution(handler, runtimeClass, null);
        }

        public static Resolution failed(String runtimeClass, String error) {
            return new Resolution(null, runtimeClass, error);
        }

        /** How a message names the runtime: {@code "wagi" (RuntimeClass "web")}, or the default runtime. */
        public String describe() {
            String name = handler != null ? handler : runtimeClass;
            return "\"" + name + "\"" + (runtimeClass != null ? " (RuntimeClass \"" + runtimeClass + "\")"
                    : " (the node's default runtime)");
        }
    }

    /** A fixed handler. */
    static RuntimeBinding fixed(String handler) {
        Resolution resolution = Resolution.of(handler, null);
        return () -> resolution;
    }

    /** Resolves the pod's runtime now; cheap (an informer cache), never blocks. */
    Resolution resolve();
}
