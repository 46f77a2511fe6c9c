package io.krustlet.bench.density;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A copy of the Karaf distribution ({@code assembly/target/assembly}) started as users start it
 * ({@code bin/karaf server}), observed from outside: {@code /proc/<pid>} of its JVM and the JDK's
 * {@code jcmd}. Linux only (it reads {@code /proc}).
 */
final class KarafNode implements AutoCloseable {

    /** What {@code /proc/<pid>/status} says about the node's JVM. */
    record ProcStatus(long rssKiB, long peakRssKiB, int threads) {
        double rssMiB() {
            return rssKiB / 1024.0;
        }

        double peakRssMiB() {
            return peakRssKiB / 1024.0;
        }
    }

    private final Path home;
    private final Process launcher;
    private ProcessHandle jvm;

    private KarafNode(Path home, Process launcher) {
        this.home = home;
        this.launcher = launcher;
    }

    /**
     * Copies the distribution to {@code home} (a fresh data directory, the distribution untouched),
     * gives its SSH server {@code sshPort} and starts it in the background with {@code env} added to
     * this process's environment ({@code null} values remove a variable).
     */
    static KarafNode start(Path distribution, Path home, int sshPort, Map<String, String> env) throws IOException {
        copy(distribution, home);
        Path shellCfg = home.resolve("etc/org.apache.karaf.shell.cfg");
        Files.writeString(shellCfg, Files.readString(shellCfg).replaceAll("(?m)^sshPort\\s*=.*$", "sshPort = " + sshPort));
        var builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("console.log").toFile());
        env.forEach((k, v) -> {
            if (v == null) {
                builder.environment().remove(k);
            } else {
                builder.environment().put(k, v);
            }
        });
        return new KarafNode(home, builder.start());
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static boolean isKarafMain(ProcessHandle p) {
        return p.info().arguments().map(args -> java.util.Arrays.asList(args).contains("org.apache.karaf.main.Main"))
                .orElse(false);
    }

    Path home() {
        return home;
    }

    /** The node's JVM (a child of {@code bin/karaf}), once it runs. */
    ProcessHandle jvm(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (jvm == null) {
            if (!launcher.isAlive()) {
                throw new IllegalStateException("bin/karaf exited with " + launcher.exitValue() + "; see "
                        + home.resolve("console.log"));
            }
            // the launcher also runs `java -version` first: the node is the JVM running Karaf's Main
            Optional<ProcessHandle> java = launcher.descendants().filter(KarafNode::isKarafMain).findFirst();
            if (java.isPresent()) {
                jvm = java.get();
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no JVM under bin/karaf after " + timeout.toSeconds() + " s");
            } else {
                Thread.sleep(50);
            }
        }
        return jvm;
    }

    boolean alive() {
        return jvm != null && jvm.isAlive();
    }

    /** The java executable the node runs on. */
    Path javaCommand() {
        return Path.of(jvm.info().command().orElseThrow());
    }

    /** The Java version of the node's JVM, from its JDK's release file. */
    String javaVersion() {
        try {
            Path release = javaCommand().toRealPath().getParent().getParent().resolve("release");
            return Files.readAllLines(release).stream().filter(l -> l.startsWith("JAVA_VERSION="))
                    .map(l -> l.substring("JAVA_VERSION=".length()).replace("\"", "")).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * The CPU time the node's JVM has used so far, all its threads, user and system, in seconds
     * ({@code utime + stime} of {@code /proc/<pid>/stat}, in clock ticks of 10 ms): unlike the
     * wall-clock time of a phase, it does not depend on what else the shared machine runs.
     */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(jvm.pid()), "stat"));
        // fields after the command name, which is in parentheses and may hold spaces
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime: fields 14, 15
    }

    ProcStatus status() throws IOException {
        long rss = 0;
        long hwm = 0;
        int threads = 0;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(jvm.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kib(line);
            } else if (line.startsWith("VmHWM:")) {
                hwm = kib(line);
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring("Threads:".length()).strip());
            }
        }
        return new ProcStatus(rss, hwm, threads);
    }

    /**
     * The node's threads grouped by name, digits and pod names dropped (the kernel keeps the first
     * 15 characters of a Java thread's name), largest groups first.
     */
    java.util.List<Map.Entry<String, Long>> threadGroups() throws IOException {
        var groups = new java.util.TreeMap<String, Long>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(jvm.pid()), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "#");
                    name = name.startsWith("wasi-") ? "wasi-<container>" : name;
                    groups.merge(name, 1L, Long::sum);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        var sorted = new java.util.ArrayList<>(groups.entrySet());
        sorted.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        return sorted;
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** Runs {@code jcmd <pid> command...} of the node's own JDK and returns what it prints. */
    String jcmd(String... command) throws IOException, InterruptedException {
        Path jcmd = javaCommand().toRealPath().resolveSibling("jcmd");
        String[] argv = new String[command.length + 2];
        argv[0] = jcmd.toString();
        argv[1] = String.valueOf(jvm.pid());
        System.arraycopy(command, 0, argv, 2, command.length);
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }

    /** Stops the node as an operator does (SIGTERM to its JVM), then kills what is left. */
    @Override
    public void close() throws InterruptedException {
        if (jvm != null && jvm.isAlive()) {
            jvm.destroy();
            try {
                jvm.onExit().get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                jvm.destroyForcibly();
            }
        }
        launcher.destroy();
        if (!launcher.waitFor(30, TimeUnit.SECONDS)) {
            launcher.destroyForcibly();
        }
    }
}
