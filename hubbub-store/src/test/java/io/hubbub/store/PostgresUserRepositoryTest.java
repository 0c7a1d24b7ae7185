package io.hubbub.store;

import io.hubbub.core.store.UserRepository;
import org.junit.jupiter.api.AfterEach;

/** The user repository contract on a fresh database per test in the shared embedded PostgreSQL. */
class PostgresUserRepositoryTest extends UserRepositoryContract {

    private Database db;

    @Override
    protected UserRepository createRepository() {
        db = Database.open(EmbeddedPostgresHolder.freshDatabaseUrl());
        db.migrate();
        return new JdbiUserRepository(db);
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) db.close();
    }
}
