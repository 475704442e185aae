package io.infrakit.shell;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.junit.jupiter.api.Test;

import static io.infrakit.shell.Shell.fail;
import static io.infrakit.shell.Shell.wire;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * While the rpc bundle is stopped or being updated its services (the registry, the JSON codec) are missing:
 * the commands stay registered (optional references) and say what is missing instead of vanishing.
 */
class RpcBundleAbsentTest {

    @Test
    void theRpcBundlesServicesAreOptionalReferencesSoTheCommandsStayWhileItIsUpdated() throws Exception {
        assertTrue(InfrakitCommand.class.getDeclaredField("codec").getAnnotation(Reference.class).optional());
        assertTrue(InfrakitCommand.class.getDeclaredField("registry").getAnnotation(Reference.class).optional());
        assertTrue(GroupIdCompleter.class.getDeclaredField("registry").getAnnotation(Reference.class).optional());
        assertTrue(PluginNameCompleter.class.getDeclaredField("registry").getAnnotation(Reference.class).optional());
    }

    @Test
    void aCommandSaysWhichServiceIsMissing() {
        PluginListCommand noCodec = wire(new PluginListCommand(), new FakeRegistry());
        noCodec.codec = null;
        assertEquals("The JSON codec service is not available (is the infrakit rpc bundle running?)", fail(noCodec));

        PluginListCommand noRegistry = wire(new PluginListCommand(), new FakeRegistry());
        noRegistry.registry = null;
        assertEquals("The plugin registry service is not available (is the infrakit rpc bundle running?)", fail(noRegistry));
    }
}
