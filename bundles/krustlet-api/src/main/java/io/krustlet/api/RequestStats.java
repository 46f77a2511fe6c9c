package io.krustlet.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The requests a serving container (the {@code wagi} runtime, for example) has answered since
 * it started, by status class, with a histogram of their durations. The node's {@code /metrics}
 * turns this into a request counter and a duration histogram per pod, container and status
 * class; counters start at zero with each run of the container, as Prometheus expects of a
 * restarted target.
 *
 * <p>A snapshot: the provider makes a new one for each {@link ContainerHandle#usage()} call.
 *
 * @param inFlight requests being answered now
 * @param bucketBoundsSeconds the upper bounds of the duration histogram's buckets, in seconds,
 *     ascending (the {@code +Inf} bucket is implied)
 * @param byStatusClass the answered requests per status class ({@code 2xx}, {@code 3xx},
 *     {@code 4xx}, {@code 5xx}; {@code 1xx} is never answered), sorted by class
 * @since 1.2
 */
public record RequestStats(long inFlight, List<Double> bucketBoundsSeconds, Map<String, Durations> byStatusClass) {

    public RequestStats {
        bucketBoundsSeconds = List.copyOf(bucketBoundsSeconds);
        byStatusClass = java.util.Collections.unmodifiableMap(new TreeMap<>(byStatusClass));
        for (Durations d : byStatusClass.values()) {
            if (d.cumulativeBucketCounts().size() != bucketBoundsSeconds.size()) {
                throw new IllegalArgumentException("a histogram needs one count per bucket bound ("
                        + bucketBoundsSeconds.size() + "), not " + d.cumulativeBucketCounts().size());
            }
        }
    }

    /** Requests answered since the container started, whatever their status. */
    public long served() {
        return byStatusClass.values().stream().mapToLong(Durations::count).sum();
    }

    /**
     * The durations of the requests of one status class, as a Prometheus histogram holds them.
     *
     * @param count requests answered
     * @param sumSeconds their durations added up, in seconds
     * @param cumulativeBucketCounts for each bound of {@link #bucketBoundsSeconds()}, how many took
     *     at most that long (cumulative, so never decreasing)
     */
    public record Durations(long count, double sumSeconds, List<Long> cumulativeBucketCounts) {
        public Durations {
            Objects.requireNonNull(cumulativeBucketCounts, "cumulativeBucketCounts");
            cumulativeBucketCounts = List.copyOf(cumulativeBucketCounts);
        }
    }
}
