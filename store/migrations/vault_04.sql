-- Vault schema step 4: the literal SQL of version 4, frozen (never edit; a change is a new step).
-- Object texts as the build of a302772 left them in sqlite_master. Write speed: FTS5 hashsize 16 MB, persisted in each index's %_config.
INSERT INTO outputs_fts(outputs_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO prompts_fts(prompts_fts, rank) VALUES ('hashsize', 16777216);
