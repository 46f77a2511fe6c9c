package io.krustlet.bench.density;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed {@code jcmd <pid> GC.class_histogram} (live objects after a full GC): instances and bytes per class. */
record Histogram(Map<String, long[]> classes) {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    static Histogram parse(String jcmdOutput) {
        Map<String, long[]> classes = new HashMap<>();
        for (String line : jcmdOutput.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                classes.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            }
        }
        return new Histogram(classes);
    }

    long totalBytes() {
        return classes.values().stream().mapToLong(v -> v[1]).sum();
    }

    /** One class's growth between two histograms. */
    record Growth(String className, long instances, long bytes) {
    }

    /**
     * Growth summed by package (arrays of a class count with its package; arrays of primitives and
     * of JDK types under "java/jdk"), largest first: which part of the node a pod's objects belong to.
     */
    List<Growth> growthByPackageSince(Histogram before, int top) {
        Map<String, long[]> packages = new HashMap<>();
        for (Growth g : growthSince(before, Integer.MAX_VALUE)) {
            packages.merge(packageOf(g.className()), new long[] {g.instances(), g.bytes()},
                    (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
        }
        List<Growth> growth = new ArrayList<>();
        packages.forEach((name, v) -> growth.add(new Growth(name, v[0], v[1])));
        growth.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        return growth.subList(0, Math.min(top, growth.size()));
    }

    private static String packageOf(String className) {
        String name = className.replaceFirst("^\\[+L?", "").replace(";", "");
        if (className.startsWith("[") && !className.contains("L")) {
            return className.equals("[B") ? "byte[]" : "java/jdk (other primitive arrays)";
        }
        String[] parts = name.split("\\.");
        if (parts.length < 3 || name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.")) {
            return "java/jdk" + (name.startsWith("jdk.internal.vm.") ? " (" + name + ")" : "");
        }
        return parts[0] + "." + parts[1] + "." + parts[2] + (parts.length > 4 ? "." + parts[3] : "");
    }

    /** The classes that grew most from {@code before} to this one, by bytes. */
    List<Growth> growthSince(Histogram before, int top) {
        List<Growth> growth = new ArrayList<>();
        classes.forEach((name, now) -> {
            long[] then = before.classes.getOrDefault(name, new long[2]);
            growth.add(new Growth(name, now[0] - then[0], now[1] - then[1]));
        });
        growth.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        return growth.subList(0, Math.min(top, growth.size()));
    }
}
