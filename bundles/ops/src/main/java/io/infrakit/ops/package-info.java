/**
 * What the two operator surfaces, the standalone {@code infrakit} CLI and the Karaf {@code infrakit:*} commands,
 * share for the verbs that read a group's progress: the wait for a rollout to end ({@link io.infrakit.ops.RolloutWait}),
 * the redraw of a watched view ({@link io.infrakit.ops.Redraw}), the clock they poll on ({@link io.infrakit.ops.Pacing}),
 * durations as people write them ({@link io.infrakit.ops.Durations}) and the texts of a group's status
 * ({@link io.infrakit.ops.StatusText}). Free of any command framework: each surface turns their
 * {@link java.lang.IllegalArgumentException}s and its own exceptions into its errors, and lays out its own tables.
 */
@Export
@Version("0.1.0")
package io.infrakit.ops;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
