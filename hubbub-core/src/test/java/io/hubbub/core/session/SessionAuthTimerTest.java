package io.hubbub.core.session;

import io.hubbub.core.auth.Principal;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.concurrent.FutureTask;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An authenticated (or closed) session must not keep its spent auth timer: an idle guest session
 * lives for hours, and the timer (with what its task captured) would live as long (issue 14: RSS per
 * idle connection).
 */
class SessionAuthTimerTest {

    @Test
    void authenticationCancelsAndReleasesTheAuthTimer() {
        Session s = new Session("s_1", new RecordingTransport());
        WeakReference<FutureTask<?>> timer = arm(s);
        assertTrue(timer.get() != null && !timer.get().isCancelled(), "armed");
        s.authenticate(Principal.user("u1", "U"));
        assertReleased(timer);
    }

    @Test
    void closingCancelsAndReleasesTheAuthTimer() {
        Session s = new Session("s_2", new RecordingTransport());
        WeakReference<FutureTask<?>> timer = arm(s);
        s.markClosed();
        assertReleased(timer);
    }

    private static WeakReference<FutureTask<?>> arm(Session s) {
        FutureTask<?> t = new FutureTask<>(() -> null);
        s.authTimeout(t);
        return new WeakReference<>(t);
    }

    private static void assertReleased(WeakReference<FutureTask<?>> timer) {
        FutureTask<?> t = timer.get();
        assertTrue(t == null || t.isCancelled(), "the timer is cancelled");
        t = null;
        for (int i = 0; i < 20 && timer.get() != null; i++) System.gc(); // bounded: a weak referent goes at a full GC
        assertNull(timer.get(), "the session still references its cancelled auth timer");
    }
}
