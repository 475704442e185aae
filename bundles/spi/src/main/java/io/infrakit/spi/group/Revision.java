package io.infrakit.spi.group;

/**
 * A commit that changed a group's configuration.
 *
 * @param revision its number, from 1
 * @param configSHA its configuration ({@code infrakit.config_sha})
 * @param time when it was committed, in milliseconds since the epoch
 * @param source where it came from (see {@link GroupControl.Source})
 * @param reason why, when it is not a plain commit (a rollback: "rollback to revision 1"), or {@code null}
 * @param spec the spec committed
 */
public record Revision(int revision, String configSHA, long time, String source, String reason, GroupSpec spec) {
}
