package io.krustlet.core.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The node's reasons are written once, in {@link Reasons}: the bundles that depend on the core
 * (core, HTTPS API, shell) name them by constant, never by a string literal that could drift.
 */
class ReasonLiteralsTest {

    /** Source lines where the word is a label of {@code krustlet:describe}, as kubectl's, not a reason. */
    private static final Set<String> LABELS = Set.of("field(6, \"Started\"");

    private static final Pattern LITERAL = Pattern.compile("\"([A-Za-z]+)\"");

    @Test
    void noBundleSpellsAReasonItself() throws Exception {
        Set<String> reasons = reasons();
        assertThat(reasons).contains("CrashLoopBackOff", "OOMKilled", "RuntimeUnavailable", "KubeletReady");
        List<String> found = new ArrayList<>();
        for (String module : List.of("krustlet-core", "krustlet-http", "krustlet-shell")) {
            Path sources = Path.of("..", module, "src", "main", "java");
            assertThat(sources).as("sources of " + module).isDirectory();
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")
                        && !f.endsWith(Path.of("io", "krustlet", "core", "status", "Reasons.java"))).toList()) {
                    found.addAll(literals(file, reasons));
                }
            }
        }
        assertThat(found).as("reason literals outside Reasons").isEmpty();
    }

    private static List<String> literals(Path file, Set<String> reasons) throws IOException {
        List<String> found = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.trim().startsWith("*") || line.trim().startsWith("//")
                    || LABELS.stream().anyMatch(line::contains)) {
                continue;
            }
            Matcher m = LITERAL.matcher(line);
            while (m.find()) {
                if (reasons.contains(m.group(1))) {
                    found.add(file.getFileName() + ":" + (i + 1) + " " + m.group());
                }
            }
        }
        return found;
    }

    private static Set<String> reasons() throws IllegalAccessException {
        Set<String> values = new java.util.HashSet<>();
        for (Field f : Reasons.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                values.add((String) f.get(null));
            }
        }
        return values.stream().collect(Collectors.toUnmodifiableSet());
    }
}
