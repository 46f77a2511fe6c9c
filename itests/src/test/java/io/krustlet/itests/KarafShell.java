package io.krustlet.itests;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.apache.karaf.shell.support.parsing.DefaultParser;

/**
 * Inside the container: Karaf shell commands run as a user types them, through the shell's
 * session API (a session of the {@link SessionFactory} with its own output stream, as Karaf's own
 * integration tests run commands), with the roles of Karaf's default admin user, so command ACLs
 * apply as they do at the console. Completion goes through the command's own completer, with the
 * command line parsed as the console parses it.
 */
final class KarafShell implements AutoCloseable {

    /** What a command printed, and the exception it ended with, if any. */
    record Result(String output, Throwable error) {
        /** The output; fails with the command's own error when it failed. */
        String ok() {
            if (error != null) {
                throw new AssertionError("command failed: " + error + "\noutput:\n" + output, error);
            }
            return output;
        }
    }

    private final SessionFactory sessions;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "itest-shell");
        t.setDaemon(true);
        return t;
    });

    KarafShell(SessionFactory sessions) {
        this.sessions = sessions;
    }

    /** Runs a command line; its output, failing on an error or after {@code timeout}. */
    String run(String commandLine, Duration timeout) {
        return execute(commandLine, timeout).ok();
    }

    String run(String commandLine) {
        return run(commandLine, Duration.ofSeconds(60));
    }

    /** Runs a command line and returns its output and error, without failing on the error. */
    Result execute(String commandLine, Duration timeout) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Future<Throwable> run = executor.submit(() -> asAdmin(() -> {
            try (Session session = sessions.create(System.in, out, out)) {
                try {
                    session.execute(commandLine);
                    return null;
                } catch (Exception e) {
                    return e;
                }
            }
        }));
        try {
            Throwable error = run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            out.flush();
            return new Result(bytes.toString(StandardCharsets.UTF_8), error);
        } catch (TimeoutException e) {
            run.cancel(true);
            throw new AssertionError("'" + commandLine + "' did not end within " + timeout.toSeconds() + " s; output:\n"
                    + bytes.toString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("'" + commandLine + "' could not run", e);
        }
    }

    /**
     * The candidates the console offers when Tab is pressed at the end of {@code line}
     * ({@code "krustlet:logs ch"}), from the completer of the command the line starts with.
     */
    List<String> complete(String line) {
        try {
            return asAdmin(() -> {
                try (Session session = sessions.create(System.in, System.out, System.err)) {
                    String name = line.substring(0, line.indexOf(' '));
                    Command command = session.getRegistry().getCommands().stream()
                            .filter(c -> (c.getScope() + ":" + c.getName()).equals(name)).findFirst()
                            .orElseThrow(() -> new AssertionError("no command " + name));
                    List<String> candidates = new ArrayList<>();
                    command.getCompleter(true).complete(session,
                            new DefaultParser().parse(session, line, line.length()), candidates);
                    return candidates.stream().map(String::trim).sorted().toList();
                }
            });
        } catch (Exception e) {
            throw new AssertionError("completing '" + line + "' failed", e);
        }
    }

    private static <T> T asAdmin(PrivilegedExceptionAction<T> action) throws Exception {
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal("karaf"));
        for (String role : new String[] {"admin", "manager", "viewer", "systembundles", "ssh"}) {
            subject.getPrincipals().add(new RolePrincipal(role));
        }
        return Subject.doAs(subject, action);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
