/**
 * The local HTTP endpoint: console, metrics, health.
 */
@Export
@Version("0.1.0")
package io.infrakit.spi.web;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
