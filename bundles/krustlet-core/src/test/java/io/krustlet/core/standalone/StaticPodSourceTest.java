package io.krustlet.core.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.core.pod.PodDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticPodSourceTest {

    @TempDir
    Path dir;

    private final List<List<PodDefinition>> scans = new ArrayList<>();

    private StaticPodSource source() {
        return new StaticPodSource(dir, "node1", scans::add, Duration.ofSeconds(20));
    }

    private List<PodDefinition> lastScan() {
        return scans.get(scans.size() - 1);
    }

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: %s
            spec:
              restartPolicy: Never
              containers:
                - name: app
                  image: fs/app.wasm
                  args: ["%s"]
            """;

    private void write(String file, String content) throws Exception {
        Path path = dir.resolve(file);
        Files.writeString(path, content);
        // make each write a new file version even within the file system's timestamp granularity
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().plusSeconds(scans.size() + 1)));
    }

    @Test
    void readsEveryPodOfEveryManifestWithStaticPodNaming() throws Exception {
        write("a.yaml", POD.formatted("one", "x") + "---\n" + POD.formatted("two", "y"));
        write("b.yml", POD.formatted("three", "z"));
        write(".hidden.yaml", POD.formatted("hidden", "h"));
        write("notes.txt", "not a manifest");
        source().scan();
        assertThat(lastScan()).extracting(PodDefinition::name).containsExactly("one-node1", "two-node1", "three-node1");
        PodDefinition one = lastScan().get(0);
        assertThat(one.namespace()).isEqualTo("default");
        assertThat(one.source()).isEqualTo("file");
        assertThat(one.uid()).hasSize(32);
        assertThat(one.annotations()).containsEntry("kubernetes.io/config.source", "file");
    }

    @Test
    void anEditedManifestBecomesANewPodAndAnUnchangedOneKeepsItsUid() throws Exception {
        write("a.yaml", POD.formatted("one", "x"));
        write("b.yaml", POD.formatted("two", "x"));
        StaticPodSource source = source();
        source.scan();
        String uidA = lastScan().get(0).uid();
        String uidB = lastScan().get(1).uid();
        write("a.yaml", POD.formatted("one", "changed"));
        source.scan();
        assertThat(lastScan().get(0).uid()).isNotEqualTo(uidA);
        assertThat(lastScan().get(1).uid()).isEqualTo(uidB);
    }

    @Test
    void aBrokenEditKeepsThePodsOfTheLastGoodVersionAndOtherFilesAreUntouched() throws Exception {
        write("a.yaml", POD.formatted("one", "x"));
        write("b.yaml", POD.formatted("two", "x"));
        StaticPodSource source = source();
        source.scan();
        String uidA = lastScan().get(0).uid();
        write("a.yaml", "apiVersion: v1\nkind: Pod\nmetadata: [unclosed");
        source.scan();
        assertThat(lastScan()).extracting(PodDefinition::uid).contains(uidA);
        assertThat(lastScan()).hasSize(2);
    }

    @Test
    void badManifestsAreSkippedWithoutHarmingOthers() throws Exception {
        write("deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n");
        write("garbage.yaml", "{{{{ not yaml");
        write("invalid.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers: []\n");
        write("good.yaml", POD.formatted("good", "x"));
        source().scan();
        assertThat(lastScan()).extracting(PodDefinition::name).containsExactly("good-node1");
    }

    @Test
    void aDeletedManifestRemovesItsPods() throws Exception {
        write("a.yaml", POD.formatted("one", "x"));
        StaticPodSource source = source();
        source.scan();
        assertThat(lastScan()).hasSize(1);
        Files.delete(dir.resolve("a.yaml"));
        source.scan();
        assertThat(lastScan()).isEmpty();
    }
}
