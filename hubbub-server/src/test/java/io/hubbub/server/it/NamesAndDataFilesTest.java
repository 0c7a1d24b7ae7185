package io.hubbub.server.it;

import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Security review, item 13: display names with bidi, zero-width and other invisible characters are
 * refused at signup, PATCH /api/me and guest sign-in; the SQLite file holding password hashes and the
 * data directory are created owner-only.
 */
class NamesAndDataFilesTest {

    @Test
    void invisibleAndReorderingCharactersInNamesAreRefused() {
        try (TestHubbub hub = TestHubbub.start(Map.of("auth.allowGuests", "true"))) {
            for (String name : new String[] {"ad\u200Bmin", "evil\u202Etxt.exe", "x\u2067y", "\uFEFFbom", "a\u2028b"}) {
                var up = HttpApiTest.call(hub, "POST", "/api/auth/signup", Map.of("username", "nm" + Math.abs(name.hashCode()),
                        "password", "correct-horse", "displayName", name));
                assertThat(up.status()).as(name).isEqualTo(400);
                assertThat(up.code()).isEqualTo("bad_request");
            }
            var ok = HttpApiTest.call(hub, "POST", "/api/auth/signup", Map.of("username", "nm-ok", "password", "correct-horse",
                    "displayName", "Zoë 🦊 عربي"));
            assertThat(ok.status()).isEqualTo(201);
            String token = ok.body().path("token").asText();
            var patch = HttpApiTest.call(hub, "PATCH", "/api/me", Map.of("displayName", "nm\u202Eok"), "Authorization", "Bearer " + token);
            assertThat(patch.status()).isEqualTo(400);
            assertThat(patch.code()).isEqualTo("bad_request");

            try (NativeClient guest = NativeClient.connect(hub.wsUrl())) {
                assertThat(guest.error("auth", p("guest", true, "name", "gu\u200Dest")).path("code").asText()).isEqualTo("bad_request");
                assertThat(guest.ok("auth", p("guest", true, "name", "Guest Ann")).path("user").path("name").asText()).isEqualTo("Guest Ann");
            }
        }
    }

    @Test
    void theSqliteFileAndTheDataDirectoryAreOwnerOnly(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.getFileAttributeView(tmp, PosixFileAttributeView.class) != null, "POSIX permissions");
        Path dataDir = tmp.resolve("fresh").resolve("data");
        try (TestHubbub hub = TestHubbub.start(dataDir, Map.of())) {
            var up = HttpApiTest.call(hub, "POST", "/api/auth/signup", Map.of("username", "perm", "password", "correct-horse"));
            assertThat(up.status()).isEqualTo(201);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
            for (String f : new String[] {"hubbub.db", "hubbub.db-wal", "hubbub.db-shm"}) {
                Path file = dataDir.resolve(f);
                if (f.equals("hubbub.db") || Files.exists(file)) {
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(f).isEqualTo("rw-------");
                }
            }
        }
    }
}
