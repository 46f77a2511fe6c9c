package io.krustlet.http.api;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;

/**
 * The answer to {@code /exec}, {@code /attach}, {@code /portForward} and {@code /run}: a v1
 * Status (JSON), because that is what kubectl shows. When an upgrade (SPDY or WebSocket) is not
 * accepted, client-go decodes the response body as a metav1.Status and prints its reason and
 * message: {@code Error from server (NotImplemented): exec is not supported by this node: ...},
 * and for port-forward {@code error upgrading connection: port-forward is not supported ...}.
 * A plain-text body is read as YAML on the way and decodes to an empty Status: kubectl then prints
 * "Error from server: " and nothing else. The API server passes the body through as it is (its
 * upgrade-aware proxy forwards an error answer unchanged).
 */
final class StreamingRefusal {

    static final int CODE = 501;
    static final String REASON = "NotImplemented";

    private StreamingRefusal() {
    }

    /**
     * @param path the request's segments: {@code exec|attach|run, namespace, pod, container} or
     *     {@code portForward, namespace, pod}; the names may be missing (a malformed request)
     */
    static Status of(String[] path, String nodeName) {
        String pod = path.length >= 3 ? " " + path[1] + "/" + path[2] : "";
        String message = switch (path[0]) {
            case "portForward" -> "port-forward is not supported by this node: pod" + pod + " runs on node " + nodeName
                    + " as a WebAssembly (wasm32-wasi) module, which shares the node's network and has no network"
                    + " namespace to forward into; connect to the port the pod listens on at the node's address"
                    + " (the pod's status.hostIP) instead";
            case "attach" -> "attach is not supported by this node: pod" + pod + " runs on node " + nodeName
                    + " as a WebAssembly (wasm32-wasi) module, which has no TTY and no stdin to attach to; read its"
                    + " output with kubectl logs -f";
            default -> path[0] + " is not supported by this node: pod" + pod + " runs on node " + nodeName
                    + " as a WebAssembly (wasm32-wasi) module, a single program with no shell and no other"
                    + " programs to run; read its output with kubectl logs";
        };
        return new StatusBuilder().withNewMetadata().endMetadata().withStatus("Failure").withReason(REASON)
                .withMessage(message).withCode(CODE).build();
    }
}
