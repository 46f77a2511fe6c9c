package io.krustlet.wasm;

import java.util.Locale;

/** How module code is executed. */
public enum Engine {
    COMPILER, INTERPRETER;

    /**
     * Reads {@code compiler} or {@code interpreter}, case-insensitive.
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Engine parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("engine=" + value + " is not one of: compiler, interpreter");
        }
    }
}
