package io.krustlet.itests;

import io.krustlet.testkit.deploy.BundleJars;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;

/**
 * Host side only: the test provider's jar as the build made it, "newer versions" of it
 * ({@link BundleJars#withVersion}), and a copy whose {@code Import-Package} needs a newer provider
 * API than the node has. They are made before the container boots; their paths cross into the
 * container as system properties ({@link #jar(String)} reads them there).
 */
final class ProviderJars {

    /** The provider API range a too-new provider imports: the node has 1.2.x. */
    static final String TOO_NEW_API = "[1.3,2)";
    private static final String PROPERTY = "krustlet.itest.jar.";
    private static final Pattern API_IMPORT = Pattern.compile("io\\.krustlet\\.api;version=\"[^\"]*\"");

    private ProviderJars() {
    }

    /** The built test provider jar (from the reactor or the local repository). */
    static Path built() {
        String jar = System.getProperty("krustlet.testprovider");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("krustlet.testprovider (the test provider's jar) not found: " + jar
                    + "; build it first: mvn install -pl bundles/krustlet-test-provider");
        }
        return Path.of(jar);
    }

    /**
     * Makes {@code name.jar} for each {@code name=version} (version {@code built} keeps the
     * built one) and {@code incompatible.jar}, version {@code 0.9.0} importing the API as
     * {@link #TOO_NEW_API}, under {@code work/provider-jars}.
     *
     * @return the system properties that hand the container their paths
     */
    static Option[] prepare(Path work, String... nameEqualsVersion) throws IOException {
        Path dir = Files.createDirectories(work.resolve("provider-jars"));
        List<Option> options = new ArrayList<>();
        for (String entry : nameEqualsVersion) {
            String name = entry.substring(0, entry.indexOf('='));
            String version = entry.substring(entry.indexOf('=') + 1);
            Path jar = dir.resolve("krustlet-test-provider-" + name + ".jar");
            if (version.equals("built")) {
                Files.copy(built(), jar, StandardCopyOption.REPLACE_EXISTING);
            } else {
                BundleJars.withVersion(built(), jar, version);
            }
            options.add(CoreOptions.systemProperty(PROPERTY + name).value(jar.toString()));
        }
        Path newer = BundleJars.withVersion(built(), dir.resolve(".incompatible-version.jar"), "0.9.0");
        Path incompatible = withApiImport(newer, dir.resolve("krustlet-test-provider-incompatible.jar"), TOO_NEW_API);
        Files.delete(newer);
        options.add(CoreOptions.systemProperty(PROPERTY + "incompatible").value(incompatible.toString()));
        return options.toArray(new Option[0]);
    }

    /** Inside the container: the path of a jar {@link #prepare} made. */
    static Path jar(String name) {
        String path = System.getProperty(PROPERTY + name);
        if (path == null) {
            throw new IllegalStateException("no provider jar '" + name + "' was prepared");
        }
        return Path.of(path);
    }

    /** Copies a bundle with its {@code io.krustlet.api} import rewritten to {@code range}. */
    static Path withApiImport(Path source, Path target, String range) throws IOException {
        try (JarFile jar = new JarFile(source.toFile())) {
            Manifest manifest = new Manifest(jar.getManifest());
            Attributes main = manifest.getMainAttributes();
            String imports = main.getValue("Import-Package");
            Matcher m = API_IMPORT.matcher(imports == null ? "" : imports);
            if (!m.find()) {
                throw new IllegalArgumentException(source + " does not import io.krustlet.api with a version: " + imports);
            }
            main.putValue("Import-Package", m.replaceFirst(Matcher.quoteReplacement(
                    "io.krustlet.api;version=\"" + range + "\"")));
            try (OutputStream file = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (JarEntry entry : Collections.list(jar.entries())) {
                    if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    if (!entry.isDirectory()) {
                        try (InputStream in = jar.getInputStream(entry)) {
                            in.transferTo(out);
                        }
                    }
                    out.closeEntry();
                }
            }
        }
        return target;
    }
}
