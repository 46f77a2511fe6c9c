package io.krustlet.core.pod;

/**
 * A container's configuration (its environment, a downward API value) cannot be built; the
 * message is the kubelet's. It becomes the container's CreateContainerConfigError.
 */
public class ContainerConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ContainerConfigException(String message) {
        super(message);
    }
}
