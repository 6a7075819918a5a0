package io.oth.standin;

/** A configuration the stand-in refuses; the message names the file and the key path. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
