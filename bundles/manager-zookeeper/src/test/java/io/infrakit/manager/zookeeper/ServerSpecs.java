package io.infrakit.manager.zookeeper;

import org.apache.curator.test.InstanceSpec;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * In-process ZooKeeper servers for tests, on ports below the usual ephemeral range (32768 and up on
 * Linux). Curator's InstanceSpec picks its ports in that range, where an outgoing connection of any
 * process can take one between the pick and the server's bind; ZooKeeper's embedded server then exits
 * the JVM (exit code 2) instead of failing the test.
 */
final class ServerSpecs {

    private final Set<Integer> taken = new HashSet<>();

    /**
     * A server's spec with a short tick, so the servers grant the backend's 2 s sessions.
     *
     * @param id the server ID in an ensemble, or -1 for a single server
     * @return the spec
     * @throws IOException if no free port is found
     */
    InstanceSpec spec(int id) throws IOException {
        return new InstanceSpec(null, freePort(), freePort(), freePort(), true, id, 100, -1);
    }

    private int freePort() throws IOException {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(10_000, 32_000);
            if (taken.contains(port)) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket(port)) {
                taken.add(port);
                return probe.getLocalPort();
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IOException("No free port between 10000 and 32000");
    }
}
