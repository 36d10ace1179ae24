-- Vault schema step 6: the literal SQL of version 6, frozen (never edit; a change is a new step).
-- Object texts as the build of 5404d20 left them in sqlite_master. Write speed: the search insert triggers pause at applying = 3
-- (a bulk move indexes its chunk with one INSERT ... SELECT).

DROP TRIGGER IF EXISTS outputs_fts_ins;
CREATE TRIGGER outputs_fts_ins AFTER INSERT ON outputs WHEN (SELECT applying FROM pv_sync_state) < 3 BEGIN
  INSERT INTO outputs_fts(rowid, output, output_edited) VALUES (NEW.rowid, NEW.output, NEW.output_edited);
END;
DROP TRIGGER IF EXISTS prompts_fts_ins;
CREATE TRIGGER prompts_fts_ins AFTER INSERT ON prompts WHEN (SELECT applying FROM pv_sync_state) < 3 BEGIN
  INSERT INTO prompts_fts(rowid, title, body) VALUES (NEW.rowid, NEW.title, NEW.body);
END;
-- Builds of version 5 before 919e881 made the outputs insert counter without its pause: made again here.
DROP TRIGGER IF EXISTS pv_cnt_outputs_ins;
CREATE TRIGGER pv_cnt_outputs_ins AFTER INSERT ON outputs WHEN NEW.deleted_at IS NULL AND (SELECT applying FROM pv_sync_state) < 2 BEGIN
INSERT INTO pv_counts(rel, id, n) SELECT 'outputs', '', 1 WHERE NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'prompt.outputs', NEW.prompt_id, 1 WHERE NEW.prompt_id IS NOT NULL AND NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'model.outputs', NEW.model_id, 1 WHERE NEW.model_id IS NOT NULL AND NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'agent.outputs', NEW.agent_id, 1 WHERE NEW.agent_id IS NOT NULL AND NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'tag.outputs', tag_id, 1 FROM output_tags WHERE output_id = NEW.id AND deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
END;
