package io.traceassembler.config;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Runtime property groups ({@code PropertyGroupId -> PropertyMap}), read from Managed Flink, from a
 * local JSON file in the same shape, and overridden by {@code --set Group.key=value} flags.
 */
public final class PropertyGroups {
    private final Map<String, Properties> groups;

    private PropertyGroups(Map<String, Properties> groups) {
        this.groups = groups;
    }

    public static PropertyGroups empty() {
        return new PropertyGroups(new LinkedHashMap<>());
    }

    public static PropertyGroups of(Map<String, Properties> groups) {
        PropertyGroups result = empty();
        groups.forEach((id, props) -> result.group(id).putAll(props));
        return result;
    }

    /** The application's runtime properties on Amazon Managed Service for Apache Flink. */
    public static PropertyGroups fromManagedFlinkRuntime() {
        try {
            return of(KinesisAnalyticsRuntime.getApplicationProperties());
        } catch (IOException e) {
            throw new ConfigException(
                    "Cannot read the Managed Flink runtime properties: " + e.getMessage(), e);
        }
    }

    /**
     * A JSON file of the form {@code [{"PropertyGroupId": "...", "PropertyMap": {"key":
     * "value"}}]}.
     */
    public static PropertyGroups fromJsonFile(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException(
                    "Cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new ConfigException(
                    "Configuration file "
                            + file
                            + " must hold a JSON array of {\"PropertyGroupId\": ..., \"PropertyMap\": {...}} objects");
        }
        PropertyGroups result = empty();
        for (JsonNode group : root) {
            JsonNode id = group.get("PropertyGroupId");
            JsonNode map = group.get("PropertyMap");
            if (id == null || !id.isTextual() || map == null || !map.isObject()) {
                throw new ConfigException(
                        "Configuration file "
                                + file
                                + ": every entry needs a string PropertyGroupId and an object PropertyMap, found "
                                + group);
            }
            Properties props = result.group(id.asText());
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                props.setProperty(
                        e.getKey(),
                        e.getValue().isValueNode()
                                ? e.getValue().asText()
                                : e.getValue().toString());
            }
        }
        return result;
    }

    /** Applies one {@code Group.key=value} override; the group is the text before the first dot. */
    public PropertyGroups set(String assignment) {
        int eq = assignment.indexOf('=');
        int dot = assignment.indexOf('.');
        if (eq < 0 || dot < 0 || dot > eq || dot == 0 || dot == eq - 1) {
            throw new ConfigException("--set expects Group.key=value, got '" + assignment + "'");
        }
        group(assignment.substring(0, dot))
                .setProperty(assignment.substring(dot + 1, eq), assignment.substring(eq + 1));
        return this;
    }

    public PropertyGroups set(String group, String key, String value) {
        group(group).setProperty(key, value);
        return this;
    }

    public Properties group(String id) {
        return groups.computeIfAbsent(id, k -> new Properties());
    }

    public Map<String, Properties> asMap() {
        return groups;
    }
}
