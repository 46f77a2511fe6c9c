package io.krustlet.wagi;

import io.krustlet.api.RequestStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one container has served: requests per status class with a duration histogram, requests
 * in flight, and the CPU time of the threads while they served it. Updated by request threads
 * without locks; read by {@link #snapshot()} from any thread.
 */
final class RequestMetrics {

    /** Histogram bucket bounds in seconds: Prometheus' HTTP defaults, up to the default timeout. */
    static final List<Double> BUCKETS = List.of(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            10.0, 30.0);
    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final LongAdder[] counts = new LongAdder[CLASSES.length];
    private final LongAdder[] sumNanos = new LongAdder[CLASSES.length];
    private final LongAdder[][] buckets = new LongAdder[CLASSES.length][BUCKETS.size()];
    private final AtomicLong inFlight = new AtomicLong();
    private final LongAdder cpuNanos = new LongAdder();

    RequestMetrics() {
        for (int c = 0; c < CLASSES.length; c++) {
            counts[c] = new LongAdder();
            sumNanos[c] = new LongAdder();
            for (int b = 0; b < BUCKETS.size(); b++) {
                buckets[c][b] = new LongAdder();
            }
        }
    }

    void started() {
        inFlight.incrementAndGet();
    }

    /**
     * A request was answered (or given up on).
     *
     * @param status the status sent
     * @param nanos how long it took, from the handler taking it to the response's last byte
     */
    void finished(int status, long nanos) {
        inFlight.decrementAndGet();
        int c = Math.max(0, Math.min(CLASSES.length - 1, status / 100 - 1));
        counts[c].increment();
        sumNanos[c].add(nanos);
        double seconds = nanos / 1e9;
        for (int b = 0; b < BUCKETS.size(); b++) {
            if (seconds <= BUCKETS.get(b)) {
                buckets[c][b].increment(); // the first bucket that holds it; cumulated in snapshot()
                break;
            }
        }
    }

    void cpu(long nanos) {
        if (nanos > 0) {
            cpuNanos.add(nanos);
        }
    }

    long inFlight() {
        return inFlight.get();
    }

    long cpuNanos() {
        return cpuNanos.sum();
    }

    /** Served requests of every class added up. */
    long served() {
        long n = 0;
        for (LongAdder count : counts) {
            n += count.sum();
        }
        return n;
    }

    /** The status classes that have seen requests, with cumulative histograms. */
    RequestStats snapshot() {
        Map<String, RequestStats.Durations> byClass = new LinkedHashMap<>();
        for (int c = 0; c < CLASSES.length; c++) {
            // buckets first: a request counts itself before it fills a bucket, so no bucket passes the count
            List<Long> cumulative = new ArrayList<>(BUCKETS.size());
            long running = 0;
            for (int b = 0; b < BUCKETS.size(); b++) {
                running += buckets[c][b].sum();
                cumulative.add(running);
            }
            long count = counts[c].sum();
            if (count == 0) {
                continue;
            }
            byClass.put(CLASSES[c], new RequestStats.Durations(count, sumNanos[c].sum() / 1e9, cumulative));
        }
        return new RequestStats(inFlight.get(), BUCKETS, byClass);
    }
}
