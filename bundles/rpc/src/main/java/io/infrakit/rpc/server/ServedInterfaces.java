package io.infrakit.rpc.server;

import io.infrakit.rpc.wire.CommonMessages.Empty;
import io.infrakit.rpc.wire.CommonMessages.Ok;
import io.infrakit.rpc.wire.CommonMessages.TypedOk;
import io.infrakit.rpc.wire.FlavorMessages;
import io.infrakit.rpc.wire.GroupControlMessages;
import io.infrakit.rpc.wire.GroupMessages.CommitGroupRequest;
import io.infrakit.rpc.wire.GroupMessages.CommitGroupResponse;
import io.infrakit.rpc.wire.GroupMessages.DescribeGroupResponse;
import io.infrakit.rpc.wire.GroupMessages.GroupIdRequest;
import io.infrakit.rpc.wire.GroupMessages.InspectGroupsResponse;
import io.infrakit.rpc.wire.GroupMessages.IsLeaderResponse;
import io.infrakit.rpc.wire.InstanceChangesMessages;
import io.infrakit.rpc.wire.InstanceMessages;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.flavor.FlavorPlugin;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.group.GroupPlugin;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstancePlugin;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.manager.Manager;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The server side of every plugin interface: method name to params, sub-type and call. Missing params
 * become zero values, as Go's decoder leaves them, so the plugin's own validation answers.
 */
final class ServedInterfaces {

    private static final InstanceSpec NO_SPEC = new InstanceSpec(null, null, "", null, null);
    private static final Allocation NO_ALLOCATION = new Allocation(0, null);
    private static final Description NO_INSTANCE = new Description("", null, null);
    private static final GroupSpec NO_GROUP = new GroupSpec("", null);

    /** The longest a {@code GroupControl.Events} call waits for an event, in seconds. */
    static final int MAX_WAIT_SECONDS = 30;

    private static final Map<Spi, Map<String, ServedMethod<?, ?>>> METHODS = new EnumMap<>(Spi.class);

