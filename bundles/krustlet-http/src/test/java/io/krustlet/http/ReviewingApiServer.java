package io.krustlet.http;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An API server that answers only what the kubelet API asks: TokenReviews (known tokens) and
 * SubjectAccessReviews (by a rule), recording every review it gets. fabric8's CRUD mock would
 * just store the reviews.
 */
final class ReviewingApiServer implements AutoCloseable {

    record KnownUser(String name, List<String> groups) {
    }

    private final MockWebServer server = new MockWebServer();
    private final KubernetesSerialization json = new KubernetesSerialization();
    final Map<String, KnownUser> tokens = new ConcurrentHashMap<>();
    final List<TokenReview> tokenReviews = new CopyOnWriteArrayList<>();
    final List<SubjectAccessReview> accessReviews = new CopyOnWriteArrayList<>();
    volatile Predicate<SubjectAccessReview> allow = review -> true;
    volatile boolean failing;

    ReviewingApiServer() {
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer").setLevel(java.util.logging.Level.WARNING);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return answer(request);
            }
        });
        server.start();
    }

    private MockResponse answer(RecordedRequest request) {
        if (failing) {
            return new MockResponse().setResponseCode(500).setBody("{\"kind\":\"Status\",\"code\":500}");
        }
        if (request.getMethod().equals("POST") && request.getPath().equals("/apis/authentication.k8s.io/v1/tokenreviews")) {
            TokenReview review = json.unmarshal(request.getUtf8Body(), TokenReview.class);
            tokenReviews.add(review);
            KnownUser user = tokens.get(review.getSpec().getToken());
            review.setStatus(new io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder()
                    .withAuthenticated(user != null)
                    .withUser(user == null ? null : new io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder()
                            .withUsername(user.name()).withUid("uid-" + user.name()).withGroups(user.groups()).build())
                    .build());
            return new MockResponse().setResponseCode(201).setBody(json.asJson(review));
        }
        if (request.getMethod().equals("POST")
                && request.getPath().equals("/apis/authorization.k8s.io/v1/subjectaccessreviews")) {
            SubjectAccessReview review = json.unmarshal(request.getUtf8Body(), SubjectAccessReview.class);
            accessReviews.add(review);
            boolean allowed = allow.test(review);
            review.setStatus(new io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder()
                    .withAllowed(allowed).withDenied(!allowed).build());
            return new MockResponse().setResponseCode(201).setBody(json.asJson(review));
        }
        return new MockResponse().setResponseCode(404).setBody("{\"kind\":\"Status\",\"code\":404}");
    }

    /** A kubeconfig for this server; the node's own credentials are a token the reviews never see. */
    Path kubeconfig(Path dir) throws Exception {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: http://127.0.0.1:%d
                users:
                - name: node
                  user:
                    token: node-token
                contexts:
                - name: test
                  context:
                    cluster: test
                    user: node
                current-context: test
                """.formatted(server.getPort()));
        return file;
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
