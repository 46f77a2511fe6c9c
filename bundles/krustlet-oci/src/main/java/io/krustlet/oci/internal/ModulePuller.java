package io.krustlet.oci.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.krustlet.oci.ImageReference;
import io.krustlet.oci.PullException;
import io.krustlet.oci.PullException.Kind;
import io.krustlet.oci.PullPolicy;
import io.krustlet.oci.PulledModule;
import io.krustlet.oci.RegistryCredential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One pull: policy, manifest (through an index when there is one), wasm layer, store. */
final class ModulePuller {

    private static final Logger LOG = LoggerFactory.getLogger(ModulePuller.class);

    private final RegistryClient registry;
    private final ModuleStore store;
    private final ObjectMapper json = new ObjectMapper();

    ModulePuller(RegistryClient registry, ModuleStore store) {
        this.registry = registry;
        this.store = store;
    }

    PulledModule pull(ImageReference ref, PullPolicy policy, Optional<RegistryCredential> credential)
            throws PullException {
        if (policy != PullPolicy.Always) {
            Optional<PulledModule> local = local(ref);
            if (local.isPresent()) {
                return local.get();
            }
            if (policy == PullPolicy.Never) {
                throw new PullException(Kind.NOT_PRESENT, "image " + ref
                        + " is not present on this node and its imagePullPolicy is Never");
            }
        }
        long started = System.nanoTime();
        RegistryClient.Manifest manifest = registry.manifest(ref, ref.reference(), credential);
        if (MediaTypes.isIndex(manifest.mediaType()) || isIndex(manifest.body())) {
            String chosen = choosePlatform(ref, manifest.body());
            manifest = registry.manifest(ref, chosen, credential);
        }
        JsonNode layer = wasmLayer(ref, manifest.body());
        String layerDigest = layer.path("digest").asText();
        long size = layer.path("size").asLong(-1);
        Optional<Path> present = store.verifiedBlob(layerDigest);
        Path file;
        boolean downloaded = present.isEmpty();
        if (present.isPresent()) {
            file = present.get();
        } else {
            file = download(ref, layerDigest, size, credential);
        }
        try {
            store.record(ref, new ModuleStore.StoredRef(manifest.digest(), layerDigest, Files.size(file)));
            store.collectGarbage(Set.of(layerDigest));
        } catch (IOException e) {
            throw new PullException(Kind.NETWORK, "cannot write the module store: " + e.getMessage(), e);
        }
        LOG.info("Pulled {} ({}, module {}, {} bytes{}) in {} ms", ref, manifest.digest(), layerDigest, size,
                downloaded ? "" : ", already in the store", (System.nanoTime() - started) / 1_000_000);
        return new PulledModule(ref, file, layerDigest, ref.name() + "@" + manifest.digest(), true);
    }

    private Optional<PulledModule> local(ImageReference ref) {
        return store.lookup(ref).flatMap(stored -> store.verifiedBlob(stored.layerDigest())
                .map(file -> new PulledModule(ref, file, stored.layerDigest(),
                        ref.name() + "@" + stored.manifestDigest(), false)));
    }

    private Path download(ImageReference ref, String digest, long size, Optional<RegistryCredential> credential)
            throws PullException {
        Path temp = null;
        try {
            temp = store.newTempFile();
            registry.blob(ref, digest, size, temp, credential);
            return store.commit(temp, digest);
        } catch (IOException e) {
            throw new PullException(Kind.NETWORK, "cannot write the module store: " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    private boolean isIndex(byte[] body) {
        try {
            return json.readTree(body).has("manifests");
        } catch (IOException e) {
            return false;
        }
    }

    /** From an index, the entry for wasm: platform wasip1/wasi or architecture wasm/wasm32; else the only one. */
    private String choosePlatform(ImageReference ref, byte[] body) throws PullException {
        JsonNode manifests = readJson(ref, body).path("manifests");
        JsonNode only = manifests.size() == 1 ? manifests.get(0) : null;
        for (JsonNode m : manifests) {
            String os = m.path("platform").path("os").asText("");
            String arch = m.path("platform").path("architecture").asText("");
            if (os.equals("wasip1") || os.equals("wasi") || arch.equals("wasm") || arch.equals("wasm32")) {
                return m.path("digest").asText();
            }
        }
        if (only != null) {
            return only.path("digest").asText();
        }
        throw new PullException(Kind.INVALID_MODULE, "image " + ref + " is an index with no wasm/wasi platform among "
                + manifests.size() + " entries");
    }

    private JsonNode wasmLayer(ImageReference ref, byte[] body) throws PullException {
        JsonNode layers = readJson(ref, body).path("layers");
        StringBuilder seen = new StringBuilder();
        for (JsonNode layer : layers) {
            String type = layer.path("mediaType").asText("");
            if (MediaTypes.WASM_LAYERS.contains(type)) {
                return layer;
            }
            seen.append(seen.length() == 0 ? "" : ", ").append(type);
        }
        throw new PullException(Kind.INVALID_MODULE, "image " + ref + " has no wasm layer ("
                + (seen.length() == 0 ? "no layers" : "layer types: " + seen) + "); expected "
                + MediaTypes.WASM_LAYER);
    }

    private JsonNode readJson(ImageReference ref, byte[] body) throws PullException {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new PullException(Kind.INVALID_MODULE, "manifest of " + ref + " is not valid JSON", e);
        }
    }
}
