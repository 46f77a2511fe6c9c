package io.krustlet.wasm.wasi;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code poll_oneoff}: clock and file descriptor subscriptions together. Descriptors are always
 * ready (the standard streams are in-memory or log streams, files never block), so a poll with
 * any descriptor subscription returns at once with every ready descriptor and every clock already
 * due; a poll of clocks only waits, through the {@link Sleeper}, for the earliest one.
 */
final class Poll {

    private final FdTable fds;
    private final Clocks clocks;
    private final Sleeper sleeper;

    Poll(FdTable fds, Clocks clocks, Sleeper sleeper) {
        this.fds = fds;
        this.clocks = clocks;
        this.sleeper = sleeper;
    }

    private record Event(long userdata, int error, int type, long nbytes, int flags) {
    }

    int poll(GuestMemory m, long in, long out, long count, long neventsPtr) throws WasiError {
        if (count == 0) {
            throw WasiError.of(Errno.INVAL);
        }
        List<Event> events = new ArrayList<>();
        long[] deadlines = new long[(int) count];
        long[] userdata = new long[(int) count];
        long earliest = Long.MAX_VALUE;
        long now = clocks.monotonic();
        for (int i = 0; i < count; i++) {
            long sub = in + (long) i * Abi.SUBSCRIPTION_SIZE;
            userdata[i] = m.i64(sub);
            int tag = m.u8(sub + 8);
            deadlines[i] = -1;
            if (tag == Abi.EVENT_CLOCK) {
                int id = m.i32(sub + 16);
                long timeout = m.i64(sub + 24);
                boolean abs = (m.u16(sub + 40) & Abi.SUBSCRIPTION_CLOCK_ABSTIME) != 0;
                long deadline = deadline(id, timeout, abs, now);
                if (deadline < 0) {
                    events.add(new Event(userdata[i], Errno.INVAL, tag, 0, 0));
                } else {
                    deadlines[i] = deadline;
                    earliest = Math.min(earliest, deadline);
                }
            } else if (tag == Abi.EVENT_FD_READ || tag == Abi.EVENT_FD_WRITE) {
                events.add(fdEvent(userdata[i], tag, m.i32(sub + 16)));
            } else {
                throw WasiError.of(Errno.INVAL);
            }
        }
        if (events.isEmpty() && earliest != Long.MAX_VALUE) {
            waitUntil(earliest);
        }
        long after = clocks.monotonic();
        for (int i = 0; i < count; i++) {
            if (deadlines[i] >= 0 && deadlines[i] <= after) {
                events.add(new Event(userdata[i], Errno.SUCCESS, Abi.EVENT_CLOCK, 0, 0));
            }
        }
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            long at = out + (long) i * Abi.EVENT_SIZE;
            m.zero(at, Abi.EVENT_SIZE);
            m.i64(at, e.userdata());
            m.u16(at + 8, e.error());
            m.u8(at + 10, e.type());
            m.i64(at + 16, e.nbytes());
            m.u16(at + 24, e.flags());
        }
        m.i32(neventsPtr, events.size());
        return Errno.SUCCESS;
    }

    /** The deadline on the monotonic clock, or -1 for a clock that cannot be waited on. */
    private long deadline(int id, long timeout, boolean absolute, long now) {
        return switch (id) {
            case Abi.CLOCK_MONOTONIC -> absolute ? timeout : saturatedAdd(now, timeout);
            case Abi.CLOCK_REALTIME -> absolute ? saturatedAdd(now, timeout - clocks.realtime()) : saturatedAdd(now, timeout);
            default -> -1; // CPU-time clocks do not advance while the module waits
        };
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return b > 0 && sum < a ? Long.MAX_VALUE : Math.max(0, sum);
    }

    private Event fdEvent(long userdata, int type, int fd) {
        Descriptor d;
        try {
            d = fds.get(fd);
            d.require(Rights.POLL_FD_READWRITE);
        } catch (WasiError e) {
            return new Event(userdata, e.errno, type, 0, 0);
        }
        boolean reading = type == Abi.EVENT_FD_READ;
        if (d instanceof StreamDescriptor s) {
            if (reading ? s.in == null : s.out == null) {
                return new Event(userdata, Errno.BADF, type, 0, 0);
            }
            long available = 0;
            if (reading) {
                try {
                    available = s.in.available();
                } catch (IOException e) {
                    return new Event(userdata, Errno.IO, type, 0, 0);
                }
            }
            return new Event(userdata, Errno.SUCCESS, type, available, reading && available == 0 ? Abi.EVENT_HANGUP : 0);
        }
        if (d instanceof FileDescriptor f) {
            long nbytes = 0;
            if (reading) {
                try {
                    nbytes = Math.max(0, f.channel.size() - f.channel.position());
                } catch (IOException e) {
                    return new Event(userdata, Errno.IO, type, 0, 0);
                }
            }
            return new Event(userdata, Errno.SUCCESS, type, nbytes, 0);
        }
        return new Event(userdata, Errno.BADF, type, 0, 0);
    }

    private void waitUntil(long deadline) {
        long left;
        while ((left = deadline - clocks.monotonic()) > 0) {
            try {
                sleeper.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChicoryInterruptedException("interrupted while waiting in poll_oneoff");
            }
        }
    }
}
