package io.krustlet.shell;

import java.util.Set;
import org.apache.karaf.shell.api.console.CommandLine;

/** Reads what a completer needs from the command line typed so far. */
final class CommandLines {

    /** Options of the krustlet commands that take a value (so the value is not an argument). */
    private static final Set<String> WITH_VALUE = Set.of("-n", "--namespace", "-c", "--container", "--tail",
            "-o", "--output");

    private CommandLines() {
    }

    /** The value given to the option, or null. */
    static String option(CommandLine line, String... names) {
        String[] words = line.getArguments();
        for (int i = 0; i < words.length - 1 && i < line.getCursorArgumentIndex(); i++) {
            for (String name : names) {
                if (words[i].equals(name)) {
                    return words[i + 1];
                }
            }
        }
        return null;
    }

    /** The first argument after the command that is neither an option nor an option's value, or null. */
    static String firstArgument(CommandLine line) {
        String[] words = line.getArguments();
        for (int i = 1; i < words.length && i < line.getCursorArgumentIndex(); i++) {
            if (WITH_VALUE.contains(words[i])) {
                i++;
            } else if (!words[i].startsWith("-")) {
                return words[i];
            }
        }
        return null;
    }
}
