package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.instance.InstanceSpec;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileOrUriCompleter;

import java.io.PrintStream;

/** {@code infrakit:flavor-prepare}: shows the instance spec a flavor makes of a given one, as JSON. */
@Command(scope = "infrakit", name = "flavor-prepare", description = "Prints the instance spec a flavor plugin prepares from a given one")
@Service
public class FlavorPrepareCommand extends FlavorAllocationCommand {

    @Argument(index = 0, name = "properties", required = true, description = "The flavor plugin's properties: a file or a URL")
    @Completion(FileOrUriCompleter.class)
    String properties;

    @Argument(index = 1, name = "spec", required = true, description = "The instance spec to prepare: a file or a URL")
    @Completion(FileOrUriCompleter.class)
    String spec;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        RawJson flavorProperties = SpecReader.properties(codec, properties);
        InstanceSpec instance = SpecReader.read(codec, spec, InstanceSpec.class, "instance spec");
        Allocation allocation = allocation();
        printJson(out, flavorPlugin().prepare(flavorProperties, instance, allocation));
    }
}
