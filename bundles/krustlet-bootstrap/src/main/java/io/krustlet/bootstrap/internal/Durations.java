package io.krustlet.bootstrap.internal;

import java.time.Duration;

/** Durations as people read them in a log: 45s, 2m30s, 1h5m. */
final class Durations {

    private Durations() {
    }

    static String human(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
        }
        if (seconds < 86400 * 2) {
            return seconds / 3600 + "h" + (seconds % 3600 / 60 == 0 ? "" : seconds % 3600 / 60 + "m");
        }
        return seconds / 86400 + "d";
    }
}
