package io.hubbub.store;

import io.hubbub.core.store.RoomRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The room repository contract on a fresh SQLite file per test. */
class SqliteRoomRepositoryTest extends RoomRepositoryContract {

    @TempDir
    Path dir;
    private Database db;

    @Override
    protected RoomRepository createRepository() {
        db = Database.sqlite(dir);
        db.migrate();
        return new JdbiRoomRepository(db);
    }

    @AfterEach
    void closeDatabase() {
        if (db != null) db.close();
    }
}
