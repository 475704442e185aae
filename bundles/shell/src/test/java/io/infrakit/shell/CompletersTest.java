package io.infrakit.shell;

import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.registry.PluginInfo;
import io.infrakit.spi.registry.PluginRegistry;

import org.apache.karaf.shell.api.console.CommandLine;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CompletersTest {

    private final FakeRegistry registry = new FakeRegistry();

    @Test
    void pluginNamesIncludeTypedNames() {
        registry.infos.add(new PluginInfo("group", true, List.of(new InterfaceSpec("Group", "0.1.0")), List.of(), null, null));
        registry.infos.add(new PluginInfo("flavor-swarm", false, List.of(), List.of("manager", "worker"), "/s", null));
        PluginNameCompleter completer = new PluginNameCompleter();
        completer.registry = registry;

        assertEquals(List.of("flavor-swarm", "flavor-swarm/manager", "flavor-swarm/worker", "group"), List.copyOf(completer.names()));

        List<String> candidates = new ArrayList<>();
        completer.complete(null, line("infrakit:instance-describe --name fl"), candidates);
        assertEquals(List.of("flavor-swarm ", "flavor-swarm/manager ", "flavor-swarm/worker "), candidates);
    }

    @Test
    void aFailingRegistryOffersNothing() {
        PluginNameCompleter completer = new PluginNameCompleter();
        completer.registry = new PluginRegistry() {
            @Override
            public <T> T lookup(String name, Class<T> spi) {
                throw new AssertionError("not called");
            }

            @Override
            public List<PluginInfo> plugins() {
                throw new IllegalStateException("plugins directory is gone");
            }
        };
        List<String> candidates = new ArrayList<>();

        assertEquals(-1, completer.complete(null, line("infrakit:group-list --name "), candidates));
        assertEquals(List.of(), candidates);
    }

    @Test
    void groupIdsComeFromTheGroupPluginNamedOnTheLine() {
        FakeGroupPlugin group = new FakeGroupPlugin();
        group.groups.put("workers", new GroupSpec("workers", null));
        group.groups.put("managers", new GroupSpec("managers", null));
        FakeGroupPlugin other = new FakeGroupPlugin();
        other.groups.put("web", new GroupSpec("web", null));
        registry.with("group", group).with("group-2", other);
        GroupIdCompleter completer = new GroupIdCompleter();
        completer.registry = registry;

        List<String> candidates = new ArrayList<>();
        completer.complete(null, line("infrakit:group-describe w"), candidates);
        assertEquals(List.of("workers "), candidates);

        candidates.clear();
        completer.complete(null, line("infrakit:group-free --name group-2 "), candidates);
        assertEquals(List.of("web "), candidates);

        assertEquals(Set.of("managers", "workers"), completer.ids("group"));
        assertEquals(Set.of(), completer.ids("missing"), "an unknown plugin offers nothing");
    }

    @Test
    void thePluginNameIsTakenFromEveryOptionSpelling() {
        assertEquals("group", GroupIdCompleter.pluginName(new String[] {"infrakit:group-describe", ""}));
        assertEquals("g2", GroupIdCompleter.pluginName(new String[] {"infrakit:group-describe", "--name", "g2", ""}));
        assertEquals("g3", GroupIdCompleter.pluginName(new String[] {"infrakit:group-describe", "-n", "g3", "x"}));
        assertEquals("g4", GroupIdCompleter.pluginName(new String[] {"infrakit:group-describe", "--name=g4", ""}));
        assertEquals("group", GroupIdCompleter.pluginName(new String[] {"infrakit:group-describe", "--name"}));
    }

    @Test
    void theRegistryIsTheOnlyWayToPlugins() {
        // completers, like commands, reach plugins only through the registry, so local and remote ones alike
        assertEquals(PluginRegistry.class, fieldType(GroupIdCompleter.class));
        assertEquals(PluginRegistry.class, fieldType(PluginNameCompleter.class));
    }

    private static Class<?> fieldType(Class<?> completer) {
        try {
            return completer.getDeclaredField("registry").getType();
        } catch (NoSuchFieldException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void withoutARegistryTheCompletersOfferNothing() {
        List<String> candidates = new ArrayList<>();

        assertEquals(-1, new PluginNameCompleter().complete(null, line("infrakit:group-list --name "), candidates));
        assertEquals(-1, new GroupIdCompleter().complete(null, line("infrakit:group-describe "), candidates));
        assertEquals(List.of(), candidates);
    }

    /** A command line with the cursor at its end, split on single spaces as Karaf's parser would. */
    private static CommandLine line(String text) {
        String[] words = text.split(" ", -1);
        String last = words[words.length - 1];
        return new CommandLine() {
            @Override
            public int getCursorArgumentIndex() {
                return words.length - 1;
            }

            @Override
            public String getCursorArgument() {
                return last;
            }

            @Override
            public int getArgumentPosition() {
                return last.length();
            }

            @Override
            public String[] getArguments() {
                return words;
            }

            @Override
            public int getBufferPosition() {
                return text.length();
            }

            @Override
            public String getBuffer() {
                return text;
            }
        };
    }
}
