package io.krustlet.http.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Small complete answers: text, JSON, Prometheus text. */
final class Responses {

    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";
    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private Responses() {
    }

    static void send(Response response, Callback callback, int status, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** Errors are plain text with a newline, as the kubelet's go-restful writes them. */
    static void error(Response response, Callback callback, int status, String message) {
        send(response, callback, status, TEXT, message.endsWith("\n") ? message : message + "\n");
    }
}
