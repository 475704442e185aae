/**
 * The Instance plugin contract (interface {@code Instance} 0.3.0): what creates, labels, lists and
 * destroys the resources a group is made of; and {@code InstanceChanges} 0.1.0, by which a plugin says at once
 * when its instances change.
 */
@Export
@Version("0.2.0")
package io.infrakit.spi.instance;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
