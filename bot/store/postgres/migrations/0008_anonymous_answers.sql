-- Anonymous answers: the bot posts a member's answer in the prompt's thread under no name. The
-- link from that relayed message to its author is kept only so the author can delete it and
-- moderators can act on abuse; it never appears in moderator reports or the export.
CREATE TABLE anonymous_answers (
    message_id  BIGINT  PRIMARY KEY,      -- the relayed message the bot posted
    guild_id    BIGINT  NOT NULL,
    post_id     BIGINT  NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    channel_id  BIGINT  NOT NULL,         -- where the relayed message is (the prompt's thread)
    member_id   BIGINT  NOT NULL,         -- the author (the link)
    -- 1: counts as the member's participation (their own /participation me and streaks);
    -- 0: the member was opted out, or erased their records: only the link is kept.
    counted     INTEGER NOT NULL,
    created_at  BIGINT  NOT NULL,         -- Unix seconds, UTC
    length      INTEGER NOT NULL          -- characters in the answer (the text is not stored)
);
-- The member's own answers (rate limit, /participation me, forget).
CREATE INDEX anonymous_answers_member ON anonymous_answers (guild_id, member_id, created_at);
-- Reports and the export count them per server and time, without the member.
CREATE INDEX anonymous_answers_window ON anonymous_answers (guild_id, created_at, counted);

-- A server's kill switch: while a row exists, no anonymous answer is accepted there.
CREATE TABLE anonymous_stopped (
    guild_id    BIGINT  PRIMARY KEY,
    stopped_by  BIGINT  NOT NULL,
    stopped_at  BIGINT  NOT NULL
);
