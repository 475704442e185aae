package io.infrakit.shell;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A group plugin that records the calls it gets and answers from maps. */
final class FakeGroupPlugin implements GroupPlugin {

    final Map<String, GroupSpec> groups = new LinkedHashMap<>();
    final Map<String, GroupDescription> descriptions = new LinkedHashMap<>();
    final List<String> calls = new ArrayList<>();
    GroupSpec committed;
    /** When set, listing the groups fails with this message. */
    String failure;
    /** Group IDs this plugin refuses to commit, even as a dry run, with the message to refuse them with. */
    final Map<String, String> refusals = new LinkedHashMap<>();
    /** Group IDs whose real (not pretend) commit fails, with the message to fail with. */
    final Map<String, String> failures = new LinkedHashMap<>();

    @Override
    public String commitGroup(GroupSpec spec, boolean pretend) throws PluginException {
        calls.add("commit " + spec.id() + " pretend=" + pretend);
        if (spec.id().isEmpty()) {
            throw new PluginException("Group ID must not be blank");
        }
        if (refusals.containsKey(spec.id())) {
            throw new PluginException(refusals.get(spec.id()));
        }
        if (!pretend && failures.containsKey(spec.id())) {
            throw new PluginException(failures.get(spec.id()));
        }
        committed = spec;
        return "Managing 3 instances";
    }

    @Override
    public void freeGroup(String id) throws PluginException {
        calls.add("free " + id);
        known(id);
    }

    @Override
    public GroupDescription describeGroup(String id) throws PluginException {
        calls.add("describe " + id);
        known(id);
        return descriptions.get(id);
    }

    @Override
    public void destroyGroup(String id) throws PluginException {
        calls.add("destroy " + id);
        known(id);
    }

    @Override
    public List<GroupSpec> inspectGroups() throws PluginException {
        calls.add("inspect");
        if (failure != null) {
            throw new PluginException(failure);
        }
        return List.copyOf(groups.values());
    }

    private void known(String id) throws PluginException {
        if (!groups.containsKey(id)) {
            throw new PluginException("Group '" + id + "' is not being watched");
        }
    }
}
