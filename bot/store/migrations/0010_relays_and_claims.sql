-- Anonymous relays. A row is written before the bot posts a member's anonymous answer, in the
-- same statement that counts the member's relays of the last hour (the hourly limit is reserved
-- before the act, never counted after it). While ``state`` is 'pending' it holds what is needed
-- to find the relayed message again after a crash: a random token (the send's nonce comes from
-- it) and a digest of the token and the answer (the text itself is never stored), and the
-- interaction's token (valid 15 minutes) and the id of the reply the member sees, to tell them. Once the answer is linked in
-- ``anonymous_answers`` the row keeps only the member and the time, for the hourly limit, and
-- is deleted when the hour is over.
CREATE TABLE anonymous_relays (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id            INTEGER NOT NULL,
    member_id           INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,        -- Unix seconds, UTC
    state               TEXT NOT NULL CHECK (state IN ('pending', 'done')),
    post_id             INTEGER,                 -- the rest: while pending only
    channel_id          INTEGER,                 -- the prompt's thread
    length              INTEGER,
    token               TEXT,
    digest              TEXT,
    interaction_token   TEXT,
    reply_id            INTEGER                  -- the member's acknowledged reply
);
CREATE INDEX anonymous_relays_member ON anonymous_relays (guild_id, member_id, created_at);
CREATE INDEX anonymous_relays_pending ON anonymous_relays (state, created_at);

-- Anonymous answers of the last hour count toward the limit after the upgrade too.
INSERT INTO anonymous_relays (guild_id, member_id, created_at, state)
SELECT guild_id, member_id, created_at, 'done' FROM anonymous_answers
WHERE member_id != 0 AND created_at > CAST(strftime('%s', 'now') AS INTEGER) - 3600;

-- Interactions this database's bot processes have taken. Discord may deliver one interaction to
-- every process of the bot; the first to write its id here handles it, the others leave it
-- alone. Only the id and the time are kept, for an hour.
CREATE TABLE interaction_claims (
    interaction_id  INTEGER PRIMARY KEY,
    claimed_at      INTEGER NOT NULL
);
CREATE INDEX interaction_claims_time ON interaction_claims (claimed_at);

-- Scheduled acts every process of the bot plans for the same moment (the weekly digest of a
-- server at a given slot): the first process to write the act's name does it.
CREATE TABLE act_claims (
    act         TEXT PRIMARY KEY,        -- e.g. digest:GUILD:SLOT
    claimed_at  INTEGER NOT NULL
);
