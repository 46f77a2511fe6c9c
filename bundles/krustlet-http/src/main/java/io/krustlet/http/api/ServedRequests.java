package io.krustlet.http.api;

import io.krustlet.api.RequestStats;

/**
 * The requests that serving containers (the {@code wagi} runtime) answered, for {@code /metrics}:
 * a counter and a duration histogram per container and status class, and the requests in flight.
 * The providers count (through {@code ContainerHandle.usage()}, {@code ContainerUsage.requests()});
 * this only writes what the running containers report, so a container's series start over when
 * it restarts, as a restarted Prometheus target's do. Containers that serve no requests have none.
 */
final class ServedRequests {

    static final String REQUESTS = "krustlet_container_http_requests_total";
    static final String DURATION = "krustlet_container_http_request_duration_seconds";
    static final String IN_FLIGHT = "krustlet_container_http_requests_in_flight";

    private ServedRequests() {
    }

    static void write(PrometheusText text, ContainerUsages usages) {
        var serving = usages.entries().stream().filter(e -> e.usage().requests() != null).toList();
        text.family(REQUESTS, "counter", "HTTP requests a container answered, by status class");
        for (var e : serving) {
            e.usage().requests().byStatusClass().forEach((statusClass, d) -> text.sample(REQUESTS, d.count(),
                    labels(e, "status_class", statusClass)));
        }
        text.family(DURATION, "histogram",
                "Time from a container's server taking an HTTP request to the last byte of its response, by status class");
        for (var e : serving) {
            RequestStats stats = e.usage().requests();
            stats.byStatusClass().forEach((statusClass, d) -> {
                for (int i = 0; i < stats.bucketBoundsSeconds().size(); i++) {
                    text.sample(DURATION + "_bucket", d.cumulativeBucketCounts().get(i), labels(e, "status_class",
                            statusClass, "le", PrometheusText.number(stats.bucketBoundsSeconds().get(i))));
                }
                text.sample(DURATION + "_bucket", d.count(), labels(e, "status_class", statusClass, "le", "+Inf"));
                text.sample(DURATION + "_sum", d.sumSeconds(), labels(e, "status_class", statusClass));
                text.sample(DURATION + "_count", d.count(), labels(e, "status_class", statusClass));
            });
        }
        text.family(IN_FLIGHT, "gauge", "HTTP requests a container is answering now");
        for (var e : serving) {
            text.sample(IN_FLIGHT, e.usage().requests().inFlight(), labels(e));
        }
    }

    private static String[] labels(ContainerUsages.Entry e, String... more) {
        String[] labels = new String[6 + more.length];
        labels[0] = "namespace";
        labels[1] = e.pod().namespace();
        labels[2] = "pod";
        labels[3] = e.pod().name();
        labels[4] = "container";
        labels[5] = e.container();
        System.arraycopy(more, 0, labels, 6, more.length);
        return labels;
    }
}
