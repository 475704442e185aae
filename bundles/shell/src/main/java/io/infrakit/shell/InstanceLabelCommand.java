package io.infrakit.shell;

import io.infrakit.spi.PluginException;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** {@code infrakit:instance-label}: adds or replaces tags on one instance. */
@Command(scope = "infrakit", name = "instance-label", description = "Adds or replaces tags on an instance")
@Service
public class InstanceLabelCommand extends InstanceCommand {

    @Argument(index = 0, name = "id", required = true, description = "The instance ID")
    String id;

    @Option(name = "--tags", multiValued = true, required = true, description = "Tags to set: k=v,...")
    List<String> tags;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        Map<String, String> labels = TagText.parse(tags);
        if (labels.isEmpty()) {
            throw new CommandException("No tags given: use --tags k=v,...");
        }
        instancePlugin().label(id, labels);
        out.println("labelled " + id);
    }
}
