-- Each member's first participation in a server, kept by triggers in the same transaction as
-- each insert or delete, so a report counts its new members from a few thousand rows instead
-- of every member's rows. A row exists while the member has rows in that server.
CREATE TABLE participation_first_seen (
    guild_id    BIGINT  NOT NULL,
    member_id   BIGINT  NOT NULL,
    first_at    BIGINT  NOT NULL,        -- created_at of their earliest row there
    PRIMARY KEY (guild_id, member_id)
);
CREATE INDEX participation_first_seen_at ON participation_first_seen (guild_id, first_at);

INSERT INTO participation_first_seen (guild_id, member_id, first_at)
SELECT guild_id, member_id, min(created_at) FROM participation GROUP BY guild_id, member_id;

-- Once per statement, from its inserted rows (a duplicate skipped by ON CONFLICT DO NOTHING is
-- not among them), as the report totals.
CREATE FUNCTION participation_first_seen_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO participation_first_seen AS f (guild_id, member_id, first_at)
    SELECT guild_id, member_id, min(created_at) FROM new_rows GROUP BY guild_id, member_id
    ORDER BY guild_id, member_id  -- two writers lock shared members in one order
    ON CONFLICT (guild_id, member_id) DO UPDATE SET first_at = excluded.first_at
    WHERE excluded.first_at < f.first_at;
    RETURN NULL;
END;
$$;
CREATE TRIGGER participation_first_seen_added AFTER INSERT ON participation
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION participation_first_seen_added();

-- Members whose earliest row may be among the deleted ones: the next is read from the member
-- index, or, with none left, the member's row goes.
CREATE FUNCTION participation_first_seen_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH touched AS (
        SELECT f.guild_id, f.member_id,
               (SELECT min(p.created_at) FROM participation p
                WHERE p.guild_id = f.guild_id AND p.member_id = f.member_id) AS first_at
        FROM participation_first_seen f
        JOIN (SELECT guild_id, member_id, min(created_at) AS at
              FROM old_rows GROUP BY guild_id, member_id) AS o
          ON o.guild_id = f.guild_id AND o.member_id = f.member_id AND o.at <= f.first_at),
    gone AS (
        DELETE FROM participation_first_seen f USING touched t
        WHERE t.first_at IS NULL AND f.guild_id = t.guild_id AND f.member_id = t.member_id)
    UPDATE participation_first_seen f SET first_at = t.first_at FROM touched t
    WHERE t.first_at IS NOT NULL AND f.guild_id = t.guild_id AND f.member_id = t.member_id
      AND f.first_at <> t.first_at;
    RETURN NULL;
END;
$$;
CREATE TRIGGER participation_first_seen_removed AFTER DELETE ON participation
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION participation_first_seen_removed();
