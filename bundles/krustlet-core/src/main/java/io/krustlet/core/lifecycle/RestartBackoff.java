package io.krustlet.core.lifecycle;

import java.time.Duration;

/**
 * The kubelet's restart back-off for one container: 10 s, doubling up to 5 minutes, starting
 * over once a run has lasted 10 minutes.
 */
public final class RestartBackoff {

    public static final Duration INITIAL = Duration.ofSeconds(10);
    public static final Duration MAX = Duration.ofMinutes(5);
    public static final Duration RESET_AFTER = Duration.ofMinutes(10);

    private int streak;

    /**
     * The delay before the next start.
     *
     * @param lastRun how long the run that just ended lasted, or null when it never started
     */
    public Duration next(Duration lastRun) {
        if (lastRun != null && lastRun.compareTo(RESET_AFTER) >= 0) {
            streak = 0;
        }
        streak++;
        Duration delay = INITIAL;
        for (int i = 1; i < streak && delay.compareTo(MAX) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(MAX) > 0 ? MAX : delay;
    }
}
