package io.krustlet.core.status.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The files of one container run, oldest first: the core's log writer rotates {@code 3.log} to
 * {@code 3.log.1}, the older {@code .1} to {@code .2} and so on, so the highest number is the oldest.
 */
final class LogFiles {

    private LogFiles() {
    }

    static List<Path> oldestFirst(Path current) throws IOException {
        String name = current.getFileName().toString();
        Pattern rotated = Pattern.compile(Pattern.quote(name) + "\\.(\\d{1,4})");
        List<Path> files = new ArrayList<>();
        Path dir = current.getParent();
        if (dir != null && Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                entries.filter(f -> rotated.matcher(f.getFileName().toString()).matches())
                        .sorted(Comparator.comparingInt((Path f) -> generation(f, name)).reversed())
                        .forEach(files::add);
            }
        }
        files.add(current);
        return files;
    }

    private static int generation(Path file, String name) {
        return Integer.parseInt(file.getFileName().toString().substring(name.length() + 1));
    }
}
