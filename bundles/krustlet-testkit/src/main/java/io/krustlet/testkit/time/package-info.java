/**
 * Time the test moves by hand: a {@link java.time.Clock} and a
 * {@link java.util.concurrent.ScheduledExecutorService} on it, for code that takes its clock and
 * scheduler as arguments. Tests need no sleeps and run timers of hours in microseconds.
 */
@Export
@Version("1.0.0")
package io.krustlet.testkit.time;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
