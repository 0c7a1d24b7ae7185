package io.hubbub.store;

import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.store.User;
import io.hubbub.core.store.UserRepository;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link UserRepository} must have. A subclass supplies a fresh, empty repository per
 * test (and closes what it opened); every implementation runs this same suite.
 */
public abstract class UserRepositoryContract {

    protected UserRepository repo;

    /** A new repository over an empty, migrated store. Called before each test. */
    protected abstract UserRepository createRepository() throws Exception;

    @BeforeEach
    void setUpRepository() throws Exception {
        repo = createRepository();
    }

    private static User user(String id, String username) {
        return new User(id, username, "Name of " + username, null, Role.USER,
                "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", 1_700_000_000_123L);
    }

    @Test
    void createdUserIsFoundByIdWithEveryField() {
        User alice = new User("u-1", "Alice", "Alice Zoë 🎉", "https://example.org/a.png", Role.ADMIN,
                "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", 1_700_000_000_123L);
        assertThat(repo.create(alice)).isEqualTo(alice);
        assertThat(repo.findById("u-1")).contains(alice);
        assertThat(repo.findById("u-2")).isEmpty();
        assertThat(repo.findById(null)).isEmpty();
    }

    @Test
    void usernameLookupIgnoresCaseAndKeepsTheOriginalSpelling() {
        repo.create(user("u-1", "MixedCase.Name"));
        assertThat(repo.findByUsername("mixedcase.name")).map(User::username).contains("MixedCase.Name");
        assertThat(repo.findByUsername("MIXEDCASE.NAME")).map(User::id).contains("u-1");
        assertThat(repo.findByUsername("mixedcase")).isEmpty();
        assertThat(repo.findByUsername(null)).isEmpty();
    }

    @Test
    void usernameTakenInAnyCaseIsAConflict() {
        repo.create(user("u-1", "bob"));
        assertThatThrownBy(() -> repo.create(user("u-2", "BOB")))
                .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(repo.count()).isEqualTo(1);
        assertThat(repo.findById("u-2")).isEmpty();
    }

    @Test
    void duplicateIdIsAConflict() {
        repo.create(user("u-1", "carol"));
        assertThatThrownBy(() -> repo.create(user("u-1", "dave")))
                .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThat(repo.findByUsername("dave")).isEmpty();
        assertThat(repo.findById("u-1")).map(User::username).contains("carol");
    }

    @Test
    void updateProfileChangesGivenFieldsAndKeepsNullOnes() {
        repo.create(user("u-1", "erin"));
        User renamed = repo.updateProfile("u-1", "Erin E.", null).orElseThrow();
        assertThat(renamed.displayName()).isEqualTo("Erin E.");
        assertThat(renamed.avatarUrl()).isNull();

        User withAvatar = repo.updateProfile("u-1", null, "https://cdn.example.org/e.png").orElseThrow();
        assertThat(withAvatar.displayName()).isEqualTo("Erin E.");
        assertThat(withAvatar.avatarUrl()).isEqualTo("https://cdn.example.org/e.png");
        assertThat(withAvatar.passwordHash()).isEqualTo(user("x", "x").passwordHash());
        assertThat(repo.findById("u-1")).contains(withAvatar);

        assertThat(repo.updateProfile("nobody", "X", null)).isEmpty();
    }

    @Test
    void countCountsAccounts() {
        assertThat(repo.count()).isZero();
        for (int i = 0; i < 5; i++) repo.create(user("u-" + i, "user" + i));
        assertThat(repo.count()).isEqualTo(5);
    }

    @Test
    void concurrentSignUpsForOneUsernameLetExactlyOneWin() throws Exception {
        int contenders = 8;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            List<Callable<User>> tasks = new ArrayList<>();
            for (int i = 0; i < contenders; i++) {
                String id = "u-" + i;
                String name = i % 2 == 0 ? "frank" : "FRANK";
                tasks.add(() -> repo.create(user(id, name)));
            }
            int won = 0;
            int conflicts = 0;
            for (Future<User> f : pool.invokeAll(tasks, 30, TimeUnit.SECONDS)) {
                try {
                    f.get();
                    won++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOfSatisfying(HubbubException.class,
                            he -> assertThat(he.code()).isEqualTo(ErrorCode.CONFLICT));
                    conflicts++;
                }
            }
            assertThat(won).isEqualTo(1);
            assertThat(conflicts).isEqualTo(contenders - 1);
            assertThat(repo.count()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tokenRevocationIsStoredPerUserAndNeverMovesBackwards() {
        repo.create(user("u-rev", "revoked"));
        assertThat(repo.tokensValidAfter("u-rev")).hasValue(0);
        assertThat(repo.tokensValidAfter("u-none")).isEmpty();
        assertThat(repo.revokeTokens("u-rev", 5_000)).isTrue();
        assertThat(repo.revokeTokens("u-rev", 4_000)).isTrue();
        assertThat(repo.tokensValidAfter("u-rev")).hasValue(5_000);
        assertThat(repo.revokeTokens("u-none", 5_000)).isFalse();
    }

    @Test
    void roleChangesAnswerTheUserAsItWasAndNeverDemoteTheLastAdmin() {
        repo.create(user("u-a", "anna"));
        assertThat(repo.setRole("u-none", Role.ADMIN)).isEmpty();
        assertThat(repo.setRole("u-a", Role.ADMIN)).map(User::role).contains(Role.USER);
        assertThat(repo.findById("u-a")).map(User::role).contains(Role.ADMIN);
        assertThat(repo.setRole("u-a", Role.ADMIN)).map(User::role).as("already an admin: unchanged").contains(Role.ADMIN);
        assertThatThrownBy(() -> repo.setRole("u-a", Role.USER))
                .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.LAST_ADMIN));
        assertThat(repo.findById("u-a")).map(User::role).contains(Role.ADMIN);
        repo.create(user("u-b", "bert"));
        repo.setRole("u-b", Role.ADMIN);
        assertThat(repo.setRole("u-a", Role.USER)).map(User::role).contains(Role.ADMIN);
        assertThat(repo.findById("u-a")).map(User::role).contains(Role.USER);
        assertThatThrownBy(() -> repo.setRole("u-a", Role.SERVICE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentDemotionsOfEveryAdminLeaveExactlyOne() throws Exception {
        int admins = 4;
        for (int i = 0; i < admins; i++) {
            repo.create(user("adm-" + i, "admin" + i));
            repo.setRole("adm-" + i, Role.ADMIN);
        }
        ExecutorService pool = Executors.newFixedThreadPool(admins);
        try {
            for (int round = 0; round < 10; round++) {
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(admins);
                List<Callable<User>> tasks = new ArrayList<>();
                for (int i = 0; i < admins; i++) {
                    String id = "adm-" + i;
                    tasks.add(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        return repo.setRole(id, Role.USER).orElseThrow();
                    });
                }
                int refused = 0;
                for (Future<User> f : pool.invokeAll(tasks, 30, TimeUnit.SECONDS)) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOfSatisfying(HubbubException.class,
                                he -> assertThat(he.code()).isEqualTo(ErrorCode.LAST_ADMIN));
                        refused++;
                    }
                }
                long left = 0;
                for (int i = 0; i < admins; i++) if (repo.findById("adm-" + i).orElseThrow().role() == Role.ADMIN) left++;
                assertThat(left).as("admins left after round " + round).isEqualTo(1);
                assertThat(refused).isEqualTo(1);
                for (int i = 0; i < admins; i++) repo.setRole("adm-" + i, Role.ADMIN);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
