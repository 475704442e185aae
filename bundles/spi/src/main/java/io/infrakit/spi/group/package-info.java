/**
 * The Group plugin contract (interface {@code Group} 0.1.0): commit a declared group, watch it converge,
 * inspect, free and destroy it; and the multi-group configuration that {@code manager commit} takes.
 */
@Export
@Version("0.5.0")
package io.infrakit.spi.group;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
