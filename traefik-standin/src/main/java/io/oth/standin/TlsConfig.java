package io.oth.standin;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The honoured part of the dynamic configuration's {@code tls} section: the certificates the TLS
 * entry points serve (chosen by the client's SNI name) and the named TLS options (client
 * authentication against CA files, minimum version). Files are read when the configuration is
 * loaded, as traefik's file provider does: a new certificate is served once the dynamic
 * configuration is reloaded.
 */
record TlsConfig(List<Certificate> certificates, Map<String, Options> options) {

    /** traefik's TLS options that apply where an entry point or router names none. */
    static final String DEFAULT_OPTIONS = "default";

    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    /** A certificate chain (leaf first), its key, and the names it answers to (its SANs). */
    record Certificate(List<X509Certificate> chain, PrivateKey key, List<String> names) {
        boolean answers(String sniName) {
            String name = sniName.toLowerCase(Locale.ROOT).replaceFirst("\\.$", "");
            return names.stream().anyMatch(n -> n.equals(name));
        }
    }

    /** How a TLS connection is made: whether a client certificate is required, and against which CAs. */
    enum ClientAuth {
        NO_CLIENT_CERT("NoClientCert"), VERIFY_CLIENT_CERT_IF_GIVEN("VerifyClientCertIfGiven"),
        REQUIRE_AND_VERIFY_CLIENT_CERT("RequireAndVerifyClientCert");

        private final String traefikName;

        ClientAuth(String traefikName) {
            this.traefikName = traefikName;
        }
    }

    /** {@code tls.options.NAME}: {@code caFiles} is empty when no client certificate is verified. */
    record Options(String name, ClientAuth clientAuth, List<X509Certificate> caFiles, String minVersion) {
    }

    /** traefik's own default options: no client certificate, TLS 1.2 and newer. */
    static Options defaultOptions() {
        return new Options(DEFAULT_OPTIONS, ClientAuth.NO_CLIENT_CERT, List.of(), "TLSv1.2");
    }

    static TlsConfig empty() {
        return new TlsConfig(List.of(), Map.of());
    }

    /** The {@code tls} sections of every file of the provider; the same options name twice is refused. */
    static TlsConfig load(List<ConfigNode> roots) throws ConfigException {
        List<Certificate> certificates = new ArrayList<>();
        Map<String, Options> options = new LinkedHashMap<>();
        Map<String, ConfigNode> optionNodes = new LinkedHashMap<>();
        for (ConfigNode root : roots) {
            ConfigNode tls = root.get("tls").allow("certificates", "options");
            for (ConfigNode certificate : tls.get("certificates").list()) {
                certificates.add(certificate(certificate.allow("certFile", "keyFile")));
            }
            for (Map.Entry<String, ConfigNode> entry : tls.get("options").entries().entrySet()) {
                ConfigNode first = optionNodes.putIfAbsent(entry.getKey(), entry.getValue());
                if (first != null) {
                    throw entry.getValue().error("already defined in " + first.file());
                }
                options.put(entry.getKey(), options(entry.getKey(), entry.getValue()));
            }
        }
        return new TlsConfig(List.copyOf(certificates), options);
    }

    /** The options of that name; {@code default} may be left undefined, as in traefik. */
    Options options(String name) {
        Options found = options.get(name);
        return found != null || !name.equals(DEFAULT_OPTIONS) ? found : defaultOptions();
    }

    /** The certificate for a client's SNI name, or none: the stand-in has no default certificate. */
    Certificate certificateFor(String sniName) {
        if (sniName == null) {
            return null;
        }
        return certificates.stream().filter(c -> c.answers(sniName)).findFirst().orElse(null);
    }

    private static Certificate certificate(ConfigNode node) throws ConfigException {
        ConfigNode certFile = node.get("certFile");
        ConfigNode keyFile = node.get("keyFile");
        List<X509Certificate> chain = certificates(certFile);
        if (chain.isEmpty()) {
            throw certFile.error("no certificate in " + certFile.string());
        }
        PrivateKey key = key(keyFile);
        if (!matches(chain.get(0), key)) {
            throw keyFile.error("the key in " + keyFile.string() + " is not the key of the certificate in " + certFile.string());
        }
        return new Certificate(List.copyOf(chain), key, names(chain.get(0)));
    }

    private static Options options(String name, ConfigNode node) throws ConfigException {
        node.allow("minVersion", "clientAuth");
        String minVersion = switch (node.get("minVersion").string("VersionTLS12")) {
            case "VersionTLS12" -> "TLSv1.2";
            case "VersionTLS13" -> "TLSv1.3";
            default -> throw node.get("minVersion").error("the stand-in honours VersionTLS12 and VersionTLS13");
        };
        ConfigNode clientAuth = node.get("clientAuth").allow("caFiles", "clientAuthType");
        ConfigNode type = clientAuth.get("clientAuthType");
        String typeName = type.string("NoClientCert");
        ClientAuth auth = null;
        for (ClientAuth candidate : ClientAuth.values()) {
            if (candidate.traefikName.equals(typeName)) {
                auth = candidate;
            }
        }
        if (auth == null) {
            throw type.error("the stand-in honours NoClientCert, VerifyClientCertIfGiven and RequireAndVerifyClientCert, not \""
                    + typeName + "\"");
        }
        List<X509Certificate> cas = new ArrayList<>();
        for (ConfigNode caFile : clientAuth.get("caFiles").list()) {
            List<X509Certificate> read = certificates(caFile);
            if (read.isEmpty()) {
                throw caFile.error("no certificate in " + caFile.string());
            }
            cas.addAll(read);
        }
        if (auth != ClientAuth.NO_CLIENT_CERT && cas.isEmpty()) {
            // traefik would verify against the system's CAs; a lab client certificate never chains to those.
            throw clientAuth.error(typeName + " needs caFiles: the stand-in verifies client certificates only against them");
        }
        return new Options(name, auth, List.copyOf(cas), minVersion);
    }

    private static List<X509Certificate> certificates(ConfigNode node) throws ConfigException {
        byte[] bytes = read(node);
        try {
            List<X509Certificate> certificates = new ArrayList<>();
            for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes))) {
                certificates.add((X509Certificate) c);
            }
            return certificates;
        } catch (CertificateException e) {
            throw node.error("not PEM certificates: " + node.string());
        }
    }

    /** An unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}), EC or RSA. Never quotes the file. */
    private static PrivateKey key(ConfigNode node) throws ConfigException {
        Matcher pem = PEM_KEY.matcher(new String(read(node), StandardCharsets.US_ASCII));
        if (!pem.find()) {
            throw node.error("no PKCS#8 key (BEGIN PRIVATE KEY) in " + node.string() + ": the stand-in reads no other key format");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.group(1));
        } catch (IllegalArgumentException e) {
            throw node.error("damaged key in " + node.string());
        }
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw node.error("damaged key in " + node.string() + " (neither EC nor RSA)");
    }

    private static byte[] read(ConfigNode node) throws ConfigException {
        Path file = Path.of(node.string());
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw node.error("cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /** Whether {@code key} is the private half of the certificate's public key: sign, then verify. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] probe = "traefik stand-in key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The DNS names and IP addresses of the certificate's subjectAltName, lower case. */
    private static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
                if (san.get(0) instanceof Integer kind && (kind == 2 || kind == 7)) {
                    names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
                }
            }
        } catch (CertificateParsingException e) {
            // no usable names: the certificate answers no SNI name
        }
        return names;
    }
}
