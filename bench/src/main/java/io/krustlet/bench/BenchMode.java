package io.krustlet.bench;

/**
 * Full runs print the figures in docs/benchmarks.md; smoke runs ({@code just bench --smoke},
 * run by CI after the tests) take a handful of iterations of every part, so a part that no longer
 * starts is caught at once, without asserting any figure.
 */
final class BenchMode {

    /** System property that selects the smoke mode. */
    static final String SMOKE_PROPERTY = "krustlet.bench.smoke";

    private BenchMode() {
    }

    static boolean smoke() {
        return Boolean.getBoolean(SMOKE_PROPERTY);
    }

    /** {@code full} in a full run, {@code smoke} in a smoke run. */
    static int count(int full, int smoke) {
        return smoke() ? smoke : full;
    }
}
