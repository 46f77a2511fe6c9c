package io.krustlet.oci.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Settings of the image service, PID {@code io.krustlet.oci}. */
@ObjectClassDefinition(name = "Krustlet images", description = "Module store and registry access")
public @interface OciConfig {

    @AttributeDefinition(description = "Module store directory; default: ${karaf.data}/krustlet/modules", required = false)
    String storeDir() default "";

    @AttributeDefinition(description = "Remove least recently used modules when the store passes this many bytes (0: never)")
    long maxStoreSize() default 1024L * 1024 * 1024;

    @AttributeDefinition(description = "Registries (host[:port]) reached over plain HTTP, comma-separated", required = false)
    String insecureRegistries() default "";

    @AttributeDefinition(description = "PEM file of CA certificates trusted for registries, besides the JVM's", required = false)
    String caBundle() default "";

    @AttributeDefinition(description = "Docker config.json with the node's own registry credentials", required = false)
    String dockerConfig() default "";
}
