package io.infrakit.cli;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceSpec;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code infrakit flavor --name N}: a flavor plugin. */
@Command(name = "flavor", description = "Access flavor plugin")
final class FlavorCommand extends CommandGroup {

    @Mixin
    PluginNameOption plugin;

    private final Session session;

    FlavorCommand(Session session) {
        this.session = session;
    }

    private FlavorPlugin flavor() {
        return session.plugins().find(plugin.required("flavor plugin"), FlavorPlugin.class);
    }

    @Command(name = "validate", description = "validate a flavor configuration")
    void validate(@Parameters(paramLabel = "<flavor configuration file>") Path file,
                  @ArgGroup(exclusive = true, multiplicity = "0..1") AllocationOptions allocation) throws PluginException {
        FlavorPlugin flavor = flavor();
        flavor.validate(new InputFile(file).raw(), AllocationOptions.of(allocation));
        session.out().println("validate:ok");
    }

    @Command(name = "prepare", description = "prepare provisioning inputs for an instance")
    void prepare(@Parameters(index = "0", paramLabel = "<flavor configuration file>") Path propertiesFile,
                 @Parameters(index = "1", paramLabel = "<instance spec file>") Path specFile,
                 @ArgGroup(exclusive = true, multiplicity = "0..1") AllocationOptions allocation) throws PluginException {
        FlavorPlugin flavor = flavor();
        RawJson properties = new InputFile(propertiesFile).raw();
        InstanceSpec spec = new InputFile(specFile).decode(InstanceSpec.class);
        // as the original: json.MarshalIndent(spec, "  ", "  ")
        session.printJson(flavor.prepare(properties, spec, AllocationOptions.of(allocation)), "  ");
    }

    @Command(name = "healthy", description = "checks if an instance is considered healthy")
    void healthy(@Parameters(paramLabel = "<flavor configuration file>") Path file,
                 @Option(names = "--tags", paramLabel = "<k=v>", split = ",", description = "Tags of the instance") List<String> tags,
                 @Option(names = "--id", paramLabel = "<ID>", description = "ID of resource") String id,
                 @Option(names = "--logical-id", paramLabel = "<ID>", description = "Logical ID of resource") String logicalId)
            throws PluginException {
        FlavorPlugin flavor = flavor();
        RawJson properties = new InputFile(file).raw();
        Map<String, String> parsed = TagArguments.parse(tags);
        Description instance = new Description(id == null ? "" : id,
                logicalId == null || logicalId.isEmpty() ? null : logicalId, parsed.isEmpty() ? null : parsed);
        session.out().println(flavor.healthy(properties, instance).code());
    }
}
