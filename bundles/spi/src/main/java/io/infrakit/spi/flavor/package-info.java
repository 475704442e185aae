/**
 * The Flavor plugin contract (interface {@code Flavor} 0.1.0): what runs on an instance, and whether it
 * is healthy.
 */
@Export
@Version("0.1.0")
package io.infrakit.spi.flavor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
