/**
 * Helpers for tests that deploy bundles the Karaf way (a jar dropped into {@code deploy/} and
 * overwritten there by a newer version). No JUnit here: usable inside a Pax Exam container.
 */
@Export
@Version("1.0.0")
package io.krustlet.testkit.deploy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
