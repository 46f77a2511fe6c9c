package io.krustlet.wasi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Settings of the WASI provider, PID {@code io.krustlet.wasi}. */
@ObjectClassDefinition(name = "Krustlet WASI provider", description = "How wasm32-wasi modules are run")
public @interface WasiConfig {

    @AttributeDefinition(description = "compiler: Chicory's runtime compiler to JVM bytecode, with the "
            + "interpreter for functions it cannot compile; interpreter: interpret only",
            options = {@Option(label = "compiler", value = "compiler"),
                    @Option(label = "interpreter", value = "interpreter")})
    String engine() default "compiler";

    @AttributeDefinition(description = "Compiled modules kept in memory, by content digest", min = "1")
    int maxCachedModules() default 64;
}
