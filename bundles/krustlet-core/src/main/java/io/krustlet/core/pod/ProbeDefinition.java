package io.krustlet.core.pod;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A container's readiness or liveness probe, validated, with the API's defaults filled in
 * (pkg/apis/core/v1/defaults.go: period 10 s, timeout 1 s, success 1, failure 3).
 *
 * @param action what to check
 * @param initialDelay the wait after the container starts before the first check
 * @param period the time between checks
 * @param timeout how long one check may take
 * @param successThreshold consecutive successes after a failure to count as passing
 * @param failureThreshold consecutive failures to count as failing
 */
public record ProbeDefinition(Action action, Duration initialDelay, Duration period, Duration timeout,
        int successThreshold, int failureThreshold) {

    /** What a probe checks. */
    public sealed interface Action {
    }

    /**
     * An HTTP GET: passing for a status of 200 to 399.
     *
     * @param scheme HTTP or HTTPS
     * @param host the host, or null for the pod's IP
     * @param port the port number, or the name of one of the container's ports
     * @param path the path, with its query
     * @param headers extra request headers
     */
    public record HttpGet(String scheme, String host, String port, String path, Map<String, String> headers)
            implements Action {
        public HttpGet {
            headers = Map.copyOf(headers);
        }
    }

    /** A TCP connect: passing when the connection opens. */
    public record TcpSocket(String host, String port) implements Action {
    }

    /**
     * A command run in the container: WebAssembly containers have no exec, so such a probe always
     * fails, saying why.
     */
    public record Exec(List<String> command) implements Action {
        public Exec {
            command = List.copyOf(command);
        }
    }
}
