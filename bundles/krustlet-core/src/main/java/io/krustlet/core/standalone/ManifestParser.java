package io.krustlet.core.standalone;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the Pods of a static pod manifest: YAML or JSON, one or more documents separated by
 * {@code ---}. Anything that is not a v1 Pod is an error naming the file and the document.
 */
public final class ManifestParser {

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(#.*)?$");

    public List<Pod> parse(String fileName, String content) throws ManifestException {
        List<Pod> pods = new ArrayList<>();
        String[] documents = DOCUMENT_SEPARATOR.split(content);
        int number = 0;
        for (String document : documents) {
            number++;
            if (isBlank(document)) {
                continue;
            }
            pods.add(parseDocument(fileName, documents.length > 1 ? " document " + number : "", document));
        }
        return pods;
    }

    private static Pod parseDocument(String fileName, String where, String document) throws ManifestException {
        Object parsed;
        try {
            parsed = Serialization.unmarshal(document, Object.class);
        } catch (RuntimeException e) {
            throw new ManifestException(fileName + where + ": not valid YAML or JSON: " + firstLine(e));
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new ManifestException(fileName + where + ": expected a Pod object, found "
                    + (parsed == null ? "nothing" : "a " + parsed.getClass().getSimpleName()));
        }
        Object kind = map.get("kind");
        Object apiVersion = map.get("apiVersion");
        if (!"Pod".equals(kind)) {
            throw new ManifestException(fileName + where + ": kind is " + (kind == null ? "missing" : "\"" + kind + "\"")
                    + "; static pod manifests hold Pods only");
        }
        if (!"v1".equals(apiVersion)) {
            throw new ManifestException(fileName + where + ": apiVersion must be \"v1\" for a Pod, found "
                    + (apiVersion == null ? "none" : "\"" + apiVersion + "\""));
        }
        try {
            return Serialization.jsonMapper().convertValue(map, Pod.class);
        } catch (IllegalArgumentException e) {
            throw new ManifestException(fileName + where + ": not a valid Pod: " + firstLine(e));
        }
    }

    private static boolean isBlank(String document) {
        return document.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"));
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }
}
