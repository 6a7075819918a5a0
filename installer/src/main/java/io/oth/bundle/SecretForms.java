package io.oth.bundle;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The texts whose presence in a support bundle proves that a secret leaked: the value itself and
 * the encodings a program may have written it in (base64, base64url, hex, URL-encoded,
 * JSON-escaped). A multi-line value also leaks through any one of its lines of
 * {@value #MIN_LINE} characters or more, and a PEM private key through its DER as one line of
 * base64. redact.pl on the node redacts the same forms.
 *
 * <p>Forms shorter than {@value #MIN_LENGTH} characters are left out: they would be found by
 * chance in unrelated text, and a bundle refused for them would be refused for nothing.
 */
public final class SecretForms {
    public static final int MIN_LENGTH = 8;
    public static final int MIN_LINE = 16;

    private static final Pattern PEM = Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(.*?)-----END [A-Z0-9 ]*PRIVATE KEY-----", Pattern.DOTALL);
    private static final Pattern PEM_HEADER = Pattern.compile("(?m)^[^\\n]*:[^\\n]*$");
    private static final Pattern NOT_BASE64 = Pattern.compile("[^A-Za-z0-9+/=]");

    /** One form: its name says how the value was encoded; {@link #toString()} never shows the text. */
    public record Form(String name, String text) {
        @Override
        public String toString() {
            return name;
        }
    }

    private SecretForms() {
    }

    /** Every distinct form of {@code value} of {@value #MIN_LENGTH} characters or more, the plain value first. */
    public static List<Form> of(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        String urlEncoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
        Map<String, String> forms = new LinkedHashMap<>();
        forms.putIfAbsent(value, "plain");
        forms.putIfAbsent(new String(JsonStringEncoder.getInstance().quoteAsString(value)), "JSON-escaped");
        forms.putIfAbsent(Base64.getEncoder().encodeToString(bytes), "base64");
        forms.putIfAbsent(Base64.getEncoder().withoutPadding().encodeToString(bytes), "base64 without padding");
        forms.putIfAbsent(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), "base64url");
        forms.putIfAbsent(HexFormat.of().formatHex(bytes), "hex");
        forms.putIfAbsent(HexFormat.of().withUpperCase().formatHex(bytes), "upper-case hex");
        forms.putIfAbsent(urlEncoded, "URL-encoded");
        forms.putIfAbsent(urlEncoded.replace("+", "%20"), "URL-encoded with %20");
        String[] lines = value.split("\r?\n", -1);
        if (lines.length > 1) {
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.length() >= MIN_LINE && !line.startsWith("-----") && !line.startsWith("Proc-Type:") && !line.startsWith("DEK-Info:")) {
                    forms.putIfAbsent(line, "line " + (i + 1));
                }
            }
        }
        Matcher pem = PEM.matcher(value);
        if (pem.find()) {
            forms.putIfAbsent(keyMaterial(pem.group(1)), "DER as base64");
        }
        List<Form> result = new ArrayList<>();
        forms.forEach((text, name) -> {
            if (text.length() >= MIN_LENGTH) {
                result.add(new Form(name, text));
            }
        });
        return List.copyOf(result);
    }

    /** A key block's body as one line of base64: without its headers ({@code Proc-Type:}, {@code DEK-Info:}) and line breaks. */
    private static String keyMaterial(String body) {
        return NOT_BASE64.matcher(PEM_HEADER.matcher(body).replaceAll("")).replaceAll("");
    }
}
