package io.krustlet.core.status.logs;

/** What a follow stream needs to know from outside: whether to go on, and when to look again. */
public interface FollowControl {

    /** Whether the container run being followed still runs. */
    boolean containerRunning();

    /** Whether the client went away or the server is stopping. */
    boolean cancelled();

    /** Waits until something may have changed (new output, a status change), at most a short while. */
    void await() throws InterruptedException;
}
