package io.krustlet.testkit.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until the test moves it, so code that reads the time can be
 * tested without sleeping. Time only moves forward.
 *
 * <p>Thread-safe: the code under test may read it on any thread while the test moves it. Views
 * made with {@link #withZone} share this clock's time.
 */
public final class ManualClock extends Clock {

    /** Where a clock made without a start instant starts: {@code 2026-01-01T00:00:00Z}. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock at {@link #DEFAULT_START}, in UTC. */
    public ManualClock() {
        this(DEFAULT_START);
    }

    /** A clock at {@code start}, in UTC. */
    public ManualClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view of this clock in another zone; moving either moves both. */
    @Override
    public ManualClock withZone(ZoneId zone) {
        return new ManualClock(now, Objects.requireNonNull(zone, "zone"));
    }

    /**
     * Moves the clock forward by {@code duration}. Nothing else happens: tasks of a
     * {@link ManualScheduler} on this clock run in {@link ManualScheduler#advance} or
     * {@link ManualScheduler#runDue}, never here.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward: " + duration);
        }
        now.updateAndGet(t -> t.plus(duration));
    }

    /** Moves the clock to {@code instant} unless it is already there or later. */
    void moveTo(Instant instant) {
        now.accumulateAndGet(instant, (current, target) -> target.isAfter(current) ? target : current);
    }

    @Override
    public String toString() {
        return "ManualClock[" + instant() + ", " + zone + "]";
    }
}
