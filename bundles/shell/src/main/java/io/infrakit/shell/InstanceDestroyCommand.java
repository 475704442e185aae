package io.infrakit.shell;

import io.infrakit.spi.PluginException;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;

/** {@code infrakit:instance-destroy}: destroys one instance. */
@Command(scope = "infrakit", name = "instance-destroy", description = "Destroys an instance")
@Service
public class InstanceDestroyCommand extends InstanceCommand {

    @Argument(index = 0, name = "id", required = true, description = "The instance ID")
    String id;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        instancePlugin().destroy(id);
        out.println("destroyed " + id);
    }
}
