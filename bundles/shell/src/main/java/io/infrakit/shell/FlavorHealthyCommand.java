package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.instance.Description;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileOrUriCompleter;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code infrakit:flavor-healthy}: asks a flavor plugin about the health of an instance described on the
 * command line, and prints it as the wire value: 0 unknown, 1 healthy, 2 unhealthy.
 */
@Command(scope = "infrakit", name = "flavor-healthy", description = "Prints the health of an instance: 0 unknown, 1 healthy, 2 unhealthy")
@Service
public class FlavorHealthyCommand extends FlavorCommand {

    @Argument(index = 0, name = "properties", required = true, description = "The flavor plugin's properties: a file or a URL")
    @Completion(FileOrUriCompleter.class)
    String properties;

    @Option(name = "--tags", multiValued = true, description = "Tags of the instance: k=v,...")
    List<String> tags;

    @Option(name = "--id", description = "ID of the instance")
    String id = "";

    @Option(name = "--logical-id", description = "Logical ID of the instance")
    String logicalId;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        RawJson flavorProperties = SpecReader.properties(codec, properties);
        Description instance = new Description(id, logicalId, TagText.parse(tags));
        Health health = flavorPlugin().healthy(flavorProperties, instance);
        out.println(health.code());
    }
}
