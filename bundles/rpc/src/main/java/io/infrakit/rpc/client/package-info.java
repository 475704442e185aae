/**
 * Calling plugins over their Unix sockets: a JSON-RPC client and, for each plugin interface, a proxy
 * that implements it. For tools (the CLI, tests) that talk to sockets directly; inside the framework,
 * look plugins up through {@link io.infrakit.spi.registry.PluginRegistry} instead.
 */
@Export
@Version("0.1.0")
package io.infrakit.rpc.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
