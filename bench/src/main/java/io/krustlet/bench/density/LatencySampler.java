package io.krustlet.bench.density;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Calls one operation at a fixed pace on a thread of its own and keeps, per call, when it was made
 * and how long it took (or that it failed), so that a phase of the run can be summarised later.
 */
final class LatencySampler implements AutoCloseable {

    /** One call: started at {@code atNanos} (System.nanoTime), took {@code nanos}, or failed. */
    record Sample(long atNanos, long nanos, String failure) {
    }

    @FunctionalInterface
    interface Call {
        void run() throws Exception;
    }

    private final List<Sample> samples = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    LatencySampler(String name, long intervalMillis, Call call) {
        thread = new Thread(() -> loop(intervalMillis, call), "sampler-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(long intervalMillis, Call call) {
        while (!stop.get()) {
            long start = System.nanoTime();
            String failure = null;
            try {
                call.run();
            } catch (Exception e) {
                failure = e.toString();
            }
            long took = System.nanoTime() - start;
            synchronized (samples) {
                samples.add(new Sample(start, took, failure));
            }
            long pause = intervalMillis - took / 1_000_000;
            if (pause > 0) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** "n calls, p50, p99, max, failures" of the calls started in [from, to). */
    String summary(long fromNanos, long toNanos) {
        List<Sample> window;
        synchronized (samples) {
            window = samples.stream().filter(s -> s.atNanos() >= fromNanos && s.atNanos() < toNanos).toList();
        }
        long[] ok = window.stream().filter(s -> s.failure() == null).mapToLong(Sample::nanos).sorted().toArray();
        long failed = window.size() - ok.length;
        if (window.isEmpty()) {
            return "    0 calls";
        }
        if (ok.length == 0) {
            return String.format("%5d calls, all failed%s", window.size(), firstFailure(window));
        }
        long over1s = Arrays.stream(ok).filter(n -> n > 1_000_000_000L).count();
        return String.format("%5d calls  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  >1s %d  failed %d%s", window.size(),
                ms(percentile(ok, 50)), ms(percentile(ok, 99)), ms(ok[ok.length - 1]), over1s, failed,
                failed > 0 ? firstFailure(window) : "");
    }

    private static String firstFailure(List<Sample> window) {
        return window.stream().filter(s -> s.failure() != null).findFirst().map(s -> " (" + s.failure() + ")").orElse("");
    }

    private static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.interrupt();
        thread.join(60_000);
    }
}
