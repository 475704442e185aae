package io.infrakit.manager;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupSpec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupsDocumentTest {

    /** global.config as the Go manager writes it: json.MarshalIndent(v, "  ", "  "), no trailing newline. */
    static final String ORIGINAL = """
            {
                "Groups": {
                  "cattle": {
                    "Plugin": "group-stateless",
                    "Properties": {
                      "ID": "cattle",
                      "Properties": {
                        "Instance": {
                          "Plugin": "instance-file",
                          "Properties": {
                            "Note": "Instance properties version 1.0"
                          }
                        },
                        "Flavor": {
                          "Plugin": "flavor-vanilla",
                          "Properties": {
                            "Init": [
                              "docker pull nginx:alpine",
                              "docker run -d -p 80:80 nginx-alpine"
                            ],
                            "Tags": {
                              "tier": "web",
                              "project": "infrakit"
                            }
                          }
                        },
                        "Allocation": {
                          "Size": 5,
                          "LogicalIDs": null
                        }
                      }
                    }
                  },
                  "zk": {
                    "Plugin": "group-stateless",
                    "Properties": {
                      "ID": "zk",
                      "Properties": {
                        "Allocation": {
                          "LogicalIDs": [
                            "10.0.0.1",
                            "10.0.0.2"
                          ]
                        }
                      }
                    }
                  }
                }
              }""";

    private final WireJsonCodec json = new WireJsonCodec();

    @Test
    void readsWhatTheOriginalWroteAndWritesItBackByteForByte() throws PluginException {
        GroupsDocument document = GroupsDocument.parse(ORIGINAL, json);

        assertEquals(java.util.List.of("cattle", "zk"), java.util.List.copyOf(document.groups().keySet()));
        GroupsDocument.Entry cattle = document.groups().get("cattle");
        assertEquals("group-stateless", cattle.plugin());
        assertEquals("cattle", cattle.properties().id());
        assertTrue(cattle.properties().properties().json().contains("\"Size\": 5"), cattle.properties().properties().json());
        assertEquals(ORIGINAL, document.format(json));
    }

    @Test
    void groupsAreWrittenSortedByIdAsGoWritesMaps() throws PluginException {
        GroupSpec b = json.decode(new RawJson("{\"ID\":\"b\",\"Properties\":{\"Allocation\":{\"Size\":1}}}"), GroupSpec.class);
        GroupSpec a = json.decode(new RawJson("{\"ID\":\"a\",\"Properties\":{\"Allocation\":{\"Size\":2}}}"), GroupSpec.class);
        String text = GroupsDocument.EMPTY.with("b", new GroupsDocument.Entry("group-stateless", b))
                .with("a", new GroupsDocument.Entry("group-stateless", a)).format(json);

        assertTrue(text.indexOf("\"a\": {") < text.indexOf("\"b\": {"), text);
        GroupsDocument read = GroupsDocument.parse(text, json);
        assertEquals(java.util.List.of("a", "b"), java.util.List.copyOf(read.groups().keySet()));
        assertTrue(read.groups().get("b").properties().properties().json().contains("\"Size\": 1"), text);
    }

    @Test
    void anEmptyStoreHasNoGroups() throws PluginException {
        assertEquals(GroupsDocument.EMPTY, GroupsDocument.parse(null, json));
        assertEquals(GroupsDocument.EMPTY, GroupsDocument.parse("{\"Groups\":null}", json));
        assertEquals(GroupsDocument.EMPTY, GroupsDocument.parse(GroupsDocument.EMPTY.format(json), json));
    }

    @Test
    void aDamagedStoreIsReportedNotTakenAsEmpty() {
        PluginException notJson = assertThrows(PluginException.class, () -> GroupsDocument.parse("{\"Groups\": {\"cattle\": ", json));
        assertTrue(notJson.getMessage().startsWith("The stored groups are not valid"), notJson.getMessage());
        PluginException noSpec = assertThrows(PluginException.class,
                () -> GroupsDocument.parse("{\"Groups\": {\"cattle\": {\"Plugin\": \"group-stateless\"}}}", json));
        assertTrue(noSpec.getMessage().contains("group 'cattle' has no Properties"), noSpec.getMessage());
    }
}
