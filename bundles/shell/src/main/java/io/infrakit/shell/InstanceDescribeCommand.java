package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.Description;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;
import java.util.List;

/** {@code infrakit:instance-describe}: the instances of an instance plugin that carry the given tags. */
@Command(scope = "infrakit", name = "instance-describe", description = "Lists the instances carrying every given tag")
@Service
public class InstanceDescribeCommand extends InstanceCommand {

    @Option(name = "--tags", multiValued = true, description = "Tags to filter by: k=v,... (all must match)")
    List<String> tags;

    @Option(name = "--no-format", description = "Tab-separated rows without header or borders")
    boolean noFormat;

    @Option(name = "--json", description = "Print the instances as JSON")
    boolean json;

    @Option(name = "--quiet", aliases = "-q", description = "Print only the instance IDs")
    boolean quiet;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        List<Description> instances = instancePlugin().describeInstances(TagText.parse(tags));
        if (json) {
            printJson(out, instances);
            return;
        }
        DescriptionTable.print(out, instances, noFormat, quiet);
    }
}
