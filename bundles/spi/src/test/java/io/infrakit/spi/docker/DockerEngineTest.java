package io.infrakit.spi.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.infrakit.spi.RawJson;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

class DockerEngineTest {

    @Test
    void theHostIsConfiguredElseDockerHostWhenItIsAUnixSocketElseTheUsualSocket() {
        assertEquals("unix:///srv/docker.sock", DockerEngine.host(" unix:///srv/docker.sock ", "unix:///run/user/1000/docker.sock"));
        assertEquals("unix:///a.sock", DockerEngine.host(" unix:///a.sock ", "unix:///b.sock"));
        assertEquals("unix:///run/user/1000/docker.sock", DockerEngine.host("", "unix:///run/user/1000/docker.sock"));
        assertEquals("unix:///b.sock", DockerEngine.host("", " unix:///b.sock "));
        assertEquals("unix:///var/run/docker.sock", DockerEngine.host("", "tcp://10.0.0.1:2376"));
        assertEquals("unix:///var/run/docker.sock", DockerEngine.host(null, "tcp://10.0.0.1:2375"));
        assertEquals("unix:///var/run/docker.sock", DockerEngine.host(null, null));
    }

    /** An implementation written before 0.3.0: only {@code call}. */
    private static final class OldEngine implements DockerEngine {
        final List<String> calls = new ArrayList<>();

        @Override
        public RawJson call(String host, String method, String path, RawJson body) {
            calls.add(method + " " + path + " " + body);
            return new RawJson("{\"ok\":true}");
        }
    }

    @Test
    void anOlderImplementationCallsWithATimeoutAsWithoutAndRefusesRawAndStreamedAnswersClearly() throws Exception {
        OldEngine engine = new OldEngine();
        assertEquals("{\"ok\":true}", engine.call("unix:///d.sock", "POST", "/containers/c/stop?t=30", null, Duration.ofSeconds(40)).json());
        assertEquals(List.of("POST /containers/c/stop?t=30 null"), engine.calls);

        DockerException raw = assertThrows(DockerException.class, () -> engine.bytes("unix:///d.sock", "GET", "/containers/c/logs"));
        assertEquals(DockerException.NO_ANSWER, raw.status());
        assertEquals(OldEngine.class.getName() + " cannot read raw answers of the Docker engine", raw.getMessage());
        DockerException stream = assertThrows(DockerException.class,
                () -> engine.stream("unix:///d.sock", "GET", "/events", each -> { }, end -> { }));
        assertEquals(OldEngine.class.getName() + " cannot stream answers of the Docker engine", stream.getMessage());
        assertEquals(1, engine.calls.size(), "neither was sent as a call");
    }
}
