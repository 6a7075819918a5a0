package io.oth.install.phase;

import io.oth.install.InstallPlaybook;
import io.oth.install.Installer;
import io.oth.site.ServicePorts;
import io.oth.install.NodeLayout;
import io.oth.install.NodeServices;
import io.oth.install.ProgramBundle;
import io.oth.install.ServiceCertOp;
import io.oth.op.DirectoryOp;
import io.oth.op.FileOp;
import io.oth.op.KeptSettingOp;
import io.oth.op.Operation;
import io.oth.install.MinioAccessOp;
import io.oth.op.SystemUserOp;
import io.oth.op.UnpackOp;
import io.oth.phase.Target;
import io.oth.site.Addresses;
import io.oth.site.AppAccounts;
import io.oth.remote.Sha256;
import io.oth.secret.Secret;
import io.oth.template.Templates;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.oth.install.NodeLayout.MINIO_CERTS;
import static io.oth.install.NodeLayout.MINIO_DATA;
import static io.oth.install.NodeLayout.MINIO_HOME;
import static io.oth.install.NodeLayout.MINIO_USER;

/** MinIO on the storage node, with its certificate from the site CA, when object storage is local. */
public final class Objects extends LocalServicePhase {
    /**
     * The site secret MinIO's KMS key is made from (MinIO's single static key,
     * {@code MINIO_KMS_SECRET_KEY}, which seals each object's key under SSE-S3). It is kept in the
     * operator's secrets as well: a key kept only on the node is lost with the node, and with it
     * every object in the bucket.
     */
    public static final String KMS_SECRET = "minio.kms";
    /**
     * Why the KMS key is never replaced: a site state other than the one that installed the node
     * (another operator machine's, or a lost one made anew) has another secret.
     */
    static final String KMS_KEPT = keyKept("MinIO seals every object's key in the bucket with it", KMS_SECRET);
    /** The KMS key's name, which MinIO records with every object it seals. */
    static final String KMS_KEY_NAME = "oth-objects";

    private final Installer.Inputs inputs;
    private final ServicePorts ports;

    public Objects(InstallPlaybook.PhaseSpec spec, Installer.Inputs inputs, ServicePorts ports) {
        super(spec, "objects");
        this.inputs = inputs;
        this.ports = ports;
    }

    /** {@code NAME:BASE64}: 256 bits, the SHA-256 of the site's secret (which has about 190 random bits), as MinIO reads it. */
    static String kmsKey(Secret secret) {
        return KMS_KEY_NAME + ":" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(Sha256.hex(secret.reveal().getBytes(StandardCharsets.UTF_8))));
    }

    @Override
    List<Operation> local(Target t) {
        ProgramBundle minio = inputs.minio().orElseThrow();
        String bundle = NodeLayout.programBundle(MINIO_HOME, "minio", minio);
        Map<String, Object> vars = Map.of("user", MINIO_USER, "binary", MINIO_HOME + "current/minio", "data", MINIO_DATA, "pidfile", NodeLayout.MINIO_PID);
        String environment = "# Managed by oth: MinIO's settings; the root credentials are for oth and operators only.\n"
                + "MINIO_ROOT_USER=" + AppAccounts.OBJECTS_ROOT + "\nMINIO_ROOT_PASSWORD=" + inputs.secret(AppAccounts.OBJECTS_ROOT_SECRET).reveal() + "\n"
                + "MINIO_KMS_SECRET_KEY=" + kmsKey(inputs.secret(KMS_SECRET)) + "\n"
                + "MINIO_VOLUMES=" + MINIO_DATA + "\nMINIO_OPTS=\"--address " + Addresses.hostPort(t.node().address(), ports.minio()) + " --certs-dir "
                + MINIO_CERTS + "\"\n";
        return List.of(
                // First: a node whose objects are sealed under another key stops the phase before it changes anything.
                new KeptSettingOp(NodeLayout.minioEnvironment().path(), "MINIO_KMS_SECRET_KEY", Secret.of(kmsKey(inputs.secret(KMS_SECRET))), KMS_KEPT),
                new SystemUserOp(MINIO_USER),
                FileOp.binary(bundle, minio.blob(), "root:root", "0644"),
                new UnpackOp(bundle, MINIO_HOME + minio.id(), MINIO_HOME + "current", minio.sha256(), minio.contents().files().size(), Set.of(NodeServices.MINIO)),
                new DirectoryOp(MINIO_DATA, MINIO_USER + ":" + MINIO_USER, "0750"),
                new ServiceCertOp(inputs.ca(), ServerIdentity.of("minio", t), new ServiceCertOp.Files(MINIO_CERTS + "private.key",
                        MINIO_CERTS + "public.crt", MINIO_CERTS + "CAs/ca.pem", MINIO_USER + ":" + MINIO_USER), ServiceCertOp.Layout.CHAIN_AND_ROOT,
                        inputs.rotate().contains("minio"), Set.of(NodeServices.MINIO), inputs.clock()),
                FileOp.text(NodeLayout.minioEnvironment().path(), environment, NodeLayout.minioEnvironment().owner(), NodeLayout.minioEnvironment().mode()).secret().notifying(NodeServices.MINIO),
                FileOp.text("/etc/init.d/minio", Templates.render("minio/minio.init.peb", vars), "root:root", "0755").notifying(NodeServices.MINIO),
                FileOp.text("/etc/systemd/system/minio.service", Templates.render("minio/minio.service.peb", vars), "root:root", "0644")
                        .notifying(NodeServices.MINIO),
                MinioAccessOp.service(t.facts().init()));
    }
}
