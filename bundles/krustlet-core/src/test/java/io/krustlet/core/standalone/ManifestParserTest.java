package io.krustlet.core.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ManifestParserTest {

    private final ManifestParser parser = new ManifestParser();

    @Test
    void parsesSeveralDocumentsAndSkipsEmptyOnes() throws Exception {
        var pods = parser.parse("f.yaml", "---\n# comment only\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n"
                + "spec:\n  containers:\n  - name: c\n    image: fs/x.wasm\n---\n"
                + "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"b\"}}\n");
        assertThat(pods).extracting(p -> p.getMetadata().getName()).containsExactly("a", "b");
        assertThat(pods.get(0).getSpec().getContainers().get(0).getImage()).isEqualTo("fs/x.wasm");
    }

    @Test
    void namesTheFileAndDocumentOfAWrongKind() {
        assertThatThrownBy(() -> parser.parse("f.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\n"
                + "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n"))
                .isInstanceOf(ManifestException.class)
                .hasMessage("f.yaml document 2: kind is \"Service\"; static pod manifests hold Pods only");
    }

    @Test
    void rejectsTextThatIsNotYaml() {
        assertThatThrownBy(() -> parser.parse("x.yaml", "key: [unclosed"))
                .isInstanceOf(ManifestException.class).hasMessageStartingWith("x.yaml: not valid YAML or JSON");
        assertThatThrownBy(() -> parser.parse("y.yaml", "just a string"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("expected a Pod object");
    }

    @Test
    void rejectsAWrongApiVersion() {
        assertThatThrownBy(() -> parser.parse("z.yaml", "apiVersion: v2\nkind: Pod\n"))
                .isInstanceOf(ManifestException.class).hasMessageContaining("apiVersion must be \"v1\"");
    }
}
