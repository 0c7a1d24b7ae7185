package io.hubbub.store;

import io.hubbub.core.store.UserRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The user repository contract on a fresh SQLite file per test. */
class SqliteUserRepositoryTest extends UserRepositoryContract {

    @TempDir
    Path dir;
    private Database db;

    @Override
    protected UserRepository createRepository() {
        db = Database.sqlite(dir);
        db.migrate();
        return new JdbiUserRepository(db);
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) db.close();
    }
}
