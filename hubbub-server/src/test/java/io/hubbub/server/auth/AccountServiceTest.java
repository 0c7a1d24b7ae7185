package io.hubbub.server.auth;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.store.User;
import io.hubbub.store.Database;
import io.hubbub.store.JdbiUserRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Accounts end to end on a real SQLite database, real Argon2id and real JWTs. */
class AccountServiceTest {

    @TempDir
    Path dir;
    private Database db;
    private JdbiUserRepository users;
    private JwtService jwt;
    private AccountService accounts;
    private final TestClock clock = new TestClock(Instant.now());

    @BeforeEach
    void open() {
        db = Database.sqlite(dir);
        db.migrate();
        users = new JdbiUserRepository(db);
        jwt = new JwtService("account-service-test-secret-0123456789".getBytes(StandardCharsets.UTF_8),
                Duration.ofHours(1), null, clock);
        accounts = new AccountService(users, new PasswordHasher(), jwt, clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static void assertError(Runnable r, ErrorCode code, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(HubbubException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void signUpStoresAnArgon2HashAndReturnsAWorkingToken() {
        SignedIn s = accounts.signUp("Ada.L", "analytical-engine", "Ada Lovelace");
        assertThat(s.account().username()).isEqualTo("Ada.L");
        assertThat(s.account().displayName()).isEqualTo("Ada Lovelace");
        assertThat(s.account().role()).isEqualTo(Role.USER);
        assertThat(s.account().id()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(s.account().createdAt()).isEqualTo(clock.millis());

        User stored = users.findById(s.account().id()).orElseThrow();
        assertThat(stored.passwordHash()).startsWith("$argon2id$").doesNotContain("analytical-engine");

        Principal p = jwt.verify(s.token().token());
        assertThat(p.userId()).isEqualTo(s.account().id());
        assertThat(p.name()).isEqualTo("Ada Lovelace");
        assertThat(p.roomScope()).isNull();
    }

    @Test
    void signInWorksInAnyLetterCaseOfTheUsername() {
        SignedIn up = accounts.signUp("grace", "cobol-forever", null);
        assertThat(up.account().displayName()).isEqualTo("grace");
        SignedIn in = accounts.signIn("GRACE", "cobol-forever");
        assertThat(in.account()).isEqualTo(up.account());
        assertThat(jwt.verify(in.token().token()).userId()).isEqualTo(up.account().id());
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() {
        accounts.signUp("linus", "penguins-rule", null);
        assertError(() -> accounts.signIn("linus", "penguins-drool"), ErrorCode.UNAUTHORIZED, "invalid username or password");
        assertError(() -> accounts.signIn("nobody", "penguins-rule"), ErrorCode.UNAUTHORIZED, "invalid username or password");
        assertError(() -> accounts.signIn("no such user!", "penguins-rule"), ErrorCode.UNAUTHORIZED, "invalid username or password");
        assertError(() -> accounts.signIn("linus", ""), ErrorCode.UNAUTHORIZED, "invalid username or password");
        assertError(() -> accounts.signIn(null, "x"), ErrorCode.BAD_REQUEST, "username and password are required");
    }

    @Test
    void takenUsernameInAnyCaseIsAConflict() {
        accounts.signUp("margaret", "apollo-guidance", null);
        assertError(() -> accounts.signUp("Margaret", "another-password", null), ErrorCode.CONFLICT, "username is taken");
        assertThat(users.count()).isEqualTo(1);
    }

    @Test
    void everyFieldIsValidatedWithItsOwnMessage() {
        String username = "username must be 3 to 32 characters of letters, digits, '_', '.' or '-'";
        assertError(() -> accounts.signUp(null, "password1", null), ErrorCode.BAD_REQUEST, "username is required");
        assertError(() -> accounts.signUp("ab", "password1", null), ErrorCode.BAD_REQUEST, username);
        assertError(() -> accounts.signUp("a".repeat(33), "password1", null), ErrorCode.BAD_REQUEST, username);
        assertError(() -> accounts.signUp("bad name", "password1", null), ErrorCode.BAD_REQUEST, username);
        assertError(() -> accounts.signUp("émile", "password1", null), ErrorCode.BAD_REQUEST, username);
        assertError(() -> accounts.signUp("okname", null, null), ErrorCode.BAD_REQUEST, "password is required");
        assertError(() -> accounts.signUp("okname", "short", null), ErrorCode.BAD_REQUEST, "password must be 8 to 256 characters");
        assertError(() -> accounts.signUp("okname", "p".repeat(257), null), ErrorCode.BAD_REQUEST, "password must be 8 to 256 characters");
        assertError(() -> accounts.signUp("okname", "password1", "d".repeat(65)), ErrorCode.BAD_REQUEST,
                "displayName must be at most 64 characters");
        String invisible = "displayName must not contain control characters or invisible format characters "
                + "(bidi controls, zero-width characters, line separators)";
        assertError(() -> accounts.signUp("okname", "password1", "bell\u0007"), ErrorCode.BAD_REQUEST, invisible);
        // security review, item 13: bidi overrides and isolates, zero-width characters, separators
        for (String name : new String[] {"evil\u202Eexe.txt", "ad\u200Bmin", "a\u200Db", "\uFEFFbom", "x\u2066y", "line\u2028two"}) {
            assertError(() -> accounts.signUp("okname", "password1", name), ErrorCode.BAD_REQUEST, invisible);
        }
        assertThat(users.count()).isZero();

        // the limits themselves are accepted
        assertThat(accounts.signUp("a_b", "p".repeat(8), "d".repeat(64)).account().displayName()).hasSize(64);
        assertThat(accounts.signUp("x".repeat(32), "🔑".repeat(256), null).account().username()).hasSize(32);
        assertThat(accounts.signIn("x".repeat(32), "🔑".repeat(256)).account().username()).hasSize(32);
    }

    @Test
    void meAndProfileUpdates() {
        String id = accounts.signUp("hedy", "frequency-hopping", "Hedy").account().id();
        assertThat(accounts.me(id).displayName()).isEqualTo("Hedy");

        Account changed = accounts.updateProfile(id, "  Hedy Lamarr ", "https://img.example.org/hedy.png");
        assertThat(changed.displayName()).isEqualTo("Hedy Lamarr");
        assertThat(changed.avatarUrl()).isEqualTo("https://img.example.org/hedy.png");
        assertThat(accounts.me(id)).isEqualTo(changed);

        assertThat(accounts.updateProfile(id, null, null)).isEqualTo(changed);
        assertThat(accounts.updateProfile(id, null, "").avatarUrl()).isNull(); // empty removes the avatar
        assertThat(accounts.me(id).displayName()).isEqualTo("Hedy Lamarr");

        String avatar = "avatarUrl must be an http or https URL of at most 512 characters";
        assertError(() -> accounts.updateProfile(id, null, "javascript:alert(1)"), ErrorCode.BAD_REQUEST, avatar);
        assertError(() -> accounts.updateProfile(id, null, "ftp://files.example.org/a.png"), ErrorCode.BAD_REQUEST, avatar);
        assertError(() -> accounts.updateProfile(id, null, "https://example.org/" + "a".repeat(500)), ErrorCode.BAD_REQUEST, avatar);
        assertError(() -> accounts.updateProfile(id, null, "not a url"), ErrorCode.BAD_REQUEST, avatar);
        assertError(() -> accounts.updateProfile(id, "   ", null), ErrorCode.BAD_REQUEST, "displayName must not be blank");
        assertThat(accounts.me(id)).isEqualTo(accounts.updateProfile(id, null, null));

        assertError(() -> accounts.me("missing"), ErrorCode.NOT_FOUND, "user not found");
        assertError(() -> accounts.updateProfile("missing", "X", null), ErrorCode.NOT_FOUND, "user not found");
    }

    @Test
    void adminsCanBeCreatedAndSignInAsAdmins() {
        Account admin = accounts.createAccount("root", "very-secret-pass", "Operator", Role.ADMIN);
        assertThat(admin.role()).isEqualTo(Role.ADMIN);
        Principal p = jwt.verify(accounts.signIn("root", "very-secret-pass").token().token());
        assertThat(p.role()).isEqualTo(Role.ADMIN);
        assertThat(p.isAdmin()).isTrue();
    }

    @Test
    void accountsSurviveARestartOfTheDatabase() {
        String id = accounts.signUp("persist", "still-here-1", null).account().id();
        db.close();
        db = Database.sqlite(dir);
        db.migrate();
        AccountService reopened = new AccountService(new JdbiUserRepository(db), new PasswordHasher(), jwt, clock);
        assertThat(reopened.signIn("persist", "still-here-1").account().id()).isEqualTo(id);
    }
}
