package io.krustlet.wagi.cgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** WAGI's route semantics (deislabs/wagi dispatcher.rs tests). */
class RouteTest {

    @Test
    void aPrefixRouteMatchesItselfAndBelowButNotLongerNames() {
        Route route = Route.parse("/foo/...");
        assertThat(route.matches("/foo")).isTrue();
        assertThat(route.matches("/foo/")).isTrue();
        assertThat(route.matches("/foo/bar/baz")).isTrue();
        assertThat(route.matches("/foobar")).isFalse();
        assertThat(route.matches("/")).isFalse();
        assertThat(route.scriptName()).isEqualTo("/foo");
        assertThat(route.rawPathInfo("/foo/bar")).isEqualTo("/bar");
        assertThat(route.rawPathInfo("/foo")).isEqualTo("");
    }

    @Test
    void anExactRouteMatchesOnlyItselfTrailingSlashIncluded() {
        Route route = Route.parse("/foo");
        assertThat(route.matches("/foo")).isTrue();
        assertThat(route.matches("/foo/")).isFalse();
        assertThat(route.matches("/foo/bar")).isFalse();
        assertThat(Route.parse("/foo/").matches("/foo")).isFalse();
        assertThat(route.scriptName()).isEqualTo("/foo");
        assertThat(route.rawPathInfo("/foo")).isEqualTo("");
    }

    @Test
    void theWildcardRootMatchesEverything() {
        assertThat(Route.ALL.matches("/")).isTrue();
        assertThat(Route.ALL.matches("/any/thing")).isTrue();
        assertThat(Route.ALL.scriptName()).isEqualTo("/");
        assertThat(Route.ALL.rawPathInfo("/")).isEqualTo("/");
        assertThat(Route.ALL.text()).isEqualTo("/...");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "api/...", "/a b", "/a?x=1", "/a#f", "/a/.../b", "/a..."})
    void invalidRoutesAreRefused(String text) {
        assertThatThrownBy(() -> Route.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
