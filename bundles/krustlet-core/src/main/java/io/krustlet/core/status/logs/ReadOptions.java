package io.krustlet.core.status.logs;

import java.time.Instant;

/**
 * What to read of a container run's log, as {@code kubectl logs} asks for it.
 *
 * @param follow keep reading while the container runs
 * @param tailLines the last N lines only, or null for all
 * @param timestamps prefix each line with the time of its first record (RFC3339, nine fraction digits)
 * @param since only lines from this time on, or null
 * @param limitBytes stop after this many bytes of output, or null
 */
public record ReadOptions(boolean follow, Integer tailLines, boolean timestamps, Instant since, Long limitBytes) {

    /** Everything, once, without timestamps. */
    public static final ReadOptions ALL = new ReadOptions(false, null, false, null, null);
}
