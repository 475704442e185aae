package io.infrakit.flavor.zookeeper;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.flavor.Health;
import io.infrakit.spi.instance.Description;

import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HealthCheckTest {

    private final ZookeeperFlavorPlugin zk = new ZookeeperFlavorPlugin(new WireJsonCodec(), List.of("zk"), 2000);

    private static RawJson port(int port) {
        return new RawJson("{\"Type\":\"member\",\"Mode\":\"process\",\"ClientPort\":" + port + "}");
    }

    private static Description member(String logicalID) {
        return new Description("process-1", logicalID, null);
    }

    @Test
    void aRealServingZooKeeperIsHealthy() throws Exception {
        System.setProperty("zookeeper.4lw.commands.whitelist", "*");
        try (TestingServer server = new TestingServer(true)) {
            // started means listening; the first srvr may still find it setting up, so ask until it serves
            await().atMost(Duration.ofSeconds(30)).until(() -> zk.healthy(port(server.getPort()), member("127.0.0.1")) == Health.HEALTHY);
            assertEquals(Health.HEALTHY, zk.healthy(port(server.getPort()), member("127.0.0.1")));
        }
    }

    @Test
    void nothingListeningIsUnknown() throws Exception {
        int free;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = socket.getLocalPort();
        }
        assertEquals(Health.UNKNOWN, zk.healthy(port(free), member("127.0.0.1")));
    }

    @Test
    void aMemberWithoutQuorumIsUnhealthy() throws Exception {
        assertEquals(Health.UNHEALTHY, answering(MemberProbe.NOT_SERVING + "\n"));
    }

    @Test
    void anAnswerThatIsNotAboutServingIsUnknown() throws Exception {
        assertEquals(Health.UNKNOWN, answering("srvr is not executed because it is not in the whitelist.\n"));
        assertEquals(Health.HEALTHY, answering("Zookeeper version: 3.8.0\nLatency min/avg/max: 0/0.0/0\nMode: follower\nNode count: 5\n"));
    }

    @Test
    void aMemberWithoutAnAddressIsUnknown() throws Exception {
        assertEquals(Health.UNKNOWN, zk.healthy(port(2181), member(null)));
        assertEquals(Health.UNKNOWN, zk.healthy(port(2181), member("10.0.0.1")));
    }

    /** A fake member on a real socket: reads the four-letter word, says its line, closes. */
    private Health answering(String answer) throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<String> asked = CompletableFuture.supplyAsync(() -> {
                try (Socket client = socket.accept()) {
                    InputStream in = client.getInputStream();
                    String word = new String(in.readNBytes(4), StandardCharsets.US_ASCII);
                    OutputStream out = client.getOutputStream();
                    out.write(answer.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    return word;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Health health = zk.healthy(port(socket.getLocalPort()), member("127.0.0.1"));
            assertEquals("srvr", asked.get());
            return health;
        }
    }
}
