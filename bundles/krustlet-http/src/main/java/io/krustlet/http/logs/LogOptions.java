package io.krustlet.http.logs;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The query of {@code /containerLogs}, as {@code kubectl logs} sends it, validated like the
 * kubelet's PodLogOptions: each malformed value is a 400 naming its parameter.
 *
 * @param tailLines the last N lines only, or null for all
 * @param since only lines from this time on, or null
 * @param limitBytes stop after this many bytes of output, or null
 */
public record LogOptions(boolean follow, Integer tailLines, boolean timestamps, Instant since, Long limitBytes,
        boolean previous) {

    public static final LogOptions DEFAULT = new LogOptions(false, null, false, null, null, false);

    /** What the core's log reader needs of these options. */
    public io.krustlet.core.status.logs.ReadOptions read() {
        return new io.krustlet.core.status.logs.ReadOptions(follow, tailLines, timestamps, since, limitBytes);
    }

    public static LogOptions parse(Map<String, String> query, Clock clock) throws BadLogRequest {
        Integer tail = integer(query, "tailLines");
        if (tail != null && tail < 0) {
            throw new BadLogRequest("tailLines: Invalid value: " + tail + ": must be greater than or equal to 0");
        }
        Long limit = longValue(query, "limitBytes");
        if (limit != null && limit < 1) {
            throw new BadLogRequest("limitBytes: Invalid value: " + limit + ": must be greater than 0");
        }
        Long sinceSeconds = longValue(query, "sinceSeconds");
        if (sinceSeconds != null && sinceSeconds < 1) {
            throw new BadLogRequest("sinceSeconds: Invalid value: " + sinceSeconds + ": must be greater than 0");
        }
        Instant sinceTime = time(query, "sinceTime");
        if (sinceSeconds != null && sinceTime != null) {
            throw new BadLogRequest("sinceSeconds, sinceTime: at most one of `sinceTime` or `sinceSeconds` may be specified");
        }
        Instant since = sinceTime != null ? sinceTime
                : sinceSeconds != null ? clock.instant().minusSeconds(sinceSeconds) : null;
        return new LogOptions(bool(query, "follow"), tail, bool(query, "timestamps"), since, limit,
                bool(query, "previous"));
    }

    /** Go's strconv.ParseBool, which the kubelet's query decoder uses; a bare {@code ?follow} is true. */
    private static boolean bool(Map<String, String> query, String name) throws BadLogRequest {
        String value = query.get(name);
        if (value == null) {
            return false;
        }
        return switch (value) {
            case "", "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new BadLogRequest(name + ": Invalid value: \"" + value + "\": not a boolean (true or false)");
        };
    }

    private static Integer integer(Map<String, String> query, String name) throws BadLogRequest {
        Long value = longValue(query, name);
        if (value != null && (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE)) {
            throw new BadLogRequest(name + ": Invalid value: " + value + ": out of range");
        }
        return value == null ? null : value.intValue();
    }

    private static Long longValue(Map<String, String> query, String name) throws BadLogRequest {
        String value = query.get(name);
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new BadLogRequest(name + ": Invalid value: \"" + value + "\": not an integer");
        }
    }

    private static Instant time(Map<String, String> query, String name) throws BadLogRequest {
        String value = query.get(name);
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadLogRequest(name + ": Invalid value: \"" + value + "\": not an RFC3339 time"
                    + " (like 2006-01-02T15:04:05Z)");
        }
    }
}
