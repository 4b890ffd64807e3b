-- A finished relay keeps, for the hour it counts toward the limit, the message it was posted as
-- with its token and digest (never the text): the member sending the same words again to the
-- same prompt is answered with that message instead of a second copy. Deleting the message
-- clears them.
ALTER TABLE anonymous_relays ADD COLUMN message_id BIGINT;
CREATE INDEX anonymous_relays_message ON anonymous_relays (message_id) WHERE message_id IS NOT NULL;
