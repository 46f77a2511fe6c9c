package io.krustlet.wasm.http;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import io.krustlet.wasm.wasi.Blocking;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code wasi_experimental_http} host module with the ABI of DeisLabs' witx
 * ({@code deislabs/wasi-experimental-http}, {@code witx/wasi_experimental_http.witx}) as
 * Krustlet linked it: {@code req}, {@code close}, {@code header_get}, {@code headers_get_all},
 * {@code body_read}, returning its {@code http_error} codes. Every module can link it; whether a
 * request goes out is the pod's {@link HttpPolicy} (none by default), checked before any
 * connection is made. Requests go through the JDK's {@link HttpClient} on the module's thread;
 * a response is read whole and then handed out in pieces by {@code body_read}.
 *
 * <p>Thread safety: one instance per module instance, called from its one thread.
 */
public final class ExperimentalHttp {

    public static final String MODULE = "wasi_experimental_http";

    // http_error, in witx order
    static final int SUCCESS = 0;
    static final int INVALID_HANDLE = 1;
    static final int MEMORY_NOT_FOUND = 2;
    static final int MEMORY_ACCESS_ERROR = 3;
    static final int BUFFER_TOO_SMALL = 4;
    static final int HEADER_NOT_FOUND = 5;
    static final int UTF8_ERROR = 6;
    static final int DESTINATION_NOT_ALLOWED = 7;
    static final int INVALID_METHOD = 8;
    static final int INVALID_ENCODING = 9;
    static final int INVALID_URL = 10;
    static final int REQUEST_ERROR = 11;
    static final int RUNTIME_ERROR = 12;
    static final int TOO_MANY_SESSIONS = 13;

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentalHttp.class);
    private static final long MASK = 0xFFFFFFFFL;
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpPolicy policy;
    private final Blocking blocking;
    private final Map<Integer, Response> responses = new HashMap<>();
    private int nextHandle;

    private record Response(Map<String, List<String>> headers, byte[] body, int[] position) {
    }

    private static final class HttpError extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        HttpError(int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    @FunctionalInterface
    private interface Call {
        void apply(Memory memory, long[] args) throws HttpError;
    }

    public ExperimentalHttp(HttpPolicy policy) {
        this(policy, Blocking.NONE);
    }

    /**
     * @param blocking brackets each request, during which the module's thread waits for the
     *     response (see {@link Blocking})
     */
    public ExperimentalHttp(HttpPolicy policy, Blocking blocking) {
        this.policy = policy;
        this.blocking = blocking;
    }

    /** The host functions, to be linked under {@value #MODULE}. */
    public HostFunction[] toHostFunctions() {
        return new HostFunction[] {
            fn("req", 10, (m, a) -> request(m, a)),
            fn("close", 1, (m, a) -> responses.remove((int) a[0])),
            fn("header_get", 6, (m, a) -> headerGet(m, a)),
            fn("headers_get_all", 4, (m, a) -> headersGetAll(m, a)),
            fn("body_read", 4, (m, a) -> bodyRead(m, a)),
        };
    }

    /** Drops the responses still held. */
    public void close() {
        responses.clear();
    }

    private static HostFunction fn(String name, int params, Call call) {
        return new HostFunction(MODULE, name, TYPES.computeIfAbsent(params, ExperimentalHttp::errnoType),
                (Instance instance, long... args) -> new long[] {invoke(call, instance, args)});
    }

    /** The function types by parameter count, shared by every instance (see Preview1's). */
    private static final Map<Integer, FunctionType> TYPES = new java.util.concurrent.ConcurrentHashMap<>();

    private static FunctionType errnoType(int params) {
        return FunctionType.of(List.copyOf(Collections.nCopies(params, ValType.I32)), List.of(ValType.I32));
    }

    private static int invoke(Call call, Instance instance, long[] args) {
        Memory memory = instance.memory();
        if (memory == null) {
            return MEMORY_NOT_FOUND;
        }
        try {
            call.apply(memory, args);
            return SUCCESS;
        } catch (HttpError e) {
            return e.code;
        } catch (com.dylibso.chicory.wasm.ChicoryException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.debug("wasi_experimental_http call failed", e);
            return RUNTIME_ERROR;
        }
    }

    private void request(Memory m, long[] a) throws HttpError {
        if (policy.maxConcurrentRequests() > 0 && responses.size() >= policy.maxConcurrentRequests()) {
            throw new HttpError(TOO_MANY_SESSIONS);
        }
        URI url;
        try {
            url = new URI(string(m, a[0], a[1]));
        } catch (URISyntaxException e) {
            throw new HttpError(INVALID_URL);
        }
        if (url.getHost() == null || !("http".equalsIgnoreCase(url.getScheme())
                || "https".equalsIgnoreCase(url.getScheme()))) {
            throw new HttpError(INVALID_URL);
        }
        if (!policy.allows(url)) {
            throw new HttpError(DESTINATION_NOT_ALLOWED);
        }
        String method = string(m, a[2], a[3]);
        if (!method.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
            throw new HttpError(INVALID_METHOD);
        }
        byte[] body = bytes(m, a[6], a[7]);
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).method(method.toUpperCase(Locale.ROOT),
                body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        addHeaders(builder, string(m, a[4], a[5]));
        HttpClient client = policy.client().get();
        if (client == null) {
            throw new HttpError(RUNTIME_ERROR);
        }
        HttpResponse<byte[]> response;
        blocking.enter();
        try {
            response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("Outbound request to {} failed", url, e);
            throw new HttpError(REQUEST_ERROR);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChicoryInterruptedException("interrupted during an outbound HTTP request");
        } finally {
            blocking.exit();
        }
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        response.headers().map().forEach((k, v) -> {
            if (!k.startsWith(":")) {
                headers.put(k.toLowerCase(Locale.ROOT), v);
            }
        });
        int handle = nextHandle;
        while (responses.containsKey(handle)) {
            handle++;
        }
        nextHandle = handle + 1;
        write(m, a[8], new byte[] {(byte) response.statusCode(), (byte) (response.statusCode() >> 8)});
        writeU32(m, a[9], handle);
        responses.put(handle, new Response(headers, response.body(), new int[1]));
    }

    /** Request headers as the guest library encodes them: one {@code name:value} per line. */
    private static void addHeaders(HttpRequest.Builder builder, String encoded) throws HttpError {
        for (String line : encoded.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new HttpError(INVALID_ENCODING);
            }
            String name = line.substring(0, colon).trim();
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            try {
                builder.header(name, line.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new HttpError(INVALID_ENCODING);
            }
        }
    }

    private Response response(long handle) throws HttpError {
        Response r = responses.get((int) handle);
        if (r == null) {
            throw new HttpError(INVALID_HANDLE);
        }
        return r;
    }

    private void headerGet(Memory m, long[] a) throws HttpError {
        Response r = response(a[0]);
        List<String> values = r.headers().get(string(m, a[1], a[2]).toLowerCase(Locale.ROOT));
        if (values == null || values.isEmpty()) {
            throw new HttpError(HEADER_NOT_FOUND);
        }
        byte[] value = values.get(0).getBytes(StandardCharsets.UTF_8);
        if (value.length > (a[4] & MASK)) {
            throw new HttpError(BUFFER_TOO_SMALL);
        }
        write(m, a[3], value);
        writeU32(m, a[5], value.length);
    }

    private void headersGetAll(Memory m, long[] a) throws HttpError {
        Response r = response(a[0]);
        StringBuilder all = new StringBuilder();
        r.headers().forEach((k, values) -> values.forEach(v -> all.append(k).append(':').append(v).append('\n')));
        byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > (a[2] & MASK)) {
            throw new HttpError(BUFFER_TOO_SMALL);
        }
        write(m, a[1], bytes);
        writeU32(m, a[3], bytes.length);
    }

    private void bodyRead(Memory m, long[] a) throws HttpError {
        Response r = response(a[0]);
        int available = (int) Math.min(a[2] & MASK, r.body().length - r.position()[0]);
        check(m, a[1], available);
        m.write((int) (a[1] & MASK), r.body(), r.position()[0], available);
        r.position()[0] += available;
        writeU32(m, a[3], available);
    }

    private static void check(Memory m, long address, long length) throws HttpError {
        if ((address & MASK) + length > (long) m.pages() * Memory.PAGE_SIZE) {
            throw new HttpError(MEMORY_ACCESS_ERROR);
        }
    }

    private static byte[] bytes(Memory m, long address, long length) throws HttpError {
        check(m, address, length & MASK);
        return m.readBytes((int) (address & MASK), (int) (length & MASK));
    }

    private static String string(Memory m, long address, long length) throws HttpError {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes(m, address, length))).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(UTF8_ERROR);
        }
    }

    private static void write(Memory m, long address, byte[] bytes) throws HttpError {
        check(m, address, bytes.length);
        m.write((int) (address & MASK), bytes);
    }

    private static void writeU32(Memory m, long address, int value) throws HttpError {
        check(m, address, 4);
        m.writeI32((int) (address & MASK), value);
    }

    /** A client for a provider to share between its modules: follows no redirects, 30 s to connect. */
    public static HttpClient newClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }
}
