package io.hubbub.store;

import io.hubbub.core.store.RoomRepository;
import org.junit.jupiter.api.AfterEach;

/** The room repository contract on a fresh database per test in the shared embedded PostgreSQL. */
class PostgresRoomRepositoryTest extends RoomRepositoryContract {

    private Database db;

    @Override
    protected RoomRepository createRepository() {
        db = Database.open(EmbeddedPostgresHolder.freshDatabaseUrl());
        db.migrate();
        return new JdbiRoomRepository(db);
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) db.close();
    }
}
