package io.oth.install;

import io.oth.ca.CaException;
import io.oth.ca.CertificateStatus;
import io.oth.ca.IssuedCertificate;
import io.oth.ca.ServiceIdentity;
import io.oth.ca.SiteCa;
import io.oth.op.Change;
import io.oth.op.Operation;
import io.oth.op.Probe;
import io.oth.remote.Command;
import io.oth.remote.Failure;
import io.oth.remote.RemoteException;
import io.oth.remote.Upload;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A service's TLS certificate from the site CA, with its own key, on the node that runs it. A new
 * one is issued (fresh key, short validity) when there is none, when it is not from this CA, when
 * its names differ, when it expires within the renewal window, or when rotation is asked for.
 *
 * @param layout how the service wants its files: which certificates go in the certificate file and
 *               which in the CA file
 */
public record ServiceCertOp(SiteCa ca, ServiceIdentity id, Files files, Layout layout, boolean rotate, Set<String> notifies, Clock clock)
        implements Operation {

    /** Where the key, the certificate and the CA file go, and who owns the key. */
    public record Files(String key, String certificate, String authorities, String keyOwner) {
    }

    /** What each service expects in its certificate and CA files. */
    public enum Layout {
        /** certificate = leaf + intermediate, CA file = root (MariaDB, MinIO). */
        CHAIN_AND_ROOT,
        /** certificate = leaf, CA file = intermediate + root (RabbitMQ). */
        LEAF_AND_CHAIN;

        String certificate(IssuedCertificate c) {
            return this == CHAIN_AND_ROOT ? c.fullChainPem() : c.certPem();
        }

        String authorities(IssuedCertificate c) {
            return this == CHAIN_AND_ROOT ? c.rootPem() : c.chainPem();
        }
    }

    @Override
    public String subject() {
        return "certificate of " + id.service() + " on " + id.node();
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe(key(), "cat -- " + Command.quote(files.certificate())));
    }

    @Override
    public Optional<Change> plan(Map<String, Probe.Answer> answers, Set<String> notified) {
        Probe.Answer answer = answers.get(key());
        Optional<String> reason = answer.ok() ? reasonToReplace(answer.output()) : Optional.of("there is none");
        if (rotate) {
            reason = Optional.of("rotation asked for");
        }
        if (reason.isEmpty()) {
            return Optional.empty();
        }
        String why = reason.get();
        return Optional.of(new Change.Uploading() {
            @Override
            public String summary() {
                return "issue a new " + SiteCa.DEFAULT_VALIDITY.toDays() + "-day certificate for " + id.service() + " on " + id.node() + " (" + why + ")";
            }

            @Override
            public Set<String> notifies() {
                return notifies;
            }

            /** Issues the certificate now, when it is applied: its key, its chain and itself, in one round trip. */
            @Override
            public List<Upload> uploads(String host) throws RemoteException {
                IssuedCertificate issued;
                try {
                    issued = ca.issue(id);
                } catch (CaException e) {
                    throw new RemoteException(host, Failure.COMMAND_FAILED, "the site CA could not issue: " + e.getMessage());
                }
                String owner = files.keyOwner();
                return List.of(new Upload(layout.authorities(issued).getBytes(StandardCharsets.UTF_8), files.authorities(), "root:root", "0644", null),
                        new Upload(issued.keyPem().getBytes(StandardCharsets.UTF_8), files.key(), owner, "0600", null),
                        new Upload(layout.certificate(issued).getBytes(StandardCharsets.UTF_8), files.certificate(), "root:root", "0644", null));
            }
        });
    }

    @Override
    public String noChange(Map<String, Probe.Answer> answers, Set<String> notified) {
        return "the certificate on the node is from the site CA, names this node and is not due for renewal";
    }

    private Optional<String> reasonToReplace(String pem) {
        X509Certificate cert;
        try {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            return Optional.of("the file on the node is not a certificate");
        }
        CertificateStatus status = ca.status(cert);
        if (!status.issuedByThisCa()) {
            return Optional.of("not issued by this site's CA");
        }
        if (SiteCa.needsRenewal(cert, clock)) {
            return Optional.of("expires in " + status.daysLeft() + " days");
        }
        Set<String> wanted = new TreeSet<>(id.dnsNames());
        wanted.addAll(id.ipAddresses());
        if (!names(cert).equals(wanted)) {
            return Optional.of("its names " + names(cert) + " are not " + wanted);
        }
        return Optional.empty();
    }

    private static Set<String> names(X509Certificate cert) {
        Set<String> names = new TreeSet<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
                names.add(String.valueOf(san.get(1)));
            }
        } catch (CertificateParsingException e) {
            names.add("(unreadable)");
        }
        return names;
    }

    private String key() {
        return "cert:" + files.certificate();
    }
}
