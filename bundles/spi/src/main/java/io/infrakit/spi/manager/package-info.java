/**
 * The Manager contract (interface {@code Manager} 0.1.0): leadership among several managers, and the
 * backend services a manager is built on ({@link io.infrakit.spi.manager.Leadership},
 * {@link io.infrakit.spi.manager.GroupStore}).
 */
@Export
@Version("0.2.0")
package io.infrakit.spi.manager;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
