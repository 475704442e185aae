package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.InstanceSpec;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileOrUriCompleter;

import java.io.PrintStream;

/** {@code infrakit:instance-provision}: creates one instance from an instance spec and prints its ID. */
@Command(scope = "infrakit", name = "instance-provision", description = "Provisions one instance and prints its ID")
@Service
public class InstanceProvisionCommand extends InstanceCommand {

    @Argument(index = 0, name = "spec", required = true, description = "The instance spec: a file or a URL")
    @Completion(FileOrUriCompleter.class)
    String spec;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        InstanceSpec instance = SpecReader.read(codec, spec, InstanceSpec.class, "instance spec");
        String id = instancePlugin().provision(instance);
        // a plugin may not know the ID (the instance is created asynchronously): print nothing then, as Go does
        if (id != null) {
            out.println(id);
        }
    }
}
