package io.infrakit.group;

import io.infrakit.spi.group.GroupState;
import io.infrakit.spi.group.GroupStates;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Group state kept in memory: for a group plugin that runs without a manager (it is lost with a restart). */
final class MemoryStates implements GroupStates {

    private final Map<String, GroupState> states = new ConcurrentHashMap<>();

    @Override
    public GroupState load(String id) {
        return states.getOrDefault(id, GroupState.NONE);
    }

    @Override
    public void save(String id, GroupState state) {
        states.put(id, state);
    }

    @Override
    public void destroyed(String id) {
        states.remove(id);
    }
}
