package io.hubbub.core.session;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Resume tokens keep their documented form and stay correct when many threads issue and verify at once. */
class ResumeTokensTest {
    private static final byte[] SECRET = "resume-secret-of-at-least-32-bytes!!".getBytes(StandardCharsets.UTF_8);

    private static String reference(String id) throws Exception {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        return id + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(m.doFinal(id.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void tokenIsSessionIdDotHmacAndVerifiesOnlyUnforged() throws Exception {
        ResumeTokens t = new ResumeTokens(SECRET);
        assertThat(t.issue("s_1")).isEqualTo(reference("s_1"));
        assertThat(t.verify(t.issue("s_1"))).isEqualTo("s_1");
        assertThat(t.verify(reference("s_2").replace("s_2.", "s_3."))).isNull();
        assertThat(t.verify("nodot")).isNull();
        assertThat(t.verify(null)).isNull();
        assertThat(new ResumeTokens("another-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8)).verify(t.issue("s_1"))).isNull();
    }

    @Test
    void concurrentIssueAndVerifyOnPlatformAndVirtualThreadsAgreeWithTheReference() throws Exception {
        ResumeTokens t = new ResumeTokens(SECRET);
        for (ExecutorService pool : List.of(Executors.newFixedThreadPool(4), Executors.newVirtualThreadPerTaskExecutor())) {
            try (pool) {
                List<Future<Boolean>> all = new ArrayList<>();
                for (int task = 0; task < 8; task++) {
                    int base = task * 500;
                    all.add(pool.submit(() -> {
                        for (int i = base; i < base + 500; i++) {
                            String id = "s_" + i;
                            String token = t.issue(id);
                            if (!token.equals(reference(id)) || !id.equals(t.verify(token))) return false;
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> f : all) assertThat(f.get(60, TimeUnit.SECONDS)).isTrue();
            }
        }
    }
}
