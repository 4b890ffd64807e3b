-- Questions members suggest, and the moderators' decisions on them and on draft prompts.
-- status: pending → deciding (one moderator's decision is being written to the prompt files)
-- → accepted | rejected; or withdrawn by the member. A 'deciding' row is returned to 'pending'
-- when the write is refused, so nothing is lost.
CREATE TABLE suggestions (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    member_id    INTEGER NOT NULL,
    question     TEXT    NOT NULL,
    followups    TEXT    NOT NULL DEFAULT '[]',  -- JSON list, set by a moderator's edit
    theme_id     TEXT,                           -- NULL: the moderator chooses when accepting
    note         TEXT,                           -- to the moderators; never published
    credit_name  TEXT,                           -- NULL: not credited if accepted
    status       TEXT    NOT NULL DEFAULT 'pending',
    reason       TEXT,                           -- a rejection's reason, told to the member
    prompt_id    TEXT,                           -- the prompt an accepted suggestion became
    created_at   INTEGER NOT NULL,
    decided_at   INTEGER,
    decided_by   INTEGER
);
CREATE INDEX suggestions_member ON suggestions (guild_id, member_id, created_at);
CREATE INDEX suggestions_status ON suggestions (guild_id, status, id);

-- A draft prompt a moderator is deciding on: the first press claims it, a second press at the
-- same time finds the claim and changes nothing.
CREATE TABLE draft_decisions (
    prompt_id   TEXT    PRIMARY KEY,
    decided_by  INTEGER NOT NULL,
    decided_at  INTEGER NOT NULL
);
