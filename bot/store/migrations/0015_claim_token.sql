-- A random token written with each scheduled claim: a claim whose acknowledgement was lost (the
-- connection dropped after the server committed it) is known again as this process's own when
-- the statement is retried, instead of being taken for another process's claim.
ALTER TABLE posts ADD COLUMN claim_token TEXT;
