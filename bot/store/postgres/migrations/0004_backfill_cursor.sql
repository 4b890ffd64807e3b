-- How far each prompt thread has been read: the newest answer message the bot has seen there,
-- recorded or not (an opted-out member's message counts too). It only moves forward, so a
-- restart never reads again what ``forget`` or retention erased. Backfill reads after it.
CREATE TABLE post_cursor (
    post_id     BIGINT  PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    message_id  BIGINT  NOT NULL
);
-- Databases recorded before the cursor existed start from their newest recorded answer.
INSERT INTO post_cursor (post_id, message_id)
SELECT post_id, max(message_id) FROM participation WHERE kind = 'answer' GROUP BY post_id;
