-- Suggestion numbers are never given twice (an identity never hands a number out again): a
-- mod-log card or a button that names a number acts on that suggestion or on none, even after
-- the member erased theirs. The mod-log card that announced a suggestion is remembered, so that
-- an erase also takes the member's question and mention off it.
ALTER TABLE suggestions
    ADD COLUMN card_channel_id BIGINT,                  -- the mod-log card announcing it, if any
    ADD COLUMN card_message_id BIGINT;
