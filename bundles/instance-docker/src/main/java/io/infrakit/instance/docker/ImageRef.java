package io.infrakit.instance.docker;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * An image reference as {@code POST /images/create} wants it: the repository in {@code fromImage} and the tag
 * (or digest) in {@code tag}, which must not be empty (an empty tag pulls every tag of the repository).
 * {@code busybox} is {@code busybox:latest}, {@code registry:5000/team/app:2} has the tag {@code 2},
 * {@code app@sha256:…} the digest as its tag.
 *
 * @param repository the repository, with its registry if any
 * @param tag the tag or digest
 */
record ImageRef(String repository, String tag) {

    /**
     * Splits a reference; its validity is the engine's business.
     *
     * @param reference the reference as written
     * @return its parts
     */
    static ImageRef parse(String reference) {
        int at = reference.indexOf('@');
        if (at >= 0) {
            return new ImageRef(reference.substring(0, at), reference.substring(at + 1));
        }
        int colon = reference.lastIndexOf(':');
        // a colon before the last slash is a registry's port, not a tag
        if (colon > reference.lastIndexOf('/')) {
            return new ImageRef(reference.substring(0, colon), reference.substring(colon + 1));
        }
        return new ImageRef(reference, "latest");
    }

    /** @return the query of {@code POST /images/create} that pulls this image */
    String pullQuery() {
        return "fromImage=" + URLEncoder.encode(repository, StandardCharsets.UTF_8) + "&tag=" + URLEncoder.encode(tag, StandardCharsets.UTF_8);
    }

    /**
     * A reference as a part of a path ({@code /images/<reference>/json}): encoded, with its slashes, colons and
     * at signs kept, as the engine routes them.
     *
     * @param reference the reference as written
     * @return the encoded text
     */
    static String inPath(String reference) {
        return URLEncoder.encode(reference, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/").replace("%3A", ":").replace("%40", "@");
    }
}
