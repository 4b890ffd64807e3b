-- Prompt posts. A scheduled slot is claimed here (unique per channel and slot time) before it is
-- posted, so a restart or a second process never posts it twice. Times are Unix seconds (UTC).
CREATE TABLE posts (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    slot        INTEGER,                 -- scheduled slot time; NULL for a moderator's post now
    kind        TEXT    NOT NULL CHECK (kind IN ('scheduled', 'manual')),
    status      TEXT    NOT NULL CHECK (status IN ('claimed', 'posted', 'failed', 'skipped')),
    prompt_id   TEXT,
    theme_id    TEXT,
    message_id  INTEGER,
    thread_id   INTEGER,
    claimed_at  INTEGER NOT NULL,
    posted_at   INTEGER,
    error       TEXT,
    UNIQUE (channel_id, slot)
);
CREATE INDEX posts_channel_posted ON posts (channel_id, status, posted_at);
CREATE INDEX posts_message ON posts (message_id);
CREATE INDEX posts_thread ON posts (thread_id);

-- Moderator controls per channel.
CREATE TABLE channel_state (
    channel_id  INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    paused      INTEGER NOT NULL DEFAULT 0,
    skip_next   INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL
);
