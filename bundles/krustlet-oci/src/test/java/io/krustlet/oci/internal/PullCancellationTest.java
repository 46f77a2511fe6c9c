package io.krustlet.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.krustlet.oci.PullException;
import io.krustlet.oci.PullPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull that hangs (a registry that accepts and never answers) ends as soon as its caller is
 * interrupted, without waiting for the 55 s request timeout; a shared download keeps going for
 * the callers still waiting, and stops when the last one gives up.
 */
class PullCancellationTest {

    @TempDir
    Path store;

    private SilentRegistry registry;
    private OciImageService images;

    @BeforeEach
    void start() throws Exception {
        registry = SilentRegistry.start();
        images = new OciImageService(store, 0, Set.of(registry.host()), null, List.of());
    }

    @AfterEach
    void stop() throws Exception {
        images.close();
        registry.close();
    }

    /** A pull on a thread of its own; the future holds how it ended and whether the thread kept its interrupt. */
    private record Caller(Thread thread, CompletableFuture<Throwable> ended, CompletableFuture<Boolean> interruptKept) {
    }

    private Caller pull(String image) {
        var ended = new CompletableFuture<Throwable>();
        var interruptKept = new CompletableFuture<Boolean>();
        Thread thread = new Thread(() -> {
            try {
                images.pull(image, PullPolicy.Always, List.of());
                ended.complete(null);
            } catch (Throwable e) {
                ended.complete(e);
            }
            interruptKept.complete(Thread.currentThread().isInterrupted());
        });
        thread.start();
        return new Caller(thread, ended, interruptKept);
    }

    @Test
    void anInterruptEndsAHangingPullAtOnceAndStopsTheDownload() throws Exception {
        Caller caller = pull(registry.host() + "/wasm/hang:v1");
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.accepted() > 0);

        long interruptedAt = System.nanoTime();
        caller.thread().interrupt();
        Throwable ended = caller.ended().get(5, java.util.concurrent.TimeUnit.SECONDS);
        long tookMillis = (System.nanoTime() - interruptedAt) / 1_000_000;

        assertThat(ended).isInstanceOf(PullException.class);
        assertThat(((PullException) ended).kind()).isEqualTo(PullException.Kind.CANCELLED);
        assertThat(tookMillis).as("ends well before the request timeout").isLessThan(2_000);
        assertThat(caller.interruptKept().get()).as("the caller's interrupt flag is set again").isTrue();
        // nobody waits any more: the download itself is stopped and its connection closed
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.closedByClient() > 0);
    }

    @Test
    void aSharedDownloadGoesOnForTheCallersStillWaiting() throws Exception {
        String image = registry.host() + "/wasm/shared:v1";
        Caller first = pull(image);
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.accepted() > 0);
        Caller second = pull(image);
        // the second caller must be waiting on the shared download before the first one gives up
        await().atMost(Duration.ofSeconds(10)).until(() -> second.thread().getState() == Thread.State.WAITING);

        first.thread().interrupt();
        assertThat(first.ended().get(5, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(PullException.class);
        // the second caller still waits on the one download, which was not cut short
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> !second.ended().isDone() && registry.closedByClient() == 0);
        assertThat(registry.accepted()).as("one download for both callers").isEqualTo(1);

        second.thread().interrupt();
        assertThat(second.ended().get(5, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(PullException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.closedByClient() > 0);
    }
}
