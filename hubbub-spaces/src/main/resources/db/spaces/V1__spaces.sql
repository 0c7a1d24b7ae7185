-- The spaces feature (seed 004): catalogue (avatars, elements, maps), spaces with their own copy of
-- elements, each user's avatar, and the chat of spaces that keep it. Portable SQL: SQLite and PostgreSQL.
CREATE TABLE spaces_avatars (
    id         VARCHAR(40)   PRIMARY KEY,
    image_url  VARCHAR(1024) NOT NULL,
    name       VARCHAR(100)  NOT NULL,
    created_at BIGINT        NOT NULL
);
CREATE TABLE spaces_elements (
    id         VARCHAR(40)   PRIMARY KEY,
    image_url  VARCHAR(1024) NOT NULL,
    width      INTEGER       NOT NULL,
    height     INTEGER       NOT NULL,
    is_static  BOOLEAN       NOT NULL,
    created_at BIGINT        NOT NULL
);
CREATE TABLE spaces_maps (
    id         VARCHAR(40)   PRIMARY KEY,
    name       VARCHAR(100)  NOT NULL,
    thumbnail  VARCHAR(1024) NOT NULL,
    width      INTEGER       NOT NULL,
    height     INTEGER       NOT NULL,
    created_at BIGINT        NOT NULL
);
CREATE TABLE spaces_map_elements (
    id         VARCHAR(40) PRIMARY KEY,
    map_id     VARCHAR(40) NOT NULL,
    element_id VARCHAR(40) NOT NULL,
    x          INTEGER     NOT NULL,
    y          INTEGER     NOT NULL
);
CREATE INDEX spaces_map_elements_map ON spaces_map_elements (map_id);
CREATE TABLE spaces_spaces (
    id              VARCHAR(40)   PRIMARY KEY,
    name            VARCHAR(100)  NOT NULL,
    width           INTEGER       NOT NULL,
    height          INTEGER       NOT NULL,
    thumbnail       VARCHAR(1024),
    owner_id        VARCHAR(64)   NOT NULL,
    persistent_chat BOOLEAN       NOT NULL,
    created_at      BIGINT        NOT NULL
);
CREATE INDEX spaces_spaces_owner ON spaces_spaces (owner_id);
CREATE TABLE spaces_space_elements (
    id         VARCHAR(40) PRIMARY KEY,
    space_id   VARCHAR(40) NOT NULL,
    element_id VARCHAR(40) NOT NULL,
    x          INTEGER     NOT NULL,
    y          INTEGER     NOT NULL
);
CREATE INDEX spaces_space_elements_space ON spaces_space_elements (space_id);
CREATE TABLE spaces_user_avatars (
    user_id   VARCHAR(64) PRIMARY KEY,
    avatar_id VARCHAR(40) NOT NULL
);
CREATE TABLE spaces_messages (
    id       VARCHAR(40)   PRIMARY KEY,
    space_id VARCHAR(40)   NOT NULL,
    user_id  VARCHAR(64)   NOT NULL,
    name     VARCHAR(100)  NOT NULL,
    message  VARCHAR(2000) NOT NULL,
    ts       BIGINT        NOT NULL
);
CREATE INDEX spaces_messages_space ON spaces_messages (space_id, ts);
