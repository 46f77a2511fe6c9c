package io.krustlet.testapiserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import org.junit.jupiter.api.Test;

/** What the mock learned beyond fabric8's CRUD mode. */
class MockApiServerTest {

    @Test
    void serverSideApplyCreatesAnObjectThatDoesNotExistAndUpdatesOneThatDoes() {
        try (MockApiServer api = MockApiServer.start()) {
            var classes = api.client().resources(RuntimeClass.class);
            classes.resource(new RuntimeClassBuilder().withNewMetadata().withName("fast").endMetadata()
                    .withHandler("wasi").build()).serverSideApply();
            assertThat(classes.withName("fast").get().getHandler()).isEqualTo("wasi");

            classes.resource(new RuntimeClassBuilder().withNewMetadata().withName("fast").addToLabels("tier", "a")
                    .endMetadata().withHandler("wagi").build()).serverSideApply();
            RuntimeClass updated = classes.withName("fast").get();
            assertThat(updated.getHandler()).isEqualTo("wagi");
            assertThat(updated.getMetadata().getLabels()).containsEntry("tier", "a");
            assertThat(classes.list().getItems()).hasSize(1);
        }
    }
}
