package io.krustlet.shell;

import io.krustlet.oci.DockerConfig;
import io.krustlet.oci.ImageService;
import io.krustlet.oci.RegistryCredential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code krustlet:push FILE REF}: pushes a .wasm file as an OCI artifact (wasm-to-oci media types). */
@Service
@Command(scope = "krustlet", name = "push", description = "Pushes a .wasm module to an OCI registry")
public class PushCommand implements Action {

    @Reference
    ImageService images;

    @Argument(index = 0, name = "file", required = true, description = "The .wasm file")
    String file;

    @Argument(index = 1, name = "image", required = true, description = "Where to push it, e.g. registry.example.com/app:v1")
    String image;

    @Option(name = "--docker-config", description = "Docker config.json with credentials for the registry")
    String dockerConfig;

    @Override
    public Object execute() throws Exception {
        List<RegistryCredential> credentials = dockerConfig == null ? List.of()
                : DockerConfig.parse(Files.readAllBytes(Path.of(dockerConfig)));
        String digest = images.push(Path.of(file), image, credentials);
        System.out.println("Pushed " + file + " to " + image + "@" + digest);
        return null;
    }
}
