package io.krustlet.wagi;

import io.krustlet.wagi.cgi.CgiFormatException;
import io.krustlet.wagi.cgi.CgiResponse;
import io.krustlet.wagi.cgi.CgiResponseParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A handler's standard output for one request: the CGI header block, then the body. The body is
 * held back up to {@link #STREAM_THRESHOLD} bytes, so a small response goes out in one piece
 * with a {@code Content-Length} after the handler has ended (and a handler that fails late still
 * gets an honest 500); past that the response is committed and the rest streams through.
 *
 * <p>Output the server cannot use (a malformed header block, a body past the size limit) makes
 * every later write fail with an I/O error (EIO for the module) and interrupts the module's
 * thread, so a runaway handler stops at once. Used by the module's thread only.
 */
final class ResponseOutput extends OutputStream {

    /** The largest header block accepted. */
    static final int MAX_HEAD = 64 * 1024;
    /** Body bytes held back before the response is committed and streamed. */
    static final int STREAM_THRESHOLD = 64 * 1024;

    /** Starts the response once the body outgrows the buffer. */
    interface Committer {
        /**
         * Sends the status and headers; the returned stream takes the body.
         *
         * @throws IOException when the request is already answered (it timed out)
         */
        OutputStream commit(CgiResponse head) throws IOException;
    }

    private final long maxBodyBytes;
    private final Committer committer;
    private byte[] head = new byte[256];
    private int headLength;
    private CgiResponse response;
    private byte[] body = new byte[512];
    private int bodyLength;
    private long bodyBytes;
    private OutputStream stream;
    private String failure;
    private boolean tooLarge;

    /**
     * @param maxBodyBytes the most body bytes the handler may write
     * @param committer what starts a streamed response
     */
    ResponseOutput(long maxBodyBytes, Committer committer) {
        this.maxBodyBytes = maxBodyBytes;
        this.committer = committer;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw new IOException(failure);
        }
        if (response == null) {
            writeHead(b, off, len);
        } else {
            writeBody(b, off, len);
        }
    }

    private void writeHead(byte[] b, int off, int len) throws IOException {
        int take = Math.min(len, MAX_HEAD + 4 - headLength);
        if (headLength + take > head.length) {
            head = Arrays.copyOf(head, Math.max(head.length * 2, headLength + take));
        }
        System.arraycopy(b, off, head, headLength, take);
        int from = Math.max(0, headLength - 3);
        headLength += take;
        int end = CgiResponseParser.headerEnd(head, from, headLength);
        if (end < 0) {
            if (headLength > MAX_HEAD) {
                fail("the header block is larger than " + MAX_HEAD / 1024 + " KiB", false);
            }
            return;
        }
        try {
            response = CgiResponseParser.parse(head, end);
        } catch (CgiFormatException e) {
            fail(e.getMessage(), false);
            return;
        }
        int rest = headLength - end; // body bytes that came with the header block's last write
        int fromCaller = len - take;
        if (rest > 0) {
            writeBody(head, end, rest);
        }
        if (fromCaller > 0) {
            writeBody(b, off + take, fromCaller);
        }
    }

    private void writeBody(byte[] b, int off, int len) throws IOException {
        bodyBytes += len;
        if (bodyBytes > maxBodyBytes) {
            tooLarge = true;
            fail("the handler wrote more than " + maxBodyBytes + " bytes of body (the response size limit)", true);
        }
        if (!response.allowsBody()) {
            return; // 204 and 304 have no body; what the handler writes is dropped
        }
        if (stream != null) {
            stream.write(b, off, len);
            return;
        }
        if (bodyLength + len <= STREAM_THRESHOLD) {
            if (bodyLength + len > body.length) {
                body = Arrays.copyOf(body, Math.min(STREAM_THRESHOLD, Math.max(body.length * 2, bodyLength + len)));
            }
            System.arraycopy(b, off, body, bodyLength, len);
            bodyLength += len;
            return;
        }
        stream = committer.commit(response);
        stream.write(body, 0, bodyLength);
        stream.write(b, off, len);
        body = null;
        bodyLength = 0;
    }

    private void fail(String message, boolean throwNow) throws IOException {
        failure = message;
        Thread.currentThread().interrupt(); // stop the module at its next instruction
        if (throwNow) {
            throw new IOException(message);
        }
    }

    /** Why the output cannot be used, or null. */
    String failure() {
        return failure;
    }

    /** Whether the body passed the size limit (the failure says so too). */
    boolean tooLarge() {
        return tooLarge;
    }

    /** The parsed header block, or null while it is not complete. */
    CgiResponse response() {
        return response;
    }

    /** Whether the handler wrote anything at all. */
    boolean wroteAnything() {
        return headLength > 0;
    }

    /** Whether the response was committed and streamed. */
    boolean streaming() {
        return stream != null;
    }

    /** The stream a committed response's body goes to. */
    OutputStream stream() {
        return stream;
    }

    /** The body held back (a response that was not committed). */
    ByteBuffer bufferedBody() {
        return body == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body, 0, bodyLength);
    }

    /** Body bytes the handler wrote, dropped ones included. */
    long bodyBytes() {
        return bodyBytes;
    }
}
