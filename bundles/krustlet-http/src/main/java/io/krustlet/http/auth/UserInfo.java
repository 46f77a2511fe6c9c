package io.krustlet.http.auth;

import java.util.List;
import java.util.Map;

/** An authenticated user as Kubernetes knows it: name, uid, groups and extra attributes. */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

    public static final String ANONYMOUS = "system:anonymous";
    public static final String UNAUTHENTICATED = "system:unauthenticated";
    public static final String AUTHENTICATED = "system:authenticated";

    public UserInfo {
        uid = uid == null ? "" : uid;
        groups = List.copyOf(groups);
        extra = Map.copyOf(extra);
    }

    public static UserInfo anonymous() {
        return new UserInfo(ANONYMOUS, "", List.of(UNAUTHENTICATED), Map.of());
    }

    /** Every authenticated user is also in system:authenticated, as the API server adds it. */
    static UserInfo authenticated(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
        var all = new java.util.ArrayList<>(groups);
        if (!all.contains(AUTHENTICATED)) {
            all.add(AUTHENTICATED);
        }
        return new UserInfo(name, uid, all, extra);
    }
}
