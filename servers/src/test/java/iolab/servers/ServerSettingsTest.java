package iolab.servers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ServerSettingsTest {

    @Test
    void theDefaultConnectionLimitLeavesAFifthOfTheOpenFilesAndAtLeast64ForTheJvm() {
        assertEquals(16_000, ServerSettings.maxConnectionsFor(20_000), "this machine's limit");
        assertEquals(820, ServerSettings.maxConnectionsFor(1_024));
        assertEquals(64, ServerSettings.maxConnectionsFor(128), "at least 64 kept");
        assertEquals(1, ServerSettings.maxConnectionsFor(10), "never none");
        assertEquals(838_861, ServerSettings.maxConnectionsFor(1_048_576));
    }
}
