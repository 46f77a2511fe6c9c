package io.krustlet.wagi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Settings of the WAGI provider, PID {@code io.krustlet.wagi} ({@code etc/io.krustlet.wagi.cfg},
 * optional). Each key can be overridden by {@code KRUSTLET_WAGI_<KEY_IN_UPPER_SNAKE_CASE>}; the
 * per-request limits are defaults that a pod's {@code wagi.krustlet.dev/*} annotations override.
 */
@ObjectClassDefinition(name = "Krustlet WAGI provider", description = "HTTP handlers in WebAssembly (WAGI, CGI 1.1)")
public @interface WagiConfig {

    @AttributeDefinition(description = "compiler: Chicory's runtime compiler to JVM bytecode, with the "
            + "interpreter for functions it cannot compile; interpreter: interpret only",
            options = {@Option(label = "compiler", value = "compiler"),
                    @Option(label = "interpreter", value = "interpreter")})
    String engine() default "compiler";

    @AttributeDefinition(description = "Compiled modules kept in memory, by content digest", min = "1")
    int maxCachedModules() default 64;

    @AttributeDefinition(description = "Address the handlers listen on; empty: the node's address (which is also "
            + "the pod's IP); 0.0.0.0: every interface", required = false)
    String bindAddress() default "";

    @AttributeDefinition(description = "Longest a handler may run for one request, in seconds, before it is "
            + "stopped and the client gets 504 (annotation wagi.krustlet.dev/timeout)", min = "1")
    int timeoutSeconds() default 30;

    @AttributeDefinition(description = "Requests one container answers at once before it answers 503 with "
            + "Retry-After; 0: twice the processors (annotation wagi.krustlet.dev/max-concurrency)", min = "0")
    int maxConcurrentRequests() default 0;

    @AttributeDefinition(description = "Largest request body, in bytes; larger ones get 413 "
            + "(annotation wagi.krustlet.dev/max-request-body)", min = "0")
    long maxRequestBodyBytes() default 10L << 20;

    @AttributeDefinition(description = "Largest response body a handler may write, in bytes "
            + "(annotation wagi.krustlet.dev/max-response-size)", min = "1")
    long maxResponseBytes() default 64L << 20;

    @AttributeDefinition(description = "Retry-After of a 503 sent when a container is at its concurrency limit, "
            + "in seconds", min = "0")
    int retryAfterSeconds() default 1;

    @AttributeDefinition(description = "How long an idle keep-alive connection is kept open, in seconds", min = "1")
    int idleTimeoutSeconds() default 30;
}
