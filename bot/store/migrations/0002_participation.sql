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
-- Rows of a post: prompt report, cascade from posts, last recorded answer (backfill).
CREATE INDEX participation_post ON participation (post_id, kind, message_id);

-- Members who asked not to be recorded in a server.
CREATE TABLE opt_outs (
    guild_id    INTEGER NOT NULL,
    member_id   INTEGER NOT NULL,
    since       INTEGER NOT NULL,
    PRIMARY KEY (guild_id, member_id)
) WITHOUT ROWID;

-- Running totals kept by triggers in the same transaction as each insert or delete, so a
-- server report reads a few thousand totals instead of scanning every participation row.
-- Rows recorded per server, UTC day (created_at / 86400) and kind.
CREATE TABLE participation_day_totals (
    guild_id    INTEGER NOT NULL,
    day         INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (guild_id, day, kind)
) WITHOUT ROWID;
-- Answers and reactions each post has received so far.
CREATE TABLE participation_post_totals (
    post_id     INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    answers     INTEGER NOT NULL,
    reactions   INTEGER NOT NULL
);
CREATE TRIGGER participation_counted AFTER INSERT ON participation BEGIN
    INSERT INTO participation_day_totals (guild_id, day, kind, n)
    VALUES (new.guild_id, new.created_at / 86400, new.kind, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO participation_post_totals (post_id, answers, reactions)
    VALUES (new.post_id, new.kind = 'answer', new.kind = 'reaction')
    ON CONFLICT DO UPDATE SET answers = answers + excluded.answers,
                              reactions = reactions + excluded.reactions;
END;
CREATE TRIGGER participation_uncounted AFTER DELETE ON participation BEGIN
    UPDATE participation_day_totals SET n = n - 1
    WHERE guild_id = old.guild_id AND day = old.created_at / 86400 AND kind = old.kind;
    UPDATE participation_post_totals
    SET answers = answers - (old.kind = 'answer'), reactions = reactions - (old.kind = 'reaction')
    WHERE post_id = old.post_id;
END;
