package io.krustlet.bench;

import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerId;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerPort;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ModuleRef;
import io.krustlet.api.ResourceLimits;
import io.krustlet.testmodules.TestModules;
import io.krustlet.wagi.WagiConfig;
import io.krustlet.wagi.WagiRuntime;
import io.krustlet.wasm.CompiledModule;
import io.krustlet.wasm.Engine;
import io.krustlet.wasm.ModuleCache;
import io.krustlet.wasm.WasiInstance;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code just bench wagi}: requests per second and latency of a WAGI hello handler (wagi-hello.c)
 * behind the real wagi provider (Jetty 12, one module instance per request), with 16 and 64
 * concurrent keep-alive clients on loopback; and the time to make an instance of a cached module.
 * The clients are plain sockets in the same JVM (one thread each), so on 2 cores they share the
 * CPU with the server, as a load generator on the same machine would.
 */
public final class WagiBench {

    private static final Duration WARMUP = Duration.ofSeconds(BenchMode.count(5, 1));
    private static final Duration RUN = Duration.ofSeconds(BenchMode.count(10, 1));
    private static final int INSTANCES = BenchMode.count(20_000, 200);

    private WagiBench() {
    }

    /** Prints both parts' figures. */
    static void run() throws Exception {
        instantiation();
        serving();
    }

    // ---- instantiating a cached module ----

    private static void instantiation() throws Exception {
        ModuleRef ref = ref(TestModules.wagiHello());
        CompiledModule module = new ModuleCache(Engine.COMPILER, 4).get(ref);
        Clock clock = Clock.systemUTC();
        long[] prepare = new long[INSTANCES];
        long[] full = new long[INSTANCES];
        for (int round = 0; round < 2; round++) { // the first round warms the JIT
            for (int i = 0; i < INSTANCES; i++) {
                var out = new ByteArrayOutputStream(64);
                var config = new WasiInstance.Config(ref.image(), List.of("/"), Map.of("REQUEST_METHOD", "GET",
                        "PATH_INFO", "/"), List.of(), 0, new ByteArrayInputStream(new byte[0]), out,
                        OutputStream.nullOutputStream());
                long start = System.nanoTime();
                WasiInstance instance = WasiInstance.prepare(module, config, clock);
                long prepared = System.nanoTime();
                instance.run(() -> false);
                long ran = System.nanoTime();
                prepare[i] = prepared - start;
                full[i] = ran - start;
                if (i == 0 && !out.toString(StandardCharsets.UTF_8).contains("Hello from WAGI!")) {
                    throw new IllegalStateException("wagi-hello wrote: " + out);
                }
            }
        }
        System.out.printf("Instances of a cached module (wagi-hello.wasm, %d bytes, compiled), %d in a row on one thread%n",
                Files.size(TestModules.wagiHello()), INSTANCES);
        System.out.printf("  %-44s %10s %10s %10s%n", "", "median", "p99", "mean");
        micros("instantiate (link WASI, memory, data)", prepare);
        micros("instantiate + run _start (whole handler)", full);
        System.out.println();
    }

    private static void micros(String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(nanos).average().orElse(0);
        System.out.printf("  %-44s %8.1fus %8.1fus %8.1fus%n", label, percentile(sorted, 50) / 1e3,
                percentile(sorted, 99) / 1e3, mean / 1e3);
    }

    // ---- serving ----

