/**
 * Measurements of the controller for metrics, reported to whiteboard services.
 */
@Export
@Version("0.1.0")
package io.infrakit.spi.observe;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
