package io.traceassembler.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads declared options from runtime property groups. It keeps the declarations honest both ways:
 * a key in the input that no group declares is rejected (a typo never passes silently), and every
 * declared key must be read by the typed configuration, else start-up fails (a documented key is
 * always a working one).
 */
final class ConfigReader {
    private final Map<String, Properties> input;
    private final Map<String, Group> groups = new LinkedHashMap<>();

    ConfigReader(Map<String, Properties> input) {
        this.input = input;
    }

    Group group(OptionGroup declaration) {
        Group g = new Group(declaration, input.getOrDefault(declaration.id, new Properties()));
        groups.put(declaration.id, g);
        return g;
    }

    /**
     * Every key, as {@code Group.key}, with the value in force (given, or the default), in
     * declaration order.
     */
    Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        groups.forEach(
                (id, g) -> g.inForce.forEach((key, value) -> settings.put(id + "." + key, value)));
        return settings;
    }

    /**
     * Throws for a group or key of the input that is not declared; fails if a declared key was
     * never read.
     */
    void finish() {
        for (Map.Entry<String, Properties> e : input.entrySet()) {
            Group g = groups.get(e.getKey());
            if (g == null) {
                throw new ConfigException(
                        "Unknown property group '"
                                + e.getKey()
                                + "'; known groups: "
                                + groups.keySet());
            }
            Set<String> unknown = new TreeSet<>(e.getValue().stringPropertyNames());
            unknown.removeAll(g.declaredKeys());
            if (!unknown.isEmpty()) {
                throw new ConfigException(
                        "Unknown key(s) "
                                + unknown
                                + " in property group '"
                                + e.getKey()
                                + "'; known keys: "
                                + new TreeSet<>(g.declaredKeys()));
            }
        }
        for (Group g : groups.values()) {
            Set<String> unread = new TreeSet<>(g.declaredKeys());
            unread.removeAll(g.inForce.keySet());
            if (!unread.isEmpty()) {
                throw new IllegalStateException(
                        "Declared but never read: " + g.declaration.id + " " + unread);
            }
        }
    }

    /** How a default or parsed value is shown in the start-up log and the README table. */
    static String display(Object value) {
        if (value == null) {
            return "(none)";
        }
        if (value instanceof Duration) {
            return TimeUtils.formatWithHighestUnit((Duration) value);
        }
        if (value instanceof Double && ((Double) value) == Math.rint((Double) value)) {
            return Long.toString(((Double) value).longValue());
        }
        return value instanceof Enum ? ((Enum<?>) value).name() : value.toString();
    }

    /** One group's keys. */
    static final class Group {
        final OptionGroup declaration;
        private final Properties props;

        /** Key -> the value in force, in reading order. */
        private final Map<String, String> inForce = new LinkedHashMap<>();

        Group(OptionGroup declaration, Properties props) {
            this.declaration = declaration;
            this.props = props;
        }

        Set<String> declaredKeys() {
            return declaration.options.stream()
                    .map(ConfigOption::key)
                    .collect(Collectors.toCollection(HashSet::new));
        }

        /**
         * The option's value: given, or its default (null for an option without default that is not
         * given).
         */
        <T> T get(ConfigOption<T> option) {
            return get(option, option.hasDefaultValue() ? option.defaultValue() : null);
        }

        /**
         * As {@link #get(ConfigOption)}, with a default decided at start (for example from the
         * environment).
         */
        <T> T get(ConfigOption<T> option, T defaultInForce) {
            String raw = raw(option);
            inForce.put(option.key(), raw != null ? raw : display(defaultInForce));
            if (raw == null) {
                return defaultInForce;
            }
            Configuration single = new Configuration();
            single.setString(option.key(), raw);
            try {
                return single.get(option);
            } catch (IllegalArgumentException e) {
                throw invalid(option, raw, "expected " + expected(option));
            }
        }

        /**
         * A string option parsed into another type; {@code expected} says what a valid value looks
         * like.
         */
        <T> T parse(ConfigOption<String> option, Parser<T> parser, String expected) {
            String value = get(option);
            if (value == null) {
                return null;
            }
            try {
                return parser.parse(value);
            } catch (Exception e) {
                throw invalid(option, value, "expected " + expected);
            }
        }

        /** The group's {@code aws.region} / {@code aws.endpoint} pair. */
        AwsEndpoint aws() {
            return new AwsEndpoint(
                    get(AwsOptions.REGION, AwsOptions.defaultRegion()), get(AwsOptions.ENDPOINT));
        }

        ConfigException invalid(ConfigOption<?> option, Object value, String problem) {
            return new ConfigException(
                    declaration.id
                            + "."
                            + option.key()
                            + (value == null ? "" : " = '" + display(value) + "'")
                            + ": "
                            + problem);
        }

        void require(boolean condition, ConfigOption<?> option, Object value, String problem) {
            if (!condition) {
                throw invalid(option, value, problem);
            }
        }

        private String raw(ConfigOption<?> option) {
            if (!declaration.options.contains(option)) {
                throw new IllegalStateException(
                        declaration.id + "." + option.key() + " is read but not declared");
            }
            String v = props.getProperty(option.key());
            return v == null || v.isBlank() ? null : v.trim();
        }

        private static String expected(ConfigOption<?> option) {
            Object example = option.hasDefaultValue() ? option.defaultValue() : "";
            if (example instanceof Duration) {
                return "a duration such as '30 s', '500 ms' or '10 min'";
            }
            if (example instanceof Integer) {
                return "a whole number";
            }
            if (example instanceof Double) {
                return "a number";
            }
            if (example instanceof Boolean) {
                return "true or false";
            }
            if (example instanceof Enum) {
                return "one of "
                        + Arrays.toString(
                                ((Enum<?>) example).getDeclaringClass().getEnumConstants());
            }
            return "a text";
        }
    }

    interface Parser<T> {
        T parse(String value) throws Exception;
    }
}
