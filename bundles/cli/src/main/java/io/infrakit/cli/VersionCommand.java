package io.infrakit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code infrakit version} (and {@code --version}): the version of this command, stamped in at build time. */
@Command(name = "version", description = "print build version information")
final class VersionCommand implements Runnable, IVersionProvider {

    private final Session session;

    VersionCommand(Session session) {
        this.session = session;
    }

    /** For picocli's {@code --version}. */
    VersionCommand() {
        this(null);
    }

    @Override
    public void run() {
        session.out().println("Version: " + version());
    }

    @Override
    public String[] getVersion() {
        return new String[] {"infrakit " + version()};
    }

    /**
     * The version of this build.
     *
     * @return the version, or {@code unknown} if the build did not stamp one
     */
    static String version() {
        try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isBlank() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through to unknown
        }
        return "unknown";
    }
}
