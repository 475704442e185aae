/**
 * The common part of the InfraKit plugin contract: opaque JSON properties, interface identities,
 * plugin names and the error every plugin method may raise.
 */
@Export
@Version("0.2.0")
package io.infrakit.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
