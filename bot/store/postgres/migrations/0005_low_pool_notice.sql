-- Which rotation cycle the "few unused prompts left" notice was last sent for, as the number of
-- history entries before that cycle began (NULL: never sent). Kept in the database so a restart
-- or a second process does not send the notice again in the same cycle.
ALTER TABLE channel_state ADD COLUMN low_pool_cycle INTEGER;
