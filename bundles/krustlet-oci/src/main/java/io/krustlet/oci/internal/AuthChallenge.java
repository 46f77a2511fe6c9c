package io.krustlet.oci.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed {@code WWW-Authenticate} header: {@code Basic realm="..."} or
 * {@code Bearer realm="https://auth/token",service="registry",scope="repository:x:pull"}.
 *
 * @param scheme {@code basic} or {@code bearer}, lower-cased
 * @param params the parameters, names lower-cased
 */
record AuthChallenge(String scheme, Map<String, String> params) {

    static AuthChallenge parse(String header) {
        String h = header.trim();
        int space = h.indexOf(' ');
        String scheme = (space < 0 ? h : h.substring(0, space)).toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? h.length() : space + 1;
        while (i < h.length()) {
            int eq = h.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = h.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            int start = eq + 1;
            String value;
            if (start < h.length() && h.charAt(start) == '"') {
                StringBuilder sb = new StringBuilder();
                int j = start + 1;
                while (j < h.length() && h.charAt(j) != '"') {
                    if (h.charAt(j) == '\\' && j + 1 < h.length()) {
                        j++;
                    }
                    sb.append(h.charAt(j++));
                }
                value = sb.toString();
                i = j + 1;
            } else {
                int comma = h.indexOf(',', start);
                value = (comma < 0 ? h.substring(start) : h.substring(start, comma)).trim();
                i = comma < 0 ? h.length() : comma;
            }
            params.put(name, value);
            while (i < h.length() && (h.charAt(i) == ',' || h.charAt(i) == ' ')) {
                i++;
            }
        }
        return new AuthChallenge(scheme, params);
    }

    String param(String name) {
        return params.get(name);
    }
}
