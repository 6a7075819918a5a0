package io.oth.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.sql.SQLNonTransientConnectionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FailureReasonTest {

    @Test
    void theNetworkCauseWinsOverTheDriversWrapper() {
        Exception refused = new SQLNonTransientConnectionException("Socket fail to connect to address=(host=db-1)",
                "08000", new ConnectException("Connection refused"));
        assertEquals("connection refused", FailureReason.describe(refused));
        assertEquals("timed out", FailureReason.describe(new IOException(new SocketTimeoutException("Read timed out"))));
        assertEquals("unknown host db-9", FailureReason.describe(new UnknownHostException("db-9")));
    }

    @Test
    void aTlsFailureShowsItsDeepestMessage() {
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
        handshake.initCause(new CertificateException("No subject alternative names matching IP address 10.0.1.5 found"));
        assertEquals("TLS: No subject alternative names matching IP address 10.0.1.5 found",
                FailureReason.describe(new IOException("handshake", handshake)));
    }

    @Test
    void oneShortLineAndNoSecret() {
        Exception echoed = new IllegalStateException("login as oth with hunter2 failed\n\tat Some.frame(Some.java:1)");
        assertEquals("login as oth with *** failed", FailureReason.describe(echoed, new Secret("hunter2")));
        assertEquals(200, FailureReason.describe(new IOException("x".repeat(500))).length());
        assertEquals("IOException", FailureReason.describe(new IOException()));
    }
}
