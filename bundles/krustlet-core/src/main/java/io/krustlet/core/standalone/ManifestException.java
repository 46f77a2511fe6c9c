package io.krustlet.core.standalone;

/** A manifest file that cannot be used; the message names the file and what is wrong. */
public class ManifestException extends Exception {
    private static final long serialVersionUID = 1L;

    public ManifestException(String message) {
        super(message);
    }
}
