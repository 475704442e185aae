/**
 * Finding plugins by name: the one way any part of InfraKit looks a plugin up, whether it runs in this
 * framework or behind a socket in the plugins directory.
 */
@Export
@Version("0.2.0")
package io.infrakit.spi.registry;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
