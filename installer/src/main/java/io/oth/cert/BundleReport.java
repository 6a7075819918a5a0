package io.oth.cert;

import java.util.List;
import java.util.stream.Collectors;

/** Everything found in one bundle file, and the parts that could be read from it. */
public record BundleReport(String file, List<Finding> findings, CertificateBundle bundle) {

    public BundleReport {
        findings = List.copyOf(findings);
    }

    static BundleReport of(String file, Finding finding) {
        return new BundleReport(file, List.of(finding), CertificateBundle.EMPTY);
    }

    public boolean hasErrors() {
        return !errors().isEmpty();
    }

    public List<Finding> errors() {
        return findings.stream().filter(f -> f.severity() == Severity.ERROR).toList();
    }

    public List<Finding> warnings() {
        return findings.stream().filter(f -> f.severity() == Severity.WARNING).toList();
    }

    /** The codes in the order they were found, one per finding. */
    public List<FindingCode> codes() {
        return findings.stream().map(Finding::code).toList();
    }

    @Override
    public String toString() {
        if (findings.isEmpty()) {
            return file + ": ok (" + bundle + ")";
        }
        return file + ": " + errors().size() + " error(s), " + warnings().size() + " warning(s)\n"
                + findings.stream().map(f -> "  " + f).collect(Collectors.joining("\n"));
    }
}
