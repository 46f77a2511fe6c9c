package io.krustlet.wasi;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.api.Mount;
import io.krustlet.testmodules.TestModules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real program (issue 13 point 7): SQLite's shell, built from SQLite's sources, creates a
 * database in a mounted directory (rollback journal: create, write, sync, delete), a second run
 * reads it back, and the host sees an ordinary SQLite file.
 */
class SqliteShellTest {

    @TempDir
    Path tmp;

    private final ProviderRuns runs = new ProviderRuns();

    @AfterEach
    void close() {
        runs.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"compiler", "interpreter"})
    void sqliteWritesADatabaseThatALaterRunReads(String engine) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        WasiRuntime runtime = runs.runtime(engine);
        var create = ProviderRuns.run(runtime, TestModules.sqlite(), List.of("-list", "/data/shop.db",
                "CREATE TABLE fruit(name TEXT PRIMARY KEY, price INTEGER);"
                        + " BEGIN; INSERT INTO fruit VALUES('apple', 3), ('pear', 5), ('fig', 8); COMMIT;"
                        + " SELECT count(*), sum(price) FROM fruit;"),
                List.of(new Mount("/data", data, false)));
        assertThat(create.await().exitCode()).as(create.err()).isZero();
        assertThat(create.out()).isEqualTo("3|16\n");
        var query = ProviderRuns.run(runtime, TestModules.sqlite(), List.of("-header", "-column", "/data/shop.db",
                "UPDATE fruit SET price = price * 2 WHERE name = 'fig'; SELECT name, price FROM fruit ORDER BY price DESC;"),
                List.of(new Mount("/data", data, false)));
        assertThat(query.await().exitCode()).as(query.err()).isZero();
        assertThat(query.out()).isEqualTo("name   price\n-----  -----\nfig       16\npear       5\napple      3\n");
        byte[] header = Arrays.copyOf(Files.readAllBytes(data.resolve("shop.db")), 16);
        assertThat(new String(header, StandardCharsets.US_ASCII)).isEqualTo("SQLite format 3\0");
        assertThat(data.resolve("shop.db-journal")).doesNotExist();
        // SQLite on WASI locks with lock directories (dot-file locking), which a read-only mount
        // refuses like any change; an immutable database needs no locks
        var readOnly = ProviderRuns.run(runtime, TestModules.sqlite(), List.of("-list", "file:/data/shop.db?immutable=1",
                "SELECT name FROM fruit WHERE price > 4 ORDER BY name; INSERT INTO fruit VALUES('kiwi', 1);"),
                List.of(new Mount("/data", data, true)));
        assertThat(readOnly.await().exitCode()).isNotZero();
        assertThat(readOnly.out()).isEqualTo("fig\npear\n");
        assertThat(readOnly.err()).contains("attempt to write a readonly database");
    }
}
