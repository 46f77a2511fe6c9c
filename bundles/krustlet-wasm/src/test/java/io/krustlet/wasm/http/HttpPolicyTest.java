package io.krustlet.wasm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpPolicyTest {

    private static HttpPolicy policy(String domains) {
        return HttpPolicy.fromAnnotations(Map.of(HttpPolicy.ALLOWED_DOMAINS, domains), () -> null);
    }

    @Test
    void nothingIsAllowedWithoutTheAnnotation() {
        HttpPolicy none = HttpPolicy.fromAnnotations(Map.of(), () -> null);
        assertThat(none).isSameAs(HttpPolicy.NONE);
        assertThat(none.allows(URI.create("https://example.com/"))).isFalse();
    }

    @Test
    void hostsMatchAsKrustletMatchedThemAndANamedPortMustMatchToo() {
        HttpPolicy p = policy("[\"https://api.brigade.sh\", \"http://192.168.0.1:8080\", \"https://Example.com\"]");
        assertThat(p.allows(URI.create("https://api.brigade.sh/healthz"))).isTrue();
        assertThat(p.allows(URI.create("https://example.com/some/path"))).isTrue();
        assertThat(p.allows(URI.create("http://192.168.0.1:8080/login"))).isTrue();
        assertThat(p.allows(URI.create("http://192.168.0.1/login"))).isFalse();
        assertThat(p.allows(URI.create("https://test.brigade.sh"))).isFalse();
        assertThat(policy("[\"insecure:allow-all\"]").allows(URI.create("http://anything:1/"))).isTrue();
    }

    @Test
    void malformedAnnotationsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> policy("https://example.com")).hasMessageContaining("is not a JSON list of URLs");
        assertThatThrownBy(() -> policy("[\"not a url\"]")).hasMessageContaining("is not a URL with a host");
        assertThatThrownBy(() -> HttpPolicy.fromAnnotations(Map.of(HttpPolicy.MAX_CONCURRENT_REQUESTS, "0"), () -> null))
                .hasMessageContaining("is not a positive whole number");
        assertThat(policy("[ \"http://a\\u0062c\" ]").allows(URI.create("http://abc/"))).isTrue();
    }
}
