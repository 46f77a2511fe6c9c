package io.krustlet.bootstrap.internal;

import java.time.Duration;

/** Exponential back-off between attempts; a success starts it over. Not thread-safe. */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration next;

    Backoff(Duration initial, Duration max) {
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    Duration next() {
        Duration current = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return current;
    }

    void reset() {
        next = initial;
    }
}
