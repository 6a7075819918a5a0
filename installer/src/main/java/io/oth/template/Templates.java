package io.oth.template;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.loader.ClasspathLoader;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Renders the templates in {@code templates/<component>/} (packaged on the classpath) with Pebble.
 * Variables are strict: a name the template uses but the caller did not give is an error, never an
 * empty string in a config file.
 */
public final class Templates {
    private static final PebbleEngine ENGINE = engine();

    private Templates() {
    }

    private static PebbleEngine engine() {
        ClasspathLoader loader = new ClasspathLoader(Templates.class.getClassLoader());
        loader.setPrefix("templates");
        return new PebbleEngine.Builder()
                .loader(loader)
                .strictVariables(true)
                .autoEscaping(false)
                .newLineTrimming(false)
                .cacheActive(true)
                .build();
    }

    /** Renders {@code name} (e.g. {@code haproxy/haproxy.cfg.peb}) with {@code variables}. */
    public static String render(String name, Map<String, ?> variables) {
        StringWriter out = new StringWriter();
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> context = (Map<String, Object>) variables;
            ENGINE.getTemplate(name).evaluate(out, context);
        } catch (PebbleException e) {
            throw new TemplateException("template " + name + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A template that could not be rendered: a defect in oth or its templates, not in the site. */
    public static final class TemplateException extends RuntimeException {
        TemplateException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
