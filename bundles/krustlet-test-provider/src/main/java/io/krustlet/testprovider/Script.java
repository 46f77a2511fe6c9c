package io.krustlet.testprovider;

import io.krustlet.api.ContainerStartException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a container of the test runtime does: the words of its argv after {@code argv[0]}, read as
 * steps run in order. Parsed whole before the container starts, so a typo is a start error.
 *
 * <pre>
 * print TEXT     TEXT and a newline to stdout       sleep MS      wait MS milliseconds (a stop ends it)
 * eprint TEXT    TEXT and a newline to stderr       alloc BYTES   hold BYTES more (suffix Ki, Mi or Gi)
 * version        "test provider REVISION" to stdout
 * exit CODE      end with CODE (0-255)              run           run until stopped
 * ignore-stop    run until killed when the grace period of a stop is over
 * </pre>
 *
 * A script with {@code ignore-stop} ignores stops from its first step on, as a process started with
 * SIGTERM ignored does, so a stop that arrives before the step is reached is ignored too.
 *
 * {@code exit}, {@code run} and {@code ignore-stop} end the script; without them it exits 0 after
 * its last step.
 *
 * @param steps the steps, in order
 */
record Script(List<Step> steps) {

    /** What a step does. */
    enum Verb {
        PRINT(true), EPRINT(true), VERSION(false), SLEEP(true), ALLOC(true), EXIT(true), RUN(false), IGNORE_STOP(false);

        final boolean takesArgument;

        Verb(boolean takesArgument) {
            this.takesArgument = takesArgument;
        }

        String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        boolean ends() {
            return this == EXIT || this == RUN || this == IGNORE_STOP;
        }
    }

    /**
     * One step.
     *
     * @param verb what it does
     * @param text its argument as written ({@code print}, {@code eprint}), or empty
     * @param number its argument as a number (ms, bytes, exit code), or 0
     */
    record Step(Verb verb, String text, long number) {
    }

    static final long MAX_ALLOC = 1L << 30;
    private static final Map<String, Long> UNITS = Map.of("Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30);
    private static final String USAGE = "steps: print TEXT, eprint TEXT, version, sleep MS, alloc BYTES, exit CODE, run, "
            + "ignore-stop";

    Script {
        steps = List.copyOf(steps);
    }

    /** Whether the container ignores stops (and is killed when the grace period is over). */
    boolean ignoresStop() {
        return steps.stream().anyMatch(s -> s.verb() == Verb.IGNORE_STOP);
    }

    /**
     * Reads the script of a container.
     *
     * @param argv the container's argv; {@code argv[0]} is its name and not part of the script
     * @throws ContainerStartException ({@code InvalidModule}) naming the word at fault and its index in argv
     */
    static Script parse(List<String> argv) throws ContainerStartException {
        List<Step> steps = new ArrayList<>();
        int i = 1;
        while (i < argv.size()) {
            if (!steps.isEmpty() && steps.get(steps.size() - 1).verb().ends()) {
                throw invalid("nothing runs after '" + steps.get(steps.size() - 1).verb().word() + "': argv[" + i + "]="
                        + argv.get(i));
            }
            Verb verb = verb(argv.get(i), i);
            if (!verb.takesArgument) {
                steps.add(new Step(verb, "", 0));
                i++;
                continue;
            }
            if (i + 1 >= argv.size()) {
                throw invalid("'" + verb.word() + "' at argv[" + i + "] needs an argument");
            }
            String argument = argv.get(i + 1);
            steps.add(new Step(verb, argument, number(verb, argument, i + 1)));
            i += 2;
        }
        return new Script(steps);
    }

    private static Verb verb(String word, int index) throws ContainerStartException {
        for (Verb verb : Verb.values()) {
            if (verb.word().equals(word)) {
                return verb;
            }
        }
        throw invalid("unknown step '" + word + "' at argv[" + index + "]; " + USAGE);
    }

    private static long number(Verb verb, String argument, int index) throws ContainerStartException {
        String where = "'" + verb.word() + " " + argument + "' at argv[" + index + "]: ";
        try {
            return switch (verb) {
                case PRINT, EPRINT -> 0;
                case SLEEP -> require(Long.parseLong(argument), 0, Long.MAX_VALUE, where + "milliseconds must not be negative");
                case EXIT -> require(Integer.parseInt(argument), 0, 255, where + "an exit code is 0-255");
                case ALLOC -> require(bytes(argument), 0, MAX_ALLOC, where + "at most 1Gi at a time");
                default -> throw new IllegalStateException(verb + " takes no argument");
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw invalid(where + "not a number in range");
        }
    }

    private static long bytes(String quantity) {
        String unit = quantity.length() > 2 ? quantity.substring(quantity.length() - 2) : "";
        Long factor = UNITS.get(unit);
        return factor == null ? Long.parseLong(quantity)
                : Math.multiplyExact(Long.parseLong(quantity.substring(0, quantity.length() - 2)), factor);
    }

    private static long require(long value, long min, long max, String message) throws ContainerStartException {
        if (value < min || value > max) {
            throw invalid(message);
        }
        return value;
    }

    private static ContainerStartException invalid(String message) {
        return new ContainerStartException(ContainerStartException.INVALID_MODULE, "test script: " + message);
    }
}
