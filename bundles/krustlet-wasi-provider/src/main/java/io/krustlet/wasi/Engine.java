package io.krustlet.wasi;

import java.util.Locale;

/** How module code is executed. */
enum Engine {
    COMPILER, INTERPRETER;

    static Engine parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("engine=" + value + " is not one of: compiler, interpreter");
        }
    }
}
