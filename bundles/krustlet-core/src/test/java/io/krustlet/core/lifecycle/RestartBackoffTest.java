package io.krustlet.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

    @Test
    void doublesFromTenSecondsToFiveMinutes() {
        var backoff = new RestartBackoff();
        long[] seconds = new long[8];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = backoff.next(Duration.ofSeconds(1)).toSeconds();
        }
        assertThat(seconds).containsExactly(10, 20, 40, 80, 160, 300, 300, 300);
    }

    @Test
    void startsOverAfterARunOfTenMinutes() {
        var backoff = new RestartBackoff();
        backoff.next(null);
        backoff.next(Duration.ofMinutes(9));
        assertThat(backoff.next(Duration.ofMinutes(9))).isEqualTo(Duration.ofSeconds(40));
        assertThat(backoff.next(Duration.ofMinutes(10))).isEqualTo(Duration.ofSeconds(10));
    }
}
