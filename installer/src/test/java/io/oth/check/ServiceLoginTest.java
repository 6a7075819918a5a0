package io.oth.check;

import com.rabbitmq.client.AuthenticationFailureException;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a failed login is classified, from the exceptions the three clients throw. */
class ServiceLoginTest {

    @Test
    void tlsFailuresAreFoundAnywhereInTheCauseChain() {
        assertEquals(ServiceLogin.Trouble.TLS, ServiceLogin.trouble(new SQLException("Could not connect", "08000", 0,
                new SSLHandshakeException("PKIX path building failed"))));
        assertEquals(ServiceLogin.Trouble.TLS, ServiceLogin.trouble(new IOException(new java.security.cert.CertificateException(
                "the certificate does not name 10.77.0.20"))));
    }

    @Test
    void refusedLoginsAreAuthenticationFailures() {
        assertEquals(ServiceLogin.Trouble.AUTHENTICATION, ServiceLogin.trouble(new SQLInvalidAuthorizationSpecException(
                "(conn=12) Access denied for user 'oth'@'10.77.0.101' (using password: YES)", "28000", 1045)));
        assertEquals(ServiceLogin.Trouble.AUTHENTICATION, ServiceLogin.trouble(new AuthenticationFailureException(
                "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN")));
        assertEquals(ServiceLogin.Trouble.AUTHENTICATION, ServiceLogin.trouble(new IOException("channel error",
                new RuntimeException("NOT_ALLOWED - access to vhost 'oth' refused for user 'oth-app'"))));
        assertEquals(ServiceLogin.Trouble.AUTHENTICATION, ServiceLogin.trouble(new io.oth.minio.MinioRefusal(403, "AccessDenied", "")));
        assertEquals(ServiceLogin.Trouble.OTHER, ServiceLogin.trouble(new io.oth.minio.MinioRefusal(500, "InternalError", "")));
    }

    @Test
    void connectionsThatCloseOrStallAreToldApart() {
        assertEquals(ServiceLogin.Trouble.TIMEOUT, ServiceLogin.trouble(new SQLException("timed out", new SocketTimeoutException("Read timed out"))));
        assertEquals(ServiceLogin.Trouble.TIMEOUT, ServiceLogin.trouble(new java.util.concurrent.TimeoutException()));
        // OkHttp's call timeout (the MinIO login) closes the socket under the call
        IOException okhttp = new java.io.InterruptedIOException("timeout");
        okhttp.initCause(new java.net.SocketException("Socket closed"));
        assertEquals(ServiceLogin.Trouble.TIMEOUT, ServiceLogin.trouble(okhttp));
        assertEquals("the request timed out", ServiceLogin.timedOut(okhttp));
        assertEquals("Read timed out", ServiceLogin.timedOut(new SQLException("timed out", new SocketTimeoutException("Read timed out"))));
        assertEquals(ServiceLogin.Trouble.CONNECTION, ServiceLogin.trouble(new IOException(new java.io.EOFException())));
        assertEquals(ServiceLogin.Trouble.CONNECTION, ServiceLogin.trouble(new ConnectException("Connection refused")));
        assertEquals(ServiceLogin.Trouble.OTHER, ServiceLogin.trouble(new IllegalStateException("bucket oth does not exist")));
    }

    @Test
    void theReasonIsTheInnermostMessageOnOneShortLine() {
        assertEquals("PKIX path building failed", ServiceLogin.reason(new SQLException("outer", new SSLHandshakeException("PKIX path building failed"))));
        assertEquals("first", ServiceLogin.reason(new IOException("first\nsecond")));
        assertEquals(160, ServiceLogin.reason(new IOException("x".repeat(500))).length());
    }
}
