package io.oth.remote;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CausesTest {
    @Test
    void aCauseIsFoundHoweverDeepAndOnlyIfThere() {
        IOException wrapped = new IOException("transport", new IOException("read", new SocketTimeoutException("Read timed out")));
        assertTrue(Causes.include(wrapped, SocketTimeoutException.class));
        assertTrue(Causes.include(wrapped, IOException.class));
        assertFalse(Causes.include(new IOException("refused"), SocketTimeoutException.class));
        assertFalse(Causes.include(null, IOException.class));
    }
}
