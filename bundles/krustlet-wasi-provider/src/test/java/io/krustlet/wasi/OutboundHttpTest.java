package io.krustlet.wasi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.krustlet.api.ContainerStartException;
import io.krustlet.testmodules.TestModules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Outbound HTTP through {@code wasi_experimental_http} (issue 13 point 4), against a local
 * Jetty server that echoes requests and counts every connection it accepts.
 */
class OutboundHttpTest {

    private static final String ALLOWED = "alpha.wasi.krustlet.dev/allowed-domains";
    private final ProviderRuns runs = new ProviderRuns();
    private final AtomicInteger connections = new AtomicInteger();
    private Server server;
    private int port;

    @BeforeEach
    void startServer() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.addBean(new org.eclipse.jetty.io.Connection.Listener() {
            @Override
            public void onOpened(org.eclipse.jetty.io.Connection connection) {
                connections.incrementAndGet();
            }
        });
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                response.getHeaders().put("Content-Type", "text/plain");
                response.getHeaders().put("X-Echo-Method", request.getMethod());
                String token = request.getHeaders().get("X-Token");
                response.getHeaders().put("X-Echo-Token", token == null ? "none" : token);
                Content.Sink.write(response, true, "you sent " + request.getMethod() + " " + request.getHttpURI().getPath()
                        + " [" + body + "]", callback);
                return true;
            }
        });
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        runs.close();
        server.stop();
    }

    private ProviderRuns.Run http(String engine, Map<String, String> annotations, String... args) throws Exception {
        return ProviderRuns.run(runs.runtime(engine), TestModules.httpclient(), List.of(args), List.of(), annotations);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void anAllowedRequestGetsStatusHeadersAndBody(String engine) throws Exception {
        var run = http(engine, Map.of(ALLOWED, "[\"http://127.0.0.1:" + port + "\"]"), "POST",
                "http://127.0.0.1:" + port + "/echo", "hello from wasm", "X-Token: abc\nContent-Length: 99");
        assertThat(run.await().exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("status 200\n", "content-type text/plain\n", "x-missing error 5\n",
                "small buffer error 4\n", "x-echo-method:POST\n", "x-echo-token:abc\n",
                "body:you sent POST /echo [hello from wasm]\n", "close 0\n", "after close 1\n");
        assertThat(connections.get()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void aDestinationNotAllowedGetsDestinationNotAllowedAndNoConnection(String engine) throws Exception {
        var none = http(engine, Map.of(), "GET", "http://127.0.0.1:" + port + "/");
        assertThat(none.await().exitCode()).isEqualTo(2);
        assertThat(none.out()).isEqualTo("error 7\n");
        var otherHost = http(engine, Map.of(ALLOWED, "[\"http://localhost:" + port + "\"]"), "GET",
                "http://127.0.0.1:" + port + "/");
        assertThat(otherHost.await().exitCode()).isEqualTo(2);
        assertThat(otherHost.out()).isEqualTo("error 7\n");
        var otherPort = http(engine, Map.of(ALLOWED, "[\"http://127.0.0.1:" + (port == 1 ? 2 : port - 1) + "\"]"),
                "GET", "http://127.0.0.1:" + port + "/");
        assertThat(otherPort.await().exitCode()).isEqualTo(2);
        assertThat(otherPort.out()).isEqualTo("error 7\n");
        assertThat(connections.get()).as("no connection was ever made").isZero();
    }

    @Test
    void badRequestsGetTheirErrorCodes() throws Exception {
        var allowed = Map.of(ALLOWED, "[\"insecure:allow-all\"]");
        var badUrl = http("compiler", allowed, "GET", "not a url");
        assertThat(badUrl.await().exitCode()).isEqualTo(2);
        assertThat(badUrl.out()).isEqualTo("error 10\n");
        var badMethod = http("compiler", allowed, "GE T", "http://127.0.0.1:" + port + "/");
        assertThat(badMethod.await().exitCode()).isEqualTo(2);
        assertThat(badMethod.out()).isEqualTo("error 8\n");
        server.stop();
        var refused = http("compiler", allowed, "GET", "http://127.0.0.1:" + port + "/");
        assertThat(refused.await().exitCode()).isEqualTo(2);
        assertThat(refused.out()).isEqualTo("error 11\n");
    }

    @Test
    void maxConcurrentRequestsLimitsOpenResponses() throws Exception {
        var run = http("compiler", Map.of(ALLOWED, "[\"http://127.0.0.1\"]",
                "alpha.wasi.krustlet.dev/max-concurrent-requests", "2"), "hold", "3", "http://127.0.0.1:" + port + "/");
        assertThat(run.await().exitCode()).isZero();
        assertThat(run.out()).isEqualTo("request 0: status 200\nrequest 1: status 200\nrequest 2: error 13\n");
    }

    @Test
    void aBadAnnotationIsAConfigurationErrorNamingIt() {
        assertThatThrownBy(() -> http("compiler", Map.of(ALLOWED, "https://example.com"), "GET", "http://x/"))
                .isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("alpha.wasi.krustlet.dev/allowed-domains is not a JSON list of URLs")
                .extracting(e -> ((ContainerStartException) e).reason()).isEqualTo("CreateContainerConfigError");
        assertThatThrownBy(() -> http("compiler", Map.of("alpha.wasi.krustlet.dev/max-concurrent-requests", "many"),
                "GET", "http://x/")).isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("max-concurrent-requests: \"many\" is not a positive whole number");
    }
}
