-- How many times a scheduled post was handed out for posting. A claim left without a message by
-- a crash is retried once (attempts 0 → 1) while its catch-up window is open, then marked failed.
ALTER TABLE posts ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
