package org.example.krustlet.minimal;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerStartException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/**
 * One container of the {@code demo} runtime. Its program is its arguments ({@code argv[0]}, the
 * container's name, aside): {@code say TEXT} writes a line to stdout, {@code warn TEXT} one to
 * stderr, {@code exit CODE} ends with that code, {@code wait} waits until the container is
 * stopped. In a pod: {@code args: ["say", "hello", "wait"]}.
 */
final class DemoContainer implements ContainerHandle {

    /** The exit code of a container that was stopped (128 + SIGTERM, as for a process). */
    static final int STOPPED = 143;
    private static final Map<String, Integer> ARITY = Map.of("say", 1, "warn", 1, "exit", 1, "wait", 0);

    private final List<String> program;
    private final ContainerOutput output;
    private final CompletableFuture<ContainerExit> exit = new CompletableFuture<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;

    DemoContainer(String name, List<String> program, ContainerOutput output) {
        this.program = program;
        this.output = output;
        this.thread = new Thread(this::run, "demo-" + name);
        this.thread.setDaemon(true);
    }

    /** The program in {@code argv}; refused with the kubelet's {@code InvalidModule} reason when it is not one. */
    static List<String> parse(List<String> argv) throws ContainerStartException {
        List<String> program = List.copyOf(argv.subList(Math.min(1, argv.size()), argv.size()));
        int i = 0;
        while (i < program.size()) {
            String word = program.get(i);
            Integer arity = ARITY.get(word);
            if (arity == null || i + arity >= program.size() || word.equals("exit") && !isExitCode(program.get(i + 1))) {
                throw new ContainerStartException(ContainerStartException.INVALID_MODULE, "demo: cannot run '"
                        + String.join(" ", program.subList(i, Math.min(i + 2, program.size())))
                        + "'; the words are: say TEXT, warn TEXT, exit CODE (0-255), wait");
            }
            i += 1 + arity;
        }
        return program;
    }

    private static boolean isExitCode(String word) {
        return word.matches("\\d{1,3}") && Integer.parseInt(word) <= 255;
    }

    void launch() {
        thread.start();
    }

    private void run() {
        ContainerExit result;
        try {
            result = execute();
        } catch (IOException e) {
            result = new ContainerExit(1, ContainerExit.ERROR, "cannot write its output: " + e.getMessage(), Instant.now());
        } catch (InterruptedException e) {
            result = new ContainerExit(STOPPED, ContainerExit.ERROR, "interrupted", Instant.now());
        }
        exit.complete(result); // after the last write: the node closes the log once the exit is in
    }

    private ContainerExit execute() throws IOException, InterruptedException {
        for (int i = 0; i < program.size() && stopped.getCount() > 0; i += 1 + ARITY.get(program.get(i))) {
            switch (program.get(i)) {
                case "say" -> line(output.stdout(), program.get(i + 1));
                case "warn" -> line(output.stderr(), program.get(i + 1));
                case "exit" -> {
                    return ContainerExit.of(Integer.parseInt(program.get(i + 1)), "", Instant.now());
                }
                default -> stopped.await(); // "wait"
            }
        }
        return stopped.getCount() > 0 ? ContainerExit.of(0, "", Instant.now())
                : new ContainerExit(STOPPED, ContainerExit.ERROR, "stopped", Instant.now());
    }

    private static void line(OutputStream stream, String text) throws IOException {
        stream.write((text + "\n").getBytes(StandardCharsets.UTF_8));
        stream.flush();
    }

    @Override
    public CompletionStage<ContainerExit> exit() {
        return exit;
    }

    /**
     * Every step here ends at once when asked, so the grace period is never needed. An engine that
     * may not stop in time must still complete {@link #exit()} when the grace period is over.
     */
    @Override
    public void stop(Duration gracePeriod) {
        stopped.countDown();
    }

    void join(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
    }
}
