-- Prompt posts whose reactions are not read back from Discord after a restart: a member erased
-- a reaction record there with ``forget``, and their reaction, if still on the message, cannot
-- be told from a missed one. Holds no member id (nothing may say who asked to be forgotten).
CREATE TABLE reactions_not_recovered (
    post_id     BIGINT  PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE
);
