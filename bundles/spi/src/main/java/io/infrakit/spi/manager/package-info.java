/**
 * The Manager contract (interface {@code Manager} 0.1.0): leadership among several managers.
 */
@Export
@Version("0.1.0")
package io.infrakit.spi.manager;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
