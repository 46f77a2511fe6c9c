package io.krustlet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * A real C program as a pod through the core (issue 13 point 7): SQLite's shell, built from
 * SQLite's own sources in the build, runs as two static pods on a hostPath volume, the first
 * creating and filling a database, the second (an init container, then the app container)
 * reading it back; the output is checked in the container logs the kubelet writes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KrustletSqliteIT extends KrustletTestSupport {

    @Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("krustlet.work", "target/work")).toAbsolutePath();
        Path module = work.resolve("sqlite3.wasm");
        try (var in = getClass().getResourceAsStream("/wasm/sqlite3.wasm")) {
            if (in == null) {
                throw new IllegalStateException("sqlite3.wasm was not built: install clang lld wasi-libc "
                        + "libclang-rt-14-dev-wasm32 and npm, and rebuild testmodules");
            }
            Files.createDirectories(work);
            Files.copy(in, module, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path data = Files.createDirectories(work.resolve("sqlite-data-" + UUID.randomUUID()));
        return OptionUtils.combine(baseConfig(), systemProperty("krustlet.itest.sqlite").value(module.toString()),
                systemProperty("krustlet.itest.sqlite.data").value(data.toString()));
    }

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: %s}
            spec:
              restartPolicy: Never
              %s:
              - name: sqlite
                image: fs/%s
                args: ["-list", "/data/shop.db", "%s"]
                volumeMounts: [{name: data, mountPath: /data}]
              volumes:
              - name: data
                hostPath: {path: %s, type: Directory}
            """;

    private String pod(String name, String containers, String sql) {
        return POD.formatted(name, containers, System.getProperty("krustlet.itest.sqlite"), sql,
                System.getProperty("krustlet.itest.sqlite.data"));
    }

    private String log(String pod) throws Exception {
        Path log = kubelet.logFile("default", pod + "-" + NODE, "sqlite", false).orElseThrow();
        return Files.readString(log);
    }

    @Test
    public void sqliteCreatesADatabaseInAHostPathVolumeThatAnotherPodReads() throws Exception {
        writeManifest("create.yaml", pod("create", "containers", "CREATE TABLE fruit(name TEXT, price INTEGER);"
                + " INSERT INTO fruit VALUES('apple', 3), ('pear', 5), ('fig', 8);"
                + " SELECT count(*) || ' rows, total ' || sum(price) FROM fruit;"));
        PodSnapshot created = awaitPod("create", p -> p.status().phase() == PodPhase.Succeeded, "to succeed");
        assertEquals(0, ((ContainerState.Terminated) created.status().container("sqlite").orElseThrow().state())
                .exitCode());
        assertTrue(log("create"), log("create").contains(" stdout F 3 rows, total 16"));
        Path db = Path.of(System.getProperty("krustlet.itest.sqlite.data"), "shop.db");
        assertEquals("SQLite format 3\0", new String(Arrays.copyOf(Files.readAllBytes(db), 16), StandardCharsets.US_ASCII));

        writeManifest("query.yaml", pod("query", "containers",
                "SELECT name FROM fruit WHERE price > 4 ORDER BY price DESC;"));
        awaitPod("query", p -> p.status().phase() == PodPhase.Succeeded, "to succeed");
        String query = log("query");
        assertTrue(query, query.contains(" stdout F fig\n") && query.contains(" stdout F pear\n"));
        assertTrue(query, !query.contains("apple"));

        writeManifest("broken.yaml", pod("broken", "containers", "SELECT * FROM no_such_table;"));
        PodSnapshot broken = awaitPod("broken", p -> p.status().phase() == PodPhase.Failed, "to fail");
        assertEquals(1, ((ContainerState.Terminated) broken.status().container("sqlite").orElseThrow().state())
                .exitCode());
        assertTrue(log("broken"), log("broken").contains(" stderr F Error: in prepare, no such table: no_such_table"));
    }
}
