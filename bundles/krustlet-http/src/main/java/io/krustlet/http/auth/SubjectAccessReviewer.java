package io.krustlet.http.auth;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Asks the API server with a SubjectAccessReview ({@code authorization.k8s.io/v1}), as the kubelet's webhook mode. */
public final class SubjectAccessReviewer implements Authorizer {

    private final KubernetesClient client;

    public SubjectAccessReviewer(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public boolean allowed(RequestAttributes request) throws ReviewException {
        UserInfo user = request.user();
        SubjectAccessReview review = new SubjectAccessReviewBuilder()
                .withNewSpec()
                .withUser(user.name())
                .withUid(user.uid().isEmpty() ? null : user.uid())
                .withGroups(user.groups())
                .withExtra(user.extra().isEmpty() ? null : user.extra())
                .withNewResourceAttributes()
                .withNamespace("")
                .withVerb(request.verb())
                .withGroup("")
                .withVersion("v1")
                .withResource(request.resource())
                .withSubresource(request.subresource())
                .withName(request.name())
                .endResourceAttributes()
                .endSpec()
                .build();
        SubjectAccessReview answer;
        try {
            answer = client.authorization().v1().subjectAccessReview().create(review);
        } catch (RuntimeException e) {
            throw new ReviewException("SubjectAccessReview failed: " + e.getMessage(), e);
        }
        return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
    }
}
