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
    created_at  INTEGER NOT NULL,
    length      INTEGER,                 -- characters in the answer when Discord gave the content
    UNIQUE (message_id, member_id, kind)
);
CREATE INDEX participation_guild_time ON participation (guild_id, created_at);
CREATE INDEX participation_member ON participation (guild_id, member_id);
CREATE INDEX participation_post ON participation (post_id);

-- Members who asked not to be recorded in a server.
CREATE TABLE opt_outs (
    guild_id    INTEGER NOT NULL,
    member_id   INTEGER NOT NULL,
    since       INTEGER NOT NULL,
    PRIMARY KEY (guild_id, member_id)
);
