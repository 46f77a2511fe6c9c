/**
 * The provider kit: {@link io.krustlet.testkit.ContainerRuntimeContract}, the JUnit 5 contract
 * test every {@link io.krustlet.api.ContainerRuntime} extends, and {@link io.krustlet.testkit.CapturedOutput},
 * the streams it hands a provider. For tests only: these classes need JUnit 5, AssertJ and Awaitility.
 */
@Export
@Version("1.0.0")
package io.krustlet.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
