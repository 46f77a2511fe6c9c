package io.krustlet.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    @Test
    void appliesDockersDefaults() {
        assertThat(ImageReference.parse("hello").toString()).isEqualTo("docker.io/library/hello:latest");
        assertThat(ImageReference.parse("krustlet/hello:v1").repository()).isEqualTo("krustlet/hello");
        assertThat(ImageReference.parse("hello").apiHost()).isEqualTo("registry-1.docker.io");
        var ghcr = ImageReference.parse("ghcr.io/org/app/module:1.0");
        assertThat(ghcr.registry()).isEqualTo("ghcr.io");
        assertThat(ghcr.repository()).isEqualTo("org/app/module");
        assertThat(ghcr.tag()).isEqualTo("1.0");
        var local = ImageReference.parse("localhost:5000/x@sha256:" + "a".repeat(64));
        assertThat(local.registry()).isEqualTo("localhost:5000");
        assertThat(local.tag()).isNull();
        assertThat(local.reference()).isEqualTo("sha256:" + "a".repeat(64));
    }

    @Test
    void defaultPullPolicyFollowsKubernetes() {
        assertThat(PullPolicy.defaultFor(ImageReference.parse("hello"))).isEqualTo(PullPolicy.Always);
        assertThat(PullPolicy.defaultFor(ImageReference.parse("hello:latest"))).isEqualTo(PullPolicy.Always);
        assertThat(PullPolicy.defaultFor(ImageReference.parse("hello:v1"))).isEqualTo(PullPolicy.IfNotPresent);
        assertThat(PullPolicy.defaultFor(ImageReference.parse("hello@sha256:" + "b".repeat(64))))
                .isEqualTo(PullPolicy.IfNotPresent);
        assertThat(PullPolicy.parse("Never", ImageReference.parse("hello"))).isEqualTo(PullPolicy.Never);
    }

    @Test
    void rejectsWhatIsNotAReference() {
        assertThatThrownBy(() -> ImageReference.parse("hello@sha256:short")).hasMessageContaining("invalid digest");
        assertThatThrownBy(() -> ImageReference.parse("Hello")).hasMessageContaining("invalid repository name");
        assertThatThrownBy(() -> ImageReference.parse("hello:bad tag")).hasMessageContaining("invalid tag");
    }

    @Test
    void readsBothDockerConfigFormats() throws Exception {
        String auth = Base64.getEncoder().encodeToString("bob:pw:with:colons".getBytes(StandardCharsets.UTF_8));
        var json = DockerConfig.parse(("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + auth + "\"},"
                + "\"registry.example.com:5000\":{\"username\":\"u\",\"password\":\"p\"}}}").getBytes(StandardCharsets.UTF_8));
        assertThat(json).containsExactly(new RegistryCredential("docker.io", "bob", "pw:with:colons"),
                new RegistryCredential("registry.example.com:5000", "u", "p"));
        var legacy = DockerConfig.parse(("{\"quay.io\":{\"auth\":\"" + auth + "\",\"email\":\"x@y\"}}")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(legacy).containsExactly(new RegistryCredential("quay.io", "bob", "pw:with:colons"));
    }
}
