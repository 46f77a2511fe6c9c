package io.krustlet.shell;

/** Turns a CRI log record ({@code <time> <stream> <P|F> <text>}) back into the container's text. */
final class CriLine {

    private CriLine() {
    }

    static String format(String record, boolean timestamps) {
        int first = record.indexOf(' ');
        int second = first < 0 ? -1 : record.indexOf(' ', first + 1);
        int third = second < 0 ? -1 : record.indexOf(' ', second + 1);
        if (third < 0) {
            return record;
        }
        String text = record.substring(third + 1);
        return timestamps ? record.substring(0, first) + " " + text : text;
    }
}
