-- What the bot posts in a prompt's thread after the post itself, paced by the conversation: each
-- follow-up question and the one nudge of a quiet thread. A step is claimed here (unique per post
-- and number) before it is sent, so a restart or a second process never sends it twice.
CREATE TABLE thread_steps (
    post_id      BIGINT  NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,        -- 0, 1, 2 … in the order the steps are taken
    kind         TEXT    NOT NULL CHECK (kind IN ('followup', 'nudge')),
    followup     INTEGER,                 -- index in the prompt's follow-ups; NULL: a gentle line
    answers_seen INTEGER NOT NULL,        -- answers the post had when the step was claimed
    status       TEXT    NOT NULL CHECK (status IN ('claimed', 'sent', 'failed')),
    claimed_at   BIGINT  NOT NULL,        -- Unix seconds, UTC
    sent_at      BIGINT,
    message_id   BIGINT,
    PRIMARY KEY (post_id, number)
);
-- A thread gets one nudge at most, whatever the number of processes.
CREATE UNIQUE INDEX thread_steps_one_nudge ON thread_steps (post_id) WHERE kind = 'nudge';
-- Claims a crash left unsent.
CREATE INDEX thread_steps_claimed ON thread_steps (status, claimed_at);

-- A prompt a moderator posted as a heavy topic (/topic post sensitive:true) though its file does
-- not say so: its thread's nudge is then the gentle line too.
ALTER TABLE posts ADD COLUMN sensitive INTEGER NOT NULL DEFAULT 0;
