package io.krustlet.wagi.cgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CgiResponseParserTest {

    private static CgiResponse parse(String block) throws CgiFormatException {
        byte[] bytes = block.getBytes(StandardCharsets.ISO_8859_1);
        return CgiResponseParser.parse(bytes, bytes.length);
    }

    private static Map.Entry<String, String> h(String name, String value) {
        return Map.entry(name, value);
    }

    @Test
    void contentTypeAloneIs200WithThatType() throws Exception {
        CgiResponse r = parse("Content-Type: text/html\n\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers()).containsExactly(h("Content-Type", "text/html"));
    }

    @Test
    void namesAreCaseInsensitiveAndTheServerWritesTheCanonicalOnes() throws Exception {
        CgiResponse r = parse("content-type:text/plain\nSTATUS: 404 Not Found\nlocation: /x\n\n");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.headers()).containsExactly(h("Content-Type", "text/plain"), h("Location", "/x"));
    }

    @Test
    void crLfLineEndsWorkLikeLf() throws Exception {
        CgiResponse r = parse("Content-Type: text/plain\r\nX-A: 1\r\n\r\n");
        assertThat(r.headers()).containsExactly(h("Content-Type", "text/plain"), h("X-A", "1"));
    }

    @Test
    void locationWithoutStatusIsAFoundRedirect() throws Exception {
        assertThat(parse("Location: https://example.com/\n\n").status()).isEqualTo(302);
        assertThat(parse("Location: /local/path\n\n").status()).isEqualTo(302);
    }

    @Test
    void anExplicitStatusWinsOverTheRedirectDefault() throws Exception {
        CgiResponse r = parse("Status: 301 Moved Permanently\nLocation: /new\n\n");
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.headers()).containsExactly(h("Location", "/new"));
    }

    @Test
    void statusAloneIsEnough() throws Exception {
        assertThat(parse("Status: 204\n\n").status()).isEqualTo(204);
        assertThat(parse("Status: 204\n\n").allowsBody()).isFalse();
        assertThat(parse("Status:500\n\n").status()).isEqualTo(500);
    }

    @Test
    void otherFieldsArePassedOnInOrderRepeatsIncluded() throws Exception {
        CgiResponse r = parse("Content-Type: text/plain\nSet-Cookie: a=1\nX-Trace:  spaced value \t\nSet-Cookie: b=2\n\n");
        assertThat(r.headers()).containsExactly(h("Content-Type", "text/plain"), h("Set-Cookie", "a=1"),
                h("X-Trace", "spaced value"), h("Set-Cookie", "b=2"));
    }

    @Test
    void framingAndConnectionFieldsAreDroppedAndReported() throws Exception {
        CgiResponse r = parse("Content-Type: text/plain\nContent-Length: 12\nTransfer-Encoding: chunked\n"
                + "Connection: close\nKeep-Alive: 5\nUpgrade: h2c\nTE: trailers\nTrailer: X\nProxy-Connection: x\n\n");
        assertThat(r.headers()).containsExactly(h("Content-Type", "text/plain"));
        assertThat(r.dropped()).containsExactly("Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive",
                "Upgrade", "TE", "Trailer", "Proxy-Connection");
    }

    @Test
    void valuesMayHoldLatin1ButNoControlCharacters() throws Exception {
        assertThat(parse("Content-Type: text/plain\nX-Name: caf\u00e9\n\n").headers())
                .contains(h("X-Name", "caf\u00e9"));
        assertThatThrownBy(() -> parse("Content-Type: text/plain\nX-Bad: a\u0000b\n\n"))
                .hasMessageContaining("control character 0x0 in the value of X-Bad");
    }

    @Test
    void theBlockMayEndWithoutItsEmptyLineWhenGivenWhole() throws Exception {
        assertThat(parse("Content-Type: text/plain\n").status()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "no header at all|X-Only: 1\\n\\n|no Content-Type, Location or Status header",
        "empty block|\\n|no Content-Type, Location or Status header",
        "a line without a colon|Content-Type: text/plain\\nhello world\\n\\n|header line without a colon: \"hello world\"",
        "an empty name|: value\\nContent-Type: text/plain\\n\\n|invalid header name \"\"",
        "a space before the colon|Content-Type : text/plain\\n\\n|invalid header name \"Content-Type \"",
        "a name with a slash|X/Y: 1\\nContent-Type: text/plain\\n\\n|invalid header name \"X/Y\"",
        "a folded line|Content-Type: text/plain\\nX-A: 1\\n  continued\\n\\n|folded lines are not allowed",
        "two content types|Content-Type: a/b\\nContent-Type: c/d\\n\\n|more than one Content-Type header",
        "two statuses|Status: 200\\nStatus: 404\\n\\n|more than one Status header",
        "two locations|Location: /a\\nLocation: /b\\n\\n|more than one Location header",
        "an empty content type|Content-Type:\\n\\n|empty Content-Type header",
        "an empty location|Location:  \\n\\n|empty Location header",
        "a status that is not a number|Status: OK\\n\\n|three-digit code",
        "a four-digit status|Status: 2000\\n\\n|three-digit code",
        "an informational status|Status: 101 Switching Protocols\\n\\n|Status 101 is not a final HTTP status",
        "a status past 599|Status: 600\\n\\n|Status 600 is not a final HTTP status",
    })
    void malformedBlocksAreRefusedWithTheRuleTheyBreak(String what, String block, String message) {
        assertThatThrownBy(() -> parse(block.replace("\\n", "\n"))).as(what)
                .isInstanceOf(CgiFormatException.class).hasMessageContaining(message);
    }

    @Test
    void headerEndFindsTheFirstEmptyLineWhateverTheLineEnds() {
        assertThat(end("Content-Type: a\n\nbody")).isEqualTo(17);
        assertThat(end("Content-Type: a\r\n\r\nbody")).isEqualTo(19);
        assertThat(end("Content-Type: a\r\n\nbody")).isEqualTo(18);
        assertThat(end("\nbody")).isEqualTo(1);
        assertThat(end("\r\nbody")).isEqualTo(2);
        assertThat(end("Content-Type: a\nX: b\n")).isEqualTo(-1);
        assertThat(end("Content-Type: a\r\n\r")).isEqualTo(-1);
    }

    @Test
    void headerEndResumesWhereTheLastSearchStopped() {
        byte[] buffer = "Content-Type: a\n\nbody".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(CgiResponseParser.headerEnd(buffer, 0, 16)).isEqualTo(-1); // up to the first LF only
        assertThat(CgiResponseParser.headerEnd(buffer, 13, buffer.length)).isEqualTo(17);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Custom", "x_custom", "A1!#$%&'*+-.^`|~"})
    void tokensAreHttpTokens(String name) {
        assertThat(CgiResponseParser.isToken(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a:b", "a(b)", "caf\u00e9", "a\tb"})
    void otherNamesAreNotTokens(String name) {
        assertThat(CgiResponseParser.isToken(name)).isFalse();
    }

    private static int end(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return CgiResponseParser.headerEnd(bytes, 0, bytes.length);
    }

    @Test
    void messagesQuoteTheOffendingLineShortAndEscaped() {
        assertThat(CgiResponseParser.quote("a\u0001b")).isEqualTo("\"a\\x01b\"");
        assertThat(CgiResponseParser.quote("x".repeat(100))).hasSize(80 + 5).endsWith("...\"");
        assertThat(List.of()).isEmpty();
    }
}
