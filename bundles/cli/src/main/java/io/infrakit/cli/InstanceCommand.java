package io.infrakit.cli;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

/** {@code infrakit instance --name N}: an instance plugin. */
@Command(name = "instance", description = "Access instance plugin")
final class InstanceCommand extends CommandGroup {

    @Mixin
    PluginNameOption plugin;

    private final Session session;

    InstanceCommand(Session session) {
        this.session = session;
    }

    private InstancePlugin instances() {
        return session.plugins().find(plugin.required("instance plugin"), InstancePlugin.class);
    }

    @Command(name = "validate", description = "validates an instance configuration")
    void validate(@Parameters(paramLabel = "<instance configuration file>") Path file) throws PluginException {
        InstancePlugin instances = instances();
        instances.validate(new InputFile(file).raw());
        session.out().println("validate:ok");
    }

    @Command(name = "provision", description = "provisions an instance")
    void provision(@Parameters(paramLabel = "<instance spec file>") Path file) throws PluginException {
        InstancePlugin instances = instances();
        String id = instances.provision(new InputFile(file).decode(InstanceSpec.class));
        if (id != null) {
            session.out().println(id);
        }
    }

    @Command(name = "destroy", description = "destroy the resource")
    void destroy(@Parameters(paramLabel = "<instance ID>") String id) throws PluginException {
        instances().destroy(id);
        session.out().println("destroyed " + id);
    }

    @Command(name = "describe", description = "describe the instances")
    void describe(@Option(names = "--tags", paramLabel = "<k=v>", split = ",", description = "Tags to filter") List<String> tags,
                  @Option(names = {"-q", "--quiet"}, description = "Print rows without column headers") boolean quiet,
                  @Option(names = "--json", description = "Print the instances as JSON") boolean json)
            throws PluginException {
        InstancePlugin instances = instances();
        List<Description> found = instances.describeInstances(TagArguments.parse(tags));
        if (json) {
            session.printJson(found, "");
            return;
        }
        Table.instances(session.out(), found, quiet);
    }
}
