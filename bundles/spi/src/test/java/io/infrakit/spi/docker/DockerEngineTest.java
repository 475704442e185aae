package io.infrakit.spi.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

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
}
