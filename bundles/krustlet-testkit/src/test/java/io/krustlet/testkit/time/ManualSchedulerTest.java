package io.krustlet.testkit.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Instant start = ManualClock.DEFAULT_START;
    private final List<String> ran = new ArrayList<>();

    private Runnable record(String name) {
        return () -> ran.add(name + "@" + Duration.between(start, scheduler.clock().instant()).toSeconds());
    }

    @Test
    void nothingRunsUntilTimeIsMovedThenDueTasksRunInDueOrderAtTheirOwnTime() {
        scheduler.schedule(record("late"), 30, TimeUnit.SECONDS);
        scheduler.schedule(record("early"), Duration.ofSeconds(10));
        scheduler.schedule(record("tie-first"), Duration.ofSeconds(20));
        scheduler.schedule(record("tie-second"), Duration.ofSeconds(20));
        assertThat(ran).isEmpty();
        scheduler.advance(Duration.ofSeconds(25));
        assertThat(ran).containsExactly("early@10", "tie-first@20", "tie-second@20");
        assertThat(scheduler.clock().instant()).isEqualTo(start.plusSeconds(25));
        assertThat(scheduler.pending()).containsExactly(start.plusSeconds(30));
    }

    @Test
    void tasksScheduledByTasksRunInTheSameAdvanceWhenTheyFallDue() {
        scheduler.schedule(() -> {
            ran.add("outer");
            scheduler.schedule(record("inner"), Duration.ofSeconds(5));
            scheduler.execute(record("now"));
        }, Duration.ofSeconds(1));
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(ran).containsExactly("outer", "now@1", "inner@6");
    }

    @Test
    void executeAndSubmitRunAtTheNextRunDueNotInsideTheCall() throws Exception {
        scheduler.execute(record("executed"));
        Future<String> result = scheduler.submit(() -> "value");
        assertThat(ran).isEmpty();
        assertThat(result).isNotDone();
        scheduler.runDue();
        assertThat(ran).containsExactly("executed@0");
        assertThat(result.get()).isEqualTo("value");
    }

    @Test
    void aCancelledTaskNeverRunsAndIsNoLongerPending() {
        ScheduledFuture<?> task = scheduler.schedule(record("cancelled"), Duration.ofSeconds(5));
        assertThat(task.cancel(false)).isTrue();
        assertThat(scheduler.pending()).isEmpty();
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(ran).isEmpty();
        assertThat(task.isCancelled()).isTrue();
    }

    @Test
    void periodicTasksRunAtAFixedRateOrWithAFixedDelayUntilCancelled() {
        ScheduledFuture<?> rate = scheduler.scheduleAtFixedRate(record("rate"), 1, 2, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(record("delay"), 0, 3, TimeUnit.SECONDS);
        scheduler.advance(Duration.ofSeconds(6));
        assertThat(ran).containsExactly("delay@0", "rate@1", "rate@3", "delay@3", "rate@5", "delay@6");
        assertThat(rate.getDelay(TimeUnit.SECONDS)).isEqualTo(1);
        rate.cancel(false);
        ran.clear();
        scheduler.advance(Duration.ofSeconds(3));
        assertThat(ran).containsExactly("delay@9");
    }

    @Test
    void aFailingTaskFailsTheAdvanceAndItsFutureButLaterTasksStillRunOnTheNextAdvance() {
        ScheduledFuture<?> failing = scheduler.schedule(() -> {
            throw new IllegalStateException("boom");
        }, Duration.ofSeconds(1));
        scheduler.schedule(record("later"), Duration.ofSeconds(2));
        assertThatThrownBy(() -> scheduler.advance(Duration.ofSeconds(5))).isInstanceOf(IllegalStateException.class)
                .hasMessage("boom");
        assertThat(scheduler.clock().instant()).as("time stops at the failing task").isEqualTo(start.plusSeconds(1));
        assertThatThrownBy(failing::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("boom");
        scheduler.advance(Duration.ofSeconds(4));
        assertThat(ran).containsExactly("later@2");
    }

    @Test
    void aFailingPeriodicTaskIsNotRunAgain() {
        int[] runs = {0};
        scheduler.scheduleAtFixedRate(() -> {
            runs[0]++;
            throw new IllegalStateException("periodic boom");
        }, 1, 1, TimeUnit.SECONDS);
        assertThatThrownBy(() -> scheduler.advance(Duration.ofSeconds(5))).hasMessage("periodic boom");
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(runs[0]).isEqualTo(1);
        assertThat(scheduler.pending()).isEmpty();
    }

    @Test
    void shutdownRefusesNewTasksRunsDelayedOnesAndStopsPeriodicOnes() {
        scheduler.schedule(record("delayed"), Duration.ofSeconds(1));
        scheduler.scheduleAtFixedRate(record("periodic"), 1, 1, TimeUnit.SECONDS);
        scheduler.shutdown();
        assertThat(scheduler.isShutdown()).isTrue();
        assertThatThrownBy(() -> scheduler.execute(record("refused"))).isInstanceOf(RejectedExecutionException.class);
        assertThat(scheduler.isTerminated()).isFalse();
        scheduler.advance(Duration.ofSeconds(3));
        assertThat(ran).containsExactly("delayed@1");
        assertThat(scheduler.isTerminated()).isTrue();
    }

    @Test
    void shutdownNowCancelsEverythingPending() {
        ScheduledFuture<?> task = scheduler.schedule(record("never"), Duration.ofSeconds(1));
        assertThat(scheduler.shutdownNow()).containsExactly((Runnable) task);
        assertThat(task.isCancelled()).isTrue();
        scheduler.advance(Duration.ofSeconds(3));
        assertThat(ran).isEmpty();
        assertThat(scheduler.awaitTermination(1, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aNegativeDelayRunsAtTheNextRunDueAndTimeNeverGoesBack() {
        scheduler.schedule(record("overdue"), -5, TimeUnit.SECONDS);
        scheduler.runDue();
        assertThat(ran).containsExactly("overdue@0");
        assertThatThrownBy(() -> scheduler.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scheduler.clock().advance(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void movingTheClockByHandMakesTasksDueForTheNextRunDue() {
        scheduler.schedule(record("due"), Duration.ofSeconds(10));
        scheduler.clock().advance(Duration.ofSeconds(15));
        assertThat(ran).isEmpty();
        scheduler.runDue();
        assertThat(ran).containsExactly("due@15");
    }

    @Test
    void aZoneViewSharesTheClocksTime() {
        ManualClock clock = new ManualClock(Instant.parse("2030-05-06T07:08:09Z"));
        ManualClock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        clock.advance(Duration.ofHours(1));
        assertThat(paris.instant()).isEqualTo(Instant.parse("2030-05-06T08:08:09Z"));
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(clock.getZone()).isEqualTo(java.time.ZoneOffset.UTC);
    }
}
