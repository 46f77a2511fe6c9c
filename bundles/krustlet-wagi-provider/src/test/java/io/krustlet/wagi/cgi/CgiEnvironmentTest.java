package io.krustlet.wagi.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgiEnvironmentTest {

    private static CgiRequest request(String method, String path, String query, List<Map.Entry<String, String>> headers,
            long length) {
        return new CgiRequest(method, path, query, "HTTP/1.1", "http", headers, "10.1.2.3", "example.com", 8080, length);
    }

    @Test
    void theRequestBecomesTheWagiAndCgiVariables() {
        var request = request("POST", "/api/users/j%C3%BCrgen", "x=1&y=%26", List.of(Map.entry("Host", "example.com:8080"),
                Map.entry("Content-Type", "application/json"), Map.entry("Content-Length", "2"),
                Map.entry("User-Agent", "curl/8")), 2);
        Map<String, String> env = CgiEnvironment.build(Route.parse("/api/..."), request, Map.of());

        assertThat(env).containsEntry("AUTH_TYPE", "")
                .containsEntry("CONTENT_LENGTH", "2")
                .containsEntry("CONTENT_TYPE", "application/json")
                .containsEntry("GATEWAY_INTERFACE", "CGI/1.1")
                .containsEntry("PATH_INFO", "/users/j\u00fcrgen")
                .containsEntry("PATH_TRANSLATED", "/users/j\u00fcrgen")
                .containsEntry("X_RAW_PATH_INFO", "/users/j%C3%BCrgen")
                .containsEntry("QUERY_STRING", "x=1&y=%26")
                .containsEntry("REMOTE_ADDR", "10.1.2.3")
                .containsEntry("REMOTE_HOST", "10.1.2.3")
                .containsEntry("REMOTE_USER", "")
                .containsEntry("REQUEST_METHOD", "POST")
                .containsEntry("SCRIPT_NAME", "/api")
                .containsEntry("SERVER_NAME", "example.com")
                .containsEntry("SERVER_PORT", "8080")
                .containsEntry("SERVER_PROTOCOL", "HTTP/1.1")
                .containsEntry("SERVER_SOFTWARE", "WAGI/1")
                .containsEntry("X_MATCHED_ROUTE", "/api/...")
                .containsEntry("X_FULL_URL", "http://example.com:8080/api/users/j%C3%BCrgen?x=1&y=%26")
                .containsEntry("HTTP_HOST", "example.com:8080")
                .containsEntry("HTTP_USER_AGENT", "curl/8")
                .doesNotContainKeys("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH");
    }

    @Test
    void withoutABodyOrQueryTheVariablesAreThereAndEmpty() {
        Map<String, String> env = CgiEnvironment.build(Route.ALL, request("GET", "/", "", List.of(), 0), Map.of());
        assertThat(env).containsEntry("CONTENT_LENGTH", "0").containsEntry("CONTENT_TYPE", "")
                .containsEntry("QUERY_STRING", "").containsEntry("SCRIPT_NAME", "/").containsEntry("PATH_INFO", "/")
                .containsEntry("X_FULL_URL", "http://example.com:8080/");
    }

    @Test
    void thePodsVariablesComeFirstAndTheRequestsWin() {
        Map<String, String> env = CgiEnvironment.build(Route.ALL, request("GET", "/", "", List.of(), 0),
                Map.of("GREETING", "hi", "REQUEST_METHOD", "spoofed", "HTTP_HOST", "spoofed.example"));
        assertThat(env).containsEntry("GREETING", "hi").containsEntry("REQUEST_METHOD", "GET")
                .containsEntry("HTTP_HOST", "spoofed.example"); // no Host header in this request
        assertThat(env.keySet().iterator().next()).isIn("GREETING", "REQUEST_METHOD", "HTTP_HOST");
    }

    @Test
    void credentialsHopByHopFieldsAndProxyAreNotPassed() {
        var headers = CgiEnvironment.headers(List.of(Map.entry("Authorization", "Bearer secret"),
                Map.entry("Proxy-Authorization", "Basic x"), Map.entry("Connection", "keep-alive"),
                Map.entry("Keep-Alive", "5"), Map.entry("Upgrade", "h2c"), Map.entry("TE", "trailers"),
                Map.entry("Transfer-Encoding", "chunked"), Map.entry("Proxy-Connection", "x"),
                Map.entry("Proxy", "http://evil.example:3128"), Map.entry("X-Kept", "yes")));
        assertThat(headers).containsExactly(Map.entry("HTTP_X_KEPT", "yes"));
    }

    @Test
    void repeatedFieldsAreJoinedAndCookiesWithSemicolons() {
        var headers = CgiEnvironment.headers(List.of(Map.entry("Accept", "text/html"), Map.entry("accept", "*/*"),
                Map.entry("Cookie", "a=1"), Map.entry("Cookie", "b=2")));
        assertThat(headers).containsEntry("HTTP_ACCEPT", "text/html, */*").containsEntry("HTTP_COOKIE", "a=1; b=2");
    }

    @Test
    void namesWithUnderscoresOrOddCharactersAreDroppedSoTheyCannotPassForOthers() {
        var headers = CgiEnvironment.headers(List.of(Map.entry("X_Forwarded_For", "1.2.3.4"),
                Map.entry("X-Forwarded-For", "10.0.0.1"), Map.entry("X.Dot", "x"), Map.entry("", "x")));
        assertThat(headers).containsExactly(Map.entry("HTTP_X_FORWARDED_FOR", "10.0.0.1"));
    }

    @Test
    void theArgumentsAreThePathThenTheQueryItemsAsSent() {
        assertThat(CgiEnvironment.argv(request("GET", "/env", "greet=matt&foo=bar", List.of(), 0)))
                .containsExactly("/env", "greet=matt", "foo=bar");
        assertThat(CgiEnvironment.argv(request("GET", "/e", "a=b%26c&&flag", List.of(), 0)))
                .containsExactly("/e", "a=b%26c", "", "flag");
        assertThat(CgiEnvironment.argv(request("GET", "/e", "", List.of(), 0))).containsExactly("/e");
    }

    @Test
    void percentDecodingIsUtf8AndLeavesBrokenEscapesAlone() {
        assertThat(CgiEnvironment.percentDecode("/a%20b/%E2%82%AC")).isEqualTo("/a b/\u20ac");
        assertThat(CgiEnvironment.percentDecode("/100%")).isEqualTo("/100%");
        assertThat(CgiEnvironment.percentDecode("/%zz%4")).isEqualTo("/%zz%4");
        assertThat(CgiEnvironment.percentDecode("/a+b")).isEqualTo("/a+b");
    }
}
