package io.krustlet.testkit.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleJarsTest {

    @TempDir
    Path tmp;

    private Path bundle(String symbolicName) throws Exception {
        var manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (symbolicName != null) {
            main.putValue("Bundle-SymbolicName", symbolicName);
        }
        main.putValue("Bundle-Version", "0.1.0.SNAPSHOT");
        main.putValue("Service-Component", "OSGI-INF/component.xml");
        Path jar = tmp.resolve("source.jar");
        try (OutputStream file = Files.newOutputStream(jar); var out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry("OSGI-INF/"));
            out.closeEntry();
            out.putNextEntry(new JarEntry("OSGI-INF/component.xml"));
            out.write("<component/>".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void theCopyHasTheNewVersionAndEverythingElseOfTheOriginal() throws Exception {
        Path source = bundle("io.example.provider");
        Path deploy = Files.createDirectories(tmp.resolve("deploy"));
        Path target = BundleJars.withVersion(source, deploy.resolve("provider.jar"), "0.2.0.upgrade1");
        assertThat(BundleJars.version(target)).isEqualTo("0.2.0.upgrade1");
        assertThat(BundleJars.version(source)).isEqualTo("0.1.0.SNAPSHOT");
        try (var jar = new JarFile(target.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Bundle-SymbolicName")).isEqualTo("io.example.provider");
            assertThat(main.getValue("Service-Component")).isEqualTo("OSGI-INF/component.xml");
            assertThat(new String(jar.getInputStream(jar.getEntry("OSGI-INF/component.xml")).readAllBytes(),
                    StandardCharsets.UTF_8)).isEqualTo("<component/>");
        }
        try (var in = new JarInputStream(Files.newInputStream(target))) {
            assertThat(in.getManifest()).as("manifest first, as OSGi frameworks read it from a stream").isNotNull();
        }
        assertThat(deploy).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("."));
    }

    @Test
    void overwritingReplacesTheTargetWhole() throws Exception {
        Path source = bundle("io.example.provider");
        Path target = tmp.resolve("provider.jar");
        BundleJars.withVersion(source, target, "1.0.0");
        BundleJars.withVersion(source, target, "1.0.1");
        assertThat(BundleJars.version(target)).isEqualTo("1.0.1");
    }

    @Test
    void aJarThatIsNotABundleOrAVersionThatIsNotOsgiIsRefusedAndNothingIsWritten() throws Exception {
        Path target = tmp.resolve("out.jar");
        assertThatThrownBy(() -> BundleJars.withVersion(bundle(null), target, "1.0.0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no Bundle-SymbolicName");
        assertThatThrownBy(() -> BundleJars.withVersion(bundle("io.example.provider"), target, "1.0.0-SNAPSHOT"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not an OSGi version: 1.0.0-SNAPSHOT");
        assertThat(target).doesNotExist();
        assertThat(tmp).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("."));
    }
}
