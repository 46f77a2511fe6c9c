package io.krustlet.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the node names the API range a provider that cannot start needs. */
class IncompatibleProvidersTest {

    @Test
    void theRangeReadsAsBndWroteItInTheManifest() {
        // the framework's filter for Import-Package: io.krustlet.api;version="[1.3,2)"
        assertThat(IncompatibleProviders.needs("(&(osgi.wiring.package=io.krustlet.api)(version>=1.3.0)"
                + "(!(version>=2.0.0)))")).isEqualTo("[1.3,2)");
        assertThat(IncompatibleProviders.needs("(&(osgi.wiring.package=io.krustlet.api)(version>=1.2.10)"
                + "(!(version>=1.10.0)))")).isEqualTo("[1.2.10,1.10)");
        assertThat(IncompatibleProviders.needs("(&(osgi.wiring.package=io.krustlet.api)(version>=2.0.0))"))
                .isEqualTo("[2,∞)");
    }

    @Test
    void aFilterItCannotReadIsShownAsItIs() {
        String filter = "(&(osgi.wiring.package=io.krustlet.api)(!(version<=1.3.0)))";
        assertThat(IncompatibleProviders.needs(filter)).isEqualTo(filter);
    }
}
