package io.infrakit.rpc.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the plugin host, the registry and the client ({@code etc/io.infrakit.rpc.cfg}).
 */
@ObjectClassDefinition(id = RpcConfig.PID, name = "InfraKit RPC",
        description = "Plugin sockets: where they are, who may use them, and how long to wait for a replaced plugin.")
public @interface RpcConfig {

    /** The configuration PID. */
    String PID = "io.infrakit.rpc";

    /** @return the plugins directory; empty means $INFRAKIT_PLUGINS_DIR, else $INFRAKIT_HOME/plugins, else ~/.infrakit/plugins */
    @AttributeDefinition(name = "Plugins directory",
            description = "Directory of the plugin sockets. Empty: $INFRAKIT_PLUGINS_DIR, else $INFRAKIT_HOME/plugins (INFRAKIT_HOME defaults to ~/.infrakit).")
    String plugins_dir() default "";

    /** @return a group allowed to use the sockets, empty for the owner only */
    @AttributeDefinition(name = "Socket group",
            description = "A group allowed to connect to the sockets (sockets 0660, directory 0750). Empty: the owner only (sockets 0600, directory 0700).")
    String socket_group() default "";

    /** @return how long a request waits for a replaced plugin, and how long a socket outlives its last service */
    @AttributeDefinition(name = "Replacement timeout (ms)",
            description = "How long a request waits for a plugin service that was just removed to be replaced (bundle update), and how long its socket stays open meanwhile.")
    long replacement_timeout_ms() default 5000;

    /** @return the connection idle timeout */
    @AttributeDefinition(name = "Idle timeout (ms)", description = "A connection with no traffic for this long is closed.")
    long idle_timeout_ms() default 30000;

    /** @return the largest request body accepted */
    @AttributeDefinition(name = "Largest request body (bytes)", description = "Larger requests are refused with HTTP 413 without being read.")
    int max_body_bytes() default 4 * 1024 * 1024;

    /** @return the timeout of a call to a plugin over its socket */
    @AttributeDefinition(name = "Call timeout (ms)", description = "How long a call to a plugin over its socket may take.")
    long call_timeout_ms() default 60000;
}
