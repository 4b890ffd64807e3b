-- Suggestion numbers are never given twice (AUTOINCREMENT): a mod-log card or a button that
-- names a number acts on that suggestion or on none, even after the member erased theirs.
-- The mod-log card that announced a suggestion is remembered, so that an erase also takes
-- the member's question and mention off it. Rows keep their numbers; the table is rebuilt
-- because SQLite cannot add AUTOINCREMENT to an existing key.
CREATE TABLE suggestions_kept (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id         INTEGER NOT NULL,
    member_id        INTEGER NOT NULL,
    question         TEXT    NOT NULL,
    followups        TEXT    NOT NULL DEFAULT '[]',  -- JSON list, set by a moderator's edit
    theme_id         TEXT,                           -- NULL: the moderator chooses when accepting
    note             TEXT,                           -- to the moderators; never published
    credit_name      TEXT,                           -- NULL: not credited if accepted
    status           TEXT    NOT NULL DEFAULT 'pending',
    reason           TEXT,                           -- a rejection's reason, told to the member
    prompt_id        TEXT,                           -- the prompt an accepted suggestion became
    created_at       INTEGER NOT NULL,
    decided_at       INTEGER,
    decided_by       INTEGER,
    card_channel_id  INTEGER,                        -- the mod-log card announcing it, if any
    card_message_id  INTEGER
);
INSERT INTO suggestions_kept (id, guild_id, member_id, question, followups, theme_id, note,
    credit_name, status, reason, prompt_id, created_at, decided_at, decided_by)
SELECT id, guild_id, member_id, question, followups, theme_id, note, credit_name, status, reason,
    prompt_id, created_at, decided_at, decided_by
FROM suggestions;
DROP TABLE suggestions;
ALTER TABLE suggestions_kept RENAME TO suggestions;
CREATE INDEX suggestions_member ON suggestions (guild_id, member_id, created_at);
CREATE INDEX suggestions_status ON suggestions (guild_id, status, id);
