package io.infrakit.group;

import io.infrakit.spi.group.GroupEvent;

/**
 * Why the controller creates or destroys an instance: a few words for people (the log, the event's message) and
 * the same in one word for metrics, decided where the action is decided, never read back out of the words.
 *
 * @param text a few words ({@code unhealthy for 42 s})
 * @param cause one of {@link GroupEvent.Cause}
 */
record Reason(String text, String cause) {
}