    private static void serving() throws Exception {
        var runtime = new WagiRuntime(new WagiConfig() {
            public Class<? extends Annotation> annotationType() { return WagiConfig.class; }
            public String engine() { return "compiler"; }
            public int maxCachedModules() { return 4; }
            public String bindAddress() { return ""; }
            public int timeoutSeconds() { return 30; }
            public int maxConcurrentRequests() { return 0; }
            public long maxRequestBodyBytes() { return 1 << 20; }
            public long maxResponseBytes() { return 1 << 20; }
            public int retryAfterSeconds() { return 1; }
            public int idleTimeoutSeconds() { return 30; }
        });
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path logs = Files.createTempDirectory("wagi-bench");
        // the runtime's threads are daemons and the harness exits when done: no deactivation needed
        try (OutputStream stdout = Files.newOutputStream(logs.resolve("stdout.log"));
                OutputStream stderr = Files.newOutputStream(logs.resolve("stderr.log"))) {
            // the concurrency limit at the number of clients, so that every request runs the handler
            var spec = new ContainerSpec(new ContainerId("bench", "hello", "uid", "hello", 0), ref(TestModules.wagiHello()),
                    List.of("hello"), Map.of(), List.of(), null, ResourceLimits.NONE,
                    List.of(new ContainerPort("http", port, "TCP")),
                    Map.of("wagi.krustlet.dev/max-concurrency", "64"), "127.0.0.1");
            ContainerHandle handle = runtime.start(spec, new ContainerOutput(new SyncStream(stdout), new SyncStream(stderr)));
            load(port, 16, WARMUP, false);
            System.out.printf("WAGI hello handler (wagi-hello.c), one instance per request, keep-alive HTTP/1.1 clients on"
                    + " loopback, %d s each after a %d s warm-up; access log on (one line per request)%n",
                    RUN.toSeconds(), WARMUP.toSeconds());
            System.out.printf("  %-12s %10s %10s %10s %10s %8s%n", "clients", "req/s", "p50", "p99", "max", "errors");
            for (int clients : new int[] {16, 64}) {
                load(port, clients, RUN, true);
            }
            handle.stop(Duration.ofSeconds(5));
            handle.exit().toCompletableFuture().join();
        }
        System.out.println();
    }

    private static void load(int port, int clients, Duration duration, boolean print) throws Exception {
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        AtomicLong errors = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[clients];
        long[] window = new long[2];
        for (int c = 0; c < clients; c++) {
            int index = c;
            threads[c] = new Thread(() -> {
                long[] mine = new long[1 << 16];
                int n = 0;
                byte[] request = ("GET /hello HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                try (Socket socket = new Socket()) {
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress("127.0.0.1", port));
                    InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
                    OutputStream out = socket.getOutputStream();
                    ready.countDown();
                    go.await();
                    long end = window[1];
                    while (true) {
                        long start = System.nanoTime();
                        if (start >= end) {
                            break;
                        }
                        out.write(request);
                        int status = readResponse(in);
                        if (status != 200) {
                            errors.incrementAndGet();
                        }
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = System.nanoTime() - start;
                    }
                } catch (IOException | InterruptedException e) {
                    errors.incrementAndGet();
                    ready.countDown();
                }
                latencies[index] = mine;
                counts[index] = n;
            }, "bench-client-" + c);
            threads[c].start();
        }
        ready.await();
        window[0] = System.nanoTime();
        window[1] = window[0] + duration.toNanos();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        if (!print) {
            return;
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(latencies[c], 0, all, at, counts[c]);
            at += counts[c];
        }
        Arrays.sort(all);
        System.out.printf("  %-12d %10.0f %8.2fms %8.2fms %8.2fms %8d%n", clients, total / (duration.toNanos() / 1e9),
                percentile(all, 50) / 1e6, percentile(all, 99) / 1e6, (total == 0 ? 0 : all[total - 1]) / 1e6,
                errors.get());
    }

    /** Reads one response with a Content-Length body; returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        int length = 0;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(header.substring(15).strip());
            }
        }
        in.skipNBytes(length);
        return status;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder out = new StringBuilder(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                out.append((char) b);
            }
        }
        return out.toString();
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static ModuleRef ref(Path module) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(module));
        return new ModuleRef("fs/" + module.getFileName(), module, "sha256:" + HexFormat.of().formatHex(digest));
    }

    /** A log file written line by line from many request threads, as the core's log files are. */
    private static final class SyncStream extends OutputStream {
        private final OutputStream out;

        SyncStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            out.flush();
        }
    }
}