    static {
        METHODS.put(Spi.INSTANCE, Map.of(
                "Validate", new ServedMethod<InstancePlugin, InstanceMessages.ValidateRequest>(
                        InstanceMessages.ValidateRequest.class, TypedOk.class, InstanceMessages.ValidateRequest::type, (p, r, t) -> {
                            p.validate(r.properties());
                            return new TypedOk(t, true);
                        }),
                "Provision", new ServedMethod<InstancePlugin, InstanceMessages.ProvisionRequest>(
                        InstanceMessages.ProvisionRequest.class, InstanceMessages.ProvisionResponse.class, InstanceMessages.ProvisionRequest::type,
                        (p, r, t) -> new InstanceMessages.ProvisionResponse(t, p.provision(orElse(r.spec(), NO_SPEC)))),
                "Label", new ServedMethod<InstancePlugin, InstanceMessages.LabelRequest>(
                        InstanceMessages.LabelRequest.class, TypedOk.class, InstanceMessages.LabelRequest::type, (p, r, t) -> {
                            p.label(orElse(r.instance(), ""), orElse(r.labels(), Map.of()));
                            return new TypedOk(t, true);
                        }),
                "Destroy", new ServedMethod<InstancePlugin, InstanceMessages.DestroyRequest>(
                        InstanceMessages.DestroyRequest.class, TypedOk.class, InstanceMessages.DestroyRequest::type, (p, r, t) -> {
                            p.destroy(orElse(r.instance(), ""));
                            return new TypedOk(t, true);
                        }),
                "DescribeInstances", new ServedMethod<InstancePlugin, InstanceMessages.DescribeInstancesRequest>(
                        InstanceMessages.DescribeInstancesRequest.class, InstanceMessages.DescribeInstancesResponse.class,
                        InstanceMessages.DescribeInstancesRequest::type,
                        (p, r, t) -> new InstanceMessages.DescribeInstancesResponse(t,
                                p.describeInstances(orElse(r.tags(), Map.of()))))));
        METHODS.put(Spi.INSTANCE_CHANGES, Map.of(
                "Changes", ServedMethod.<InstanceChanges, InstanceChangesMessages.ChangesRequest>untyped(
                        InstanceChangesMessages.ChangesRequest.class, InstanceChanges.Changes.class,
                        (p, r, t) -> p.changes(r.after(), InstanceChangesMessages.cappedWait(r.waitMillis())))));
        METHODS.put(Spi.FLAVOR, Map.of(
                "Validate", new ServedMethod<FlavorPlugin, FlavorMessages.ValidateRequest>(
                        FlavorMessages.ValidateRequest.class, TypedOk.class, FlavorMessages.ValidateRequest::type, (p, r, t) -> {
                            p.validate(r.properties(), orElse(r.allocation(), NO_ALLOCATION));
                            return new TypedOk(t, true);
                        }),
                "Prepare", new ServedMethod<FlavorPlugin, FlavorMessages.PrepareRequest>(
                        FlavorMessages.PrepareRequest.class, FlavorMessages.PrepareResponse.class, FlavorMessages.PrepareRequest::type,
                        (p, r, t) -> new FlavorMessages.PrepareResponse(t, p.prepare(r.properties(),
                                orElse(r.spec(), NO_SPEC), orElse(r.allocation(), NO_ALLOCATION)))),
                "Healthy", new ServedMethod<FlavorPlugin, FlavorMessages.InstanceRequest>(
                        FlavorMessages.InstanceRequest.class, FlavorMessages.HealthyResponse.class, FlavorMessages.InstanceRequest::type,
                        (p, r, t) -> new FlavorMessages.HealthyResponse(t,
                                p.healthy(r.properties(), orElse(r.instance(), NO_INSTANCE)).code())),
                "Drain", new ServedMethod<FlavorPlugin, FlavorMessages.InstanceRequest>(
                        FlavorMessages.InstanceRequest.class, TypedOk.class, FlavorMessages.InstanceRequest::type, (p, r, t) -> {
                            p.drain(r.properties(), orElse(r.instance(), NO_INSTANCE));
                            return new TypedOk(t, true);
                        })));
        METHODS.put(Spi.GROUP, Map.of(
                "CommitGroup", ServedMethod.<GroupPlugin, CommitGroupRequest>untyped(CommitGroupRequest.class, CommitGroupResponse.class,
                        (p, r, t) -> new CommitGroupResponse(p.commitGroup(orElse(r.spec(), NO_GROUP), r.pretend()))),
                "FreeGroup", ServedMethod.<GroupPlugin, GroupIdRequest>untyped(GroupIdRequest.class, Ok.class, (p, r, t) -> {
                    p.freeGroup(orElse(r.id(), ""));
                    return Ok.TRUE;
                }),
                "DescribeGroup", ServedMethod.<GroupPlugin, GroupIdRequest>untyped(GroupIdRequest.class, DescribeGroupResponse.class,
                        (p, r, t) -> new DescribeGroupResponse(p.describeGroup(orElse(r.id(), "")))),
                "DestroyGroup", ServedMethod.<GroupPlugin, GroupIdRequest>untyped(GroupIdRequest.class, Ok.class, (p, r, t) -> {
                    p.destroyGroup(orElse(r.id(), ""));
                    return Ok.TRUE;
                }),
                "InspectGroups", ServedMethod.<GroupPlugin, Empty>untyped(Empty.class, InspectGroupsResponse.class,
                        (p, r, t) -> new InspectGroupsResponse(p.inspectGroups()))));
        METHODS.put(Spi.GROUP_CONTROL, Map.of(
                "Commit", ServedMethod.<GroupControl, GroupControlMessages.CommitRequest>untyped(GroupControlMessages.CommitRequest.class, GroupControlMessages.DetailsResponse.class,
                        (p, r, t) -> new GroupControlMessages.DetailsResponse(p.commit(orElse(r.spec(), NO_GROUP), r.pretend(), orElse(r.source(), GroupControl.Source.API)))),
                "Status", ServedMethod.<GroupControl, GroupControlMessages.StatusRequest>untyped(GroupControlMessages.StatusRequest.class, GroupControlMessages.StatusResponse.class,
                        (p, r, t) -> new GroupControlMessages.StatusResponse(p.status(orElse(r.id(), "")))),
                "Events", ServedMethod.<GroupControl, GroupControlMessages.EventsRequest>untyped(GroupControlMessages.EventsRequest.class, GroupControlMessages.EventsResponse.class,
                        (p, r, t) -> new GroupControlMessages.EventsResponse(p.events(orElse(r.id(), ""), r.after(), r.limit(),
                                1000L * Math.max(0, Math.min(MAX_WAIT_SECONDS, r.waitSeconds()))))),
                "History", ServedMethod.<GroupControl, GroupControlMessages.GroupRequest>untyped(GroupControlMessages.GroupRequest.class, GroupControlMessages.HistoryResponse.class,
                        (p, r, t) -> new GroupControlMessages.HistoryResponse(p.history(orElse(r.id(), "")))),
                "Rollback", ServedMethod.<GroupControl, GroupControlMessages.RollbackRequest>untyped(GroupControlMessages.RollbackRequest.class, GroupControlMessages.DetailsResponse.class,
                        (p, r, t) -> new GroupControlMessages.DetailsResponse(p.rollback(orElse(r.id(), ""), r.revision(), orElse(r.source(), GroupControl.Source.API)))),
                "Pause", ServedMethod.<GroupControl, GroupControlMessages.GroupRequest>untyped(GroupControlMessages.GroupRequest.class, GroupControlMessages.DetailsResponse.class,
                        (p, r, t) -> new GroupControlMessages.DetailsResponse(p.pause(orElse(r.id(), ""), orElse(r.source(), GroupControl.Source.API)))),
                "Resume", ServedMethod.<GroupControl, GroupControlMessages.GroupRequest>untyped(GroupControlMessages.GroupRequest.class, GroupControlMessages.DetailsResponse.class,
                        (p, r, t) -> new GroupControlMessages.DetailsResponse(p.resume(orElse(r.id(), ""), orElse(r.source(), GroupControl.Source.API)))),
                "Stop", ServedMethod.<GroupControl, GroupControlMessages.GroupRequest>untyped(GroupControlMessages.GroupRequest.class, GroupControlMessages.DetailsResponse.class,
                        (p, r, t) -> new GroupControlMessages.DetailsResponse(p.stop(orElse(r.id(), ""), orElse(r.source(), GroupControl.Source.API))))));
        METHODS.put(Spi.MANAGER, Map.of(
                "IsLeader", ServedMethod.<Manager, Empty>untyped(Empty.class, IsLeaderResponse.class, (p, r, t) -> new IsLeaderResponse(p.isLeader()))));
    }

    private ServedInterfaces() {
    }

    /**
     * The method of an interface.
     *
     * @param spi the interface
     * @param method the method name after the dot
     * @return the method, or {@code null}
     */
    static ServedMethod<?, ?> method(Spi spi, String method) {
        return METHODS.get(spi).get(method);
    }

    /**
     * The method names of an interface.
     *
     * @param spi the interface
     * @return the names
     */
    static Map<String, ServedMethod<?, ?>> methods(Spi spi) {
        return METHODS.get(spi);
    }

    private static <T> T orElse(T value, T zero) {
        return Objects.requireNonNullElse(value, zero);
    }
}
