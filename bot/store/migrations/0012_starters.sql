-- Conversation starters members asked for with /starter, one row per prompt shown (the first,
-- and each "Another one" in place of it, which points at the row it replaced). No member id:
-- the per-member daily limit is kept in memory. Starters are not posts: the scheduled
-- rotation never reads this table, and reports count them apart. Times are Unix seconds (UTC).
CREATE TABLE starters (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,
    prompt_id     TEXT    NOT NULL,
    theme_id      TEXT    NOT NULL,
    replaces      INTEGER REFERENCES starters (id),  -- NULL: asked for with /starter
    started_at    INTEGER NOT NULL
);
CREATE INDEX starters_channel ON starters (channel_id, started_at);
