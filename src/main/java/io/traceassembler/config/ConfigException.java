package io.traceassembler.config;

/** A configuration problem, with a message that names the group, key and value at fault. */
public class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
