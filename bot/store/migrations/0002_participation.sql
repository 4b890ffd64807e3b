-- Participation: metadata only, never message content.
CREATE TABLE participation (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    prompt_id   TEXT    NOT NULL,
    theme_id    TEXT    NOT NULL,
    member_id   INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,        -- the answer, or for a reaction the prompt message
    kind        TEXT    NOT NULL CHECK (kind IN ('answer', 'reaction')),
    created_at  INTEGER NOT NULL,        -- Unix seconds, UTC
    length      INTEGER,                 -- characters in the answer when Discord gave the content
    -- The same event delivered twice is stored once; also serves deletions by message id.
    UNIQUE (message_id, member_id, kind)
);
-- Server report window and CSV export (covering: counts and distinct members need no row reads).
CREATE INDEX participation_window ON participation (guild_id, created_at, kind, member_id);
-- Member report, forget, and "first participation ever" for new vs returning members.
CREATE INDEX participation_member ON participation (guild_id, member_id, created_at);
-- Answers per post (up to a time), prompt report, last recorded answer of a thread (backfill).
CREATE INDEX participation_post ON participation (post_id, kind, created_at);

-- Members who asked not to be recorded in a server.
CREATE TABLE opt_outs (
    guild_id    INTEGER NOT NULL,
    member_id   INTEGER NOT NULL,
    since       INTEGER NOT NULL,
    PRIMARY KEY (guild_id, member_id)
) WITHOUT ROWID;
