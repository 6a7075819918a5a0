package io.oth.install;

import io.oth.minio.MinioRefusal;
import io.oth.op.Change;
import io.oth.op.InitSystem;
import io.oth.op.Probe;
import io.oth.secret.Secret;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Facts in (as MinIO's APIs answer), plan out: no MinIO needed. */
class MinioAccessOpTest {
    private static final String SECRET = "app-secret-value-123";
    private static final String ROOT = "root-secret-value-456";
    /** The policy as MinIO's info-canned-policy prints it back: indented, its own order. */
    private static final String AS_MINIO_SHOWS_IT = """
            {
             "Version": "2012-10-17",
             "Statement": [
              {
               "Effect": "Allow",
               "Action": [
                "s3:*"
               ],
               "Resource": [
                "arn:aws:s3:::oth/*",
                "arn:aws:s3:::oth"
               ]
              }
             ]
            }""";
    private final MinioAccessOp op = new MinioAccessOp(new MinioAccessOp.Endpoint("10.77.0.20", 9000, null, "oth-admin", Secret.of(ROOT)),
            "oth", "oth-app", "oth-app", Secret.of(SECRET), InitSystem.SYSV);

    private static Map<String, Probe.Answer> asWanted() {
        return asWanted("oth-app");
    }

    /** The facts of a user whose account is as wanted; the user's name is in each key. */
    private static Map<String, Probe.Answer> asWanted(String user) {
        Map<String, Probe.Answer> facts = new HashMap<>();
        facts.put(MinioAccessOp.ADMIN + ":" + user, new Probe.Answer(0, "answering"));
        facts.put(MinioAccessOp.BUCKET + ":" + user, new Probe.Answer(0, "present"));
        facts.put(MinioAccessOp.ENCRYPTION + ":" + user, new Probe.Answer(0, "AES256"));
        facts.put(MinioAccessOp.POLICY + ":" + user, new Probe.Answer(0, AS_MINIO_SHOWS_IT));
        facts.put(MinioAccessOp.USER + ":" + user, new Probe.Answer(0, "enabled " + user));
        facts.put(MinioAccessOp.LOGIN + ":" + user, new Probe.Answer(0, "ok"));
        return facts;
    }

    private Optional<Change> plan(Map<String, Probe.Answer> facts) {
        return op.plan(facts, Set.of());
    }

    private String summary(Map<String, Probe.Answer> facts) {
        String summary = plan(facts).orElseThrow().summary();
        assertFalse(summary.contains(SECRET) || summary.contains(ROOT), "no secret in the plan: " + summary);
        return summary;
    }

    @Test
    void aMinioThatIsAsWantedIsLeftAlone() {
        assertTrue(plan(asWanted()).isEmpty());
    }

    @Test
    void aFreshMinioGetsBucketPolicyUserAndAttachment() {
        Map<String, Probe.Answer> facts = asWanted();
        facts.put(MinioAccessOp.BUCKET + ":oth-app", new Probe.Answer(1, "absent"));
        facts.put(MinioAccessOp.ENCRYPTION + ":oth-app", new Probe.Answer(1, "off"));
        facts.put(MinioAccessOp.POLICY + ":oth-app", new Probe.Answer(1, "absent"));
        facts.put(MinioAccessOp.USER + ":oth-app", new Probe.Answer(1, "absent"));
        facts.put(MinioAccessOp.LOGIN + ":oth-app", new Probe.Answer(1, "InvalidAccessKeyId"));
        assertEquals("object storage account: make bucket oth, turn on its default encryption (SSE-S3), create policy oth-app (S3 on bucket oth only), "
                + "create user oth-app (secret minio.oth-app), attach policy oth-app to oth-app", summary(facts));
    }

    @Test
    void aDeletedUserIsMadeAgainAndGetsItsPolicyBack() {
        Map<String, Probe.Answer> facts = asWanted();
        facts.put(MinioAccessOp.USER + ":oth-app", new Probe.Answer(1, "absent"));
        facts.put(MinioAccessOp.LOGIN + ":oth-app", new Probe.Answer(1, "InvalidAccessKeyId"));
        assertEquals("object storage account: create user oth-app (secret minio.oth-app), attach policy oth-app to oth-app", summary(facts));
    }

    @Test
    void aSecretMinioRefusesIsSetAgain() {
        Map<String, Probe.Answer> facts = asWanted();
        facts.put(MinioAccessOp.LOGIN + ":oth-app", new Probe.Answer(1, "SignatureDoesNotMatch"));
        assertEquals("object storage account: set the secret of oth-app (MinIO refused it: \"SignatureDoesNotMatch\")", summary(facts));
    }

    @Test
    void onlyARefusedSignatureSaysTheSecretIsWrongAndAServerInTroubleSaysNothing() throws Exception {
        for (String code : List.of("SignatureDoesNotMatch", "InvalidAccessKeyId")) {
            assertEquals(new Probe.Answer(1, code), MinioAccessOp.login(new MinioRefusal(403, code, "")));
        }
        assertEquals(new Probe.Answer(1, "HTTP403"), MinioAccessOp.login(new MinioRefusal(403, "HTTP403", "")));
        // taken the signature, then refused: the secret works
        assertEquals(new Probe.Answer(0, "ok"), MinioAccessOp.login(new MinioRefusal(403, "AccessDenied", "")));
        assertEquals(new Probe.Answer(0, "ok"), MinioAccessOp.login(new MinioRefusal(404, "NoSuchBucket", "")));
        assertEquals(new Probe.Answer(0, "ok"), MinioAccessOp.login(new MinioRefusal(404, "NoSuchKey", "")));
        // says nothing of the secret: the read fails with MinIO's answer
        for (MinioRefusal trouble : List.of(new MinioRefusal(500, "InternalError", ""), new MinioRefusal(503, "SlowDown", ""),
                new MinioRefusal(403, "RequestTimeTooSkewed", ""))) {
            assertSame(trouble, assertThrows(MinioRefusal.class, () -> MinioAccessOp.login(trouble)));
        }
    }

    @Test
    void aBucketWithoutDefaultEncryptionGetsItAndItsObjectsEncrypted() {
        Map<String, Probe.Answer> facts = asWanted();
        facts.put(MinioAccessOp.ENCRYPTION + ":oth-app", new Probe.Answer(1, "off"));
        assertEquals("object storage account: turn on default encryption (SSE-S3) for bucket oth and encrypt the objects already in it",
                summary(facts));
    }

    @Test
    void aDisabledUserIsEnabled() {
        Map<String, Probe.Answer> facts = asWanted();
        facts.put(MinioAccessOp.USER + ":oth-app", new Probe.Answer(0, "disabled oth-app"));
        assertEquals("object storage account: enable user oth-app", summary(facts));
    }

    @Test
    void otherPoliciesOnTheUserAreDetached() {
        Map<String, Probe.Answer> facts = asWanted();
        facts.put(MinioAccessOp.USER + ":oth-app", new Probe.Answer(0, "enabled readwrite,oth-app"));
        assertEquals("object storage account: detach readwrite from oth-app", summary(facts));
        facts.put(MinioAccessOp.USER + ":oth-app", new Probe.Answer(0, "enabled readwrite"));
        assertEquals("object storage account: attach policy oth-app to oth-app, detach readwrite from oth-app", summary(facts));
    }

    @Test
    void aPolicyThatReachesFurtherIsRewritten() {
        Map<String, Probe.Answer> facts = asWanted();
        facts.put(MinioAccessOp.POLICY + ":oth-app", new Probe.Answer(0, AS_MINIO_SHOWS_IT.replace("\"arn:aws:s3:::oth\"", "\"arn:aws:s3:::*\"")));
        assertEquals("object storage account: rewrite policy oth-app (S3 on bucket oth only)", summary(facts));
        facts.put(MinioAccessOp.POLICY + ":oth-app", new Probe.Answer(0, AS_MINIO_SHOWS_IT.replace("\"Effect\": \"Allow\",",
                "\"Effect\": \"Allow\", \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": \"10.0.0.0/8\"}},")));
        assertEquals("object storage account: rewrite policy oth-app (S3 on bucket oth only)", summary(facts));
    }

    @Test
    void policiesAreComparedByMeaning() {
        assertTrue(MinioAccessOp.samePolicy(op.policyDocument(), AS_MINIO_SHOWS_IT));
        assertTrue(MinioAccessOp.samePolicy(op.policyDocument(), "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"app\",\"Effect\":\"Allow\","
                + "\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::oth\",\"arn:aws:s3:::oth/*\"]}]}"));
        assertFalse(MinioAccessOp.samePolicy(op.policyDocument(), op.policyDocument().replace("Allow", "Deny")));
        assertFalse(MinioAccessOp.samePolicy(op.policyDocument(), "not json"));
    }

    @Test
    void theBackupKeysPolicyAllowsOnlyWhatTheBackupScriptDoes() {
        MinioAccessOp backup = new MinioAccessOp(new MinioAccessOp.Endpoint("10.77.0.20", 9000, null, "oth-admin", Secret.of(ROOT)),
                "oth", "oth-backup", "oth-backup", Secret.of(SECRET), InitSystem.SYSV, BackupStore.ACTIONS);
        assertTrue(MinioAccessOp.samePolicy(backup.policyDocument(), "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Action\":[\"s3:ListBucket\",\"s3:PutObject\",\"s3:GetObject\",\"s3:DeleteObject\"],"
                + "\"Resource\":[\"arn:aws:s3:::oth\",\"arn:aws:s3:::oth/*\"]}]}"), backup.policyDocument());
        assertFalse(MinioAccessOp.samePolicy(backup.policyDocument(), op.policyDocument()), "not the application's s3:*");
        Map<String, Probe.Answer> facts = new HashMap<>(asWanted("oth-backup"));
        facts.put(MinioAccessOp.POLICY + ":oth-backup", new Probe.Answer(1, MinioAccessOp.ABSENT));
        facts.put(MinioAccessOp.USER + ":oth-backup", new Probe.Answer(1, MinioAccessOp.ABSENT));
        assertEquals("object storage account: create policy oth-backup (s3:PutObject, s3:GetObject, s3:ListBucket, s3:DeleteObject on bucket oth only), "
                + "create user oth-backup (secret minio.oth-backup), attach policy oth-backup to oth-backup",
                backup.plan(facts, java.util.Set.of()).orElseThrow().summary());
    }

    @Test
    void aMinioThatDoesNotAnswerGetsEverythingSetAndSaysWhy() {
        String summary = summary(Map.of(MinioAccessOp.ADMIN + ":oth-app", new Probe.Answer(1, "the minio service is not running")));
        assertEquals("object storage account: MinIO did not answer (\"the minio service is not running\"): bucket oth and its default "
                + "encryption (SSE-S3), policy oth-app, user oth-app and its policy will be set", summary);
    }

    /**
     * A MinIO that runs and did not answer the read within its patience (hung): the plan refuses,
     * naming why, rather than setting everything through a MinIO that would keep the changes waiting as long.
     */
    @Test
    void aRunningMinioThatDidNotAnswerTheReadIsARefusalNotAPlanToSetEverything() {
        Change change = op.plan(Map.of(MinioAccessOp.ADMIN + ":oth-app", new Probe.Answer(1, "it took the connection and did not answer within 60 s")),
                java.util.Set.of()).orElseThrow();
        assertEquals("object storage account: cannot read MinIO's accounts: MinIO did not answer (\"it took the connection and did not answer"
                + " within 60 s\")", change.summary());
        io.oth.remote.RemoteException refused = org.junit.jupiter.api.Assertions.assertThrows(io.oth.remote.RemoteException.class,
                () -> change.apply(io.oth.op.TestApply.on(new io.oth.remote.RecordingHost("storage"))));
        assertEquals("storage: remote operation failed: cannot read MinIO's accounts: MinIO did not answer (\"it took the connection and did not"
                + " answer within 60 s\")", refused.getMessage());
    }

    @Test
    void whetherMinioRunsIsAskedInThePhasesRoundOfProbesNotInASessionOfItsOwn() throws Exception {
        Probe running = MinioAccessOp.service(InitSystem.SYSV).probes().get(0);
        assertEquals(java.util.List.of(running), op.probes(), "the service's own probe");
        MinioRetiredUserOp retired = new MinioRetiredUserOp(new MinioAccessOp.Endpoint("10.77.0.20", 9000, null, "oth-admin", Secret.of(ROOT)),
                "oth-app-old", InitSystem.SYSV);
        assertEquals(java.util.List.of(running), retired.probes());
        assertEquals(1, Probe.distinct(java.util.List.of(running, running, running)).size(), "asked once for the phase's three accounts");

        io.oth.remote.RecordingHost host = new io.oth.remote.RecordingHost("storage");
        Map<String, Probe.Answer> stopped = Map.of(running.key(), new Probe.Answer(1, ""));
        assertEquals(new Probe.Answer(1, "the minio service is not running"), op.read(host, stopped).get(op.key(MinioAccessOp.ADMIN)));
        assertEquals(1, retired.read(host, stopped).size());
        assertEquals(java.util.List.of(), host.commands(), "the answer given is used: no session");

        // A caller that asked no probe (the doctor's check) gets the answer from a session of its own.
        host.when("minio.pid", new io.oth.remote.CommandResult(1, "", ""));
        assertEquals(new Probe.Answer(1, "the minio service is not running"), op.read(host, Map.of()).get(op.key(MinioAccessOp.ADMIN)));
        assertEquals(1, host.commands().size());
    }
}
