package io.krustlet.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthChallengeTest {

    @Test
    void parsesBearerAndBasicChallenges() {
        var bearer = AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/hello:pull\"");
        assertThat(bearer.scheme()).isEqualTo("bearer");
        assertThat(bearer.param("realm")).isEqualTo("https://auth.docker.io/token");
        assertThat(bearer.param("service")).isEqualTo("registry.docker.io");
        assertThat(bearer.param("scope")).isEqualTo("repository:library/hello:pull");
        var basic = AuthChallenge.parse("Basic realm=krustlet-test");
        assertThat(basic.scheme()).isEqualTo("basic");
        assertThat(basic.param("realm")).isEqualTo("krustlet-test");
    }
}
