-- Each member's first participation in a server, kept by triggers in the same transaction as
-- each insert or delete, so a report counts its new members from a few thousand rows instead
-- of every member's rows. A row exists while the member has rows in that server.
CREATE TABLE participation_first_seen (
    guild_id    INTEGER NOT NULL,
    member_id   INTEGER NOT NULL,
    first_at    INTEGER NOT NULL,        -- created_at of their earliest row there
    PRIMARY KEY (guild_id, member_id)
) WITHOUT ROWID;
CREATE INDEX participation_first_seen_at ON participation_first_seen (guild_id, first_at);

INSERT INTO participation_first_seen (guild_id, member_id, first_at)
SELECT guild_id, member_id, min(created_at) FROM participation GROUP BY guild_id, member_id;

CREATE TRIGGER participation_first_seen_added AFTER INSERT ON participation BEGIN
    INSERT INTO participation_first_seen (guild_id, member_id, first_at)
    VALUES (new.guild_id, new.member_id, new.created_at)
    ON CONFLICT DO UPDATE SET first_at = excluded.first_at WHERE excluded.first_at < first_at;
END;
-- A deleted row that was the member's earliest: the next one is read from the member index,
-- or, with none left, the member's row goes.
CREATE TRIGGER participation_first_seen_removed AFTER DELETE ON participation BEGIN
    DELETE FROM participation_first_seen
    WHERE guild_id = old.guild_id AND member_id = old.member_id AND first_at = old.created_at
      AND NOT EXISTS (SELECT 1 FROM participation
                      WHERE guild_id = old.guild_id AND member_id = old.member_id);
    UPDATE participation_first_seen
    SET first_at = (SELECT min(created_at) FROM participation
                    WHERE guild_id = old.guild_id AND member_id = old.member_id)
    WHERE guild_id = old.guild_id AND member_id = old.member_id AND first_at = old.created_at;
END;
