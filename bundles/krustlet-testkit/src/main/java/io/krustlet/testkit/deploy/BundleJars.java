package io.krustlet.testkit.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Makes "a newer version" of a bundle jar for upgrade tests: the same classes and resources under
 * another {@code Bundle-Version}, written so that Karaf's file install never sees half a jar.
 */
public final class BundleJars {

    private static final Attributes.Name BUNDLE_VERSION = new Attributes.Name("Bundle-Version");
    private static final Attributes.Name BUNDLE_SYMBOLIC_NAME = new Attributes.Name("Bundle-SymbolicName");

    private BundleJars() {
    }

    /**
     * Copies the bundle {@code source} to {@code target} with its {@code Bundle-Version} set to
     * {@code version}; every other manifest header and entry is kept. The jar is written next to
     * {@code target} under a hidden name and then moved over it atomically, so a {@code deploy/}
     * folder sees either the old file or the whole new one (file install also waits until a file
     * stops changing, but a partly written jar could look finished on a slow disk).
     *
     * @param version an OSGi version, {@code major[.minor[.micro[.qualifier]]]}
     * @return {@code target}
     * @throws IllegalArgumentException if {@code source} is not a bundle (no manifest or no
     *     {@code Bundle-SymbolicName}) or {@code version} is not an OSGi version
     * @throws IOException if reading or writing fails; {@code target} is then left as it was
     */
    public static Path withVersion(Path source, Path target, String version) throws IOException {
        requireOsgiVersion(version);
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path partial = dir.resolve("." + target.getFileName() + ".partial");
        try (JarFile jar = new JarFile(source.toFile())) {
            Manifest manifest = jar.getManifest();
            if (manifest == null || manifest.getMainAttributes().getValue(BUNDLE_SYMBOLIC_NAME) == null) {
                throw new IllegalArgumentException(source + " is not an OSGi bundle: its manifest has no Bundle-SymbolicName");
            }
            Manifest rewritten = new Manifest(manifest);
            rewritten.getMainAttributes().put(BUNDLE_VERSION, version);
            try (OutputStream file = Files.newOutputStream(partial);
                    JarOutputStream out = new JarOutputStream(file, rewritten)) {
                copyEntries(jar, out);
            }
            move(partial, target);
        } finally {
            Files.deleteIfExists(partial);
        }
        return target;
    }

    /** The {@code Bundle-Version} of a bundle jar, or {@code 0.0.0} when it has none (the OSGi default). */
    public static String version(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String version = manifest == null ? null : manifest.getMainAttributes().getValue(BUNDLE_VERSION);
            return version == null ? "0.0.0" : version.trim();
        }
    }

    private static void copyEntries(JarFile jar, JarOutputStream out) throws IOException {
        for (JarEntry entry : java.util.Collections.list(jar.entries())) {
            if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                continue; // written first by JarOutputStream, from the rewritten manifest
            }
            JarEntry copy = new JarEntry(entry.getName());
            copy.setTime(entry.getTime());
            out.putNextEntry(copy);
            if (!entry.isDirectory()) {
                try (InputStream in = jar.getInputStream(entry)) {
                    in.transferTo(out);
                }
            }
            out.closeEntry();
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void requireOsgiVersion(String version) {
        // OSGi Core 3.2.5: major(.minor(.micro(.qualifier)?)?)?, numbers without sign, qualifier [0-9A-Za-z_-]+
        if (version == null || !version.matches("\\d+(\\.\\d+(\\.\\d+(\\.[0-9A-Za-z_-]+)?)?)?")) {
            throw new IllegalArgumentException("not an OSGi version: " + version);
        }
    }
}
