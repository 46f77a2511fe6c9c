package io.krustlet.core.cluster;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.concurrent.TimeUnit;

/**
 * The client-side limit on the node's API requests, as the kubelet's kubeAPIQPS and kubeAPIBurst
 * set it for client-go (defaults 50 and 400: see {@link #DEFAULT_BURST}): a token bucket holding {@code burst} requests, refilled at {@code qps} per
 * second. A request that finds the bucket empty waits (on the thread that sends it) for its
 * token, so a burst of pods cannot flood the API server. Events are not counted: the kubelet sends
 * them through a client of their own, and the node's Event recorder has its own per-pod limit.
 *
 * <p>A fabric8 {@link Interceptor}, called before each request is sent (watches included, as
 * client-go counts them). Thread-safe.
 */
final class ApiRateLimit implements Interceptor {

    /** The kubelet's sustained rate since Kubernetes 1.27. */
    static final int DEFAULT_QPS = 50;
    /**
     * Four times the kubelet's 100: a pod's start costs about three status writes (Pending,
     * Running, finished), so 100 cannot carry a full node's pods (maxPods 110) starting at once,
     * and their status would trail by seconds; 400 can, and the sustained rate stays 50 per second.
     */
    static final int DEFAULT_BURST = 400;

    private final double qps;
    private final double burst;
    private final TimeSource time;
    private double tokens;
    private long last;

    /** Nanosecond time and waiting, so tests need not wait for real. */
    interface TimeSource {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;

        TimeSource SYSTEM = new TimeSource() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                TimeUnit.NANOSECONDS.sleep(nanos); // a rate limiter's wait: the point of it
            }
        };
    }

    /**
     * @param qps sustained requests per second, above 0
     * @param burst requests that may go at once after a quiet time, at least 1
     */
    ApiRateLimit(int qps, int burst, TimeSource time) {
        if (qps <= 0 || burst < 1) {
            throw new IllegalArgumentException("kubeAPIQPS must be above 0 and kubeAPIBurst at least 1 (were " + qps
                    + " and " + burst + ")");
        }
        this.qps = qps;
        this.burst = burst;
        this.time = time;
        this.tokens = burst;
        this.last = time.nanoTime();
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        if (isEvent(request)) {
            return;
        }
        long wait = reserve();
        if (wait > 0) {
            try {
                time.sleepNanos(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the request goes now; its sender is being stopped
            }
        }
    }

    /** Takes a token, in advance if need be; @return how long to wait until it is ours (ns). */
    synchronized long reserve() {
        long now = time.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) / 1e9 * qps);
        last = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / qps * 1e9);
    }

    private static boolean isEvent(HttpRequest request) {
        String path = request.uri().getPath();
        return path != null && (path.endsWith("/events") || path.contains("/events/"));
    }
}
