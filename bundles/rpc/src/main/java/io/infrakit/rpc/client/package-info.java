/**
 * Calling plugins over their Unix sockets: a JSON-RPC client and, for each plugin interface, a proxy
 * that implements it. For tools (the CLI, tests) that talk to sockets directly; inside the framework,
 * look plugins up through {@link io.infrakit.spi.registry.PluginRegistry} instead. {@link
 * io.infrakit.rpc.client.UnixHttpClient} makes plain HTTP calls to other daemons' Unix sockets with the
 * same transport.
 */
@Export
@Version("0.2.0")
package io.infrakit.rpc.client;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
