/**
 * The common part of the InfraKit plugin contract: opaque JSON properties, interface identities,
 * plugin names, the error every plugin method may raise and the JSON codec as components hold it.
 */
@Export
@Version("0.4.0")
package io.infrakit.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
