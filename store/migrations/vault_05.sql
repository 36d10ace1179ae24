-- Vault schema step 5: the literal SQL of version 5, frozen (never edit; a change is a new step).
-- Object texts as the build of 919e881 left them in sqlite_master. Write speed: an insert's change entry names the row's columns
-- (the push reads the values from the row); the outputs insert counter pauses at applying = 2.

DROP TRIGGER IF EXISTS pv_cnt_outputs_ins;
CREATE TRIGGER pv_cnt_outputs_ins AFTER INSERT ON outputs WHEN NEW.deleted_at IS NULL AND (SELECT applying FROM pv_sync_state) < 2 BEGIN
INSERT INTO pv_counts(rel, id, n) SELECT 'outputs', '', 1 WHERE NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'prompt.outputs', NEW.prompt_id, 1 WHERE NEW.prompt_id IS NOT NULL AND NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'model.outputs', NEW.model_id, 1 WHERE NEW.model_id IS NOT NULL AND NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'agent.outputs', NEW.agent_id, 1 WHERE NEW.agent_id IS NOT NULL AND NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'tag.outputs', tag_id, 1 FROM output_tags WHERE output_id = NEW.id AND deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
END;
DROP TRIGGER IF EXISTS pv_cap_ins_models;
CREATE TRIGGER pv_cap_ins_models AFTER INSERT ON models WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'models', NEW.id, 'insert', '["id","name","provider","notes","created_at","updated_at","deleted_at"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
DROP TRIGGER IF EXISTS pv_cap_ins_agents;
CREATE TRIGGER pv_cap_ins_agents AFTER INSERT ON agents WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'agents', NEW.id, 'insert', '["id","name","platform","url","default_model_id","description","instructions","created_at","updated_at","deleted_at"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
DROP TRIGGER IF EXISTS pv_cap_ins_prompts;
CREATE TRIGGER pv_cap_ins_prompts AFTER INSERT ON prompts WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'prompts', NEW.id, 'insert', '["id","derived_from_id","title","body","notes","created_at","updated_at","deleted_at"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
DROP TRIGGER IF EXISTS pv_cap_ins_tags;
CREATE TRIGGER pv_cap_ins_tags AFTER INSERT ON tags WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'tags', NEW.id, 'insert', '["id","name","color","created_at","updated_at","deleted_at"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
DROP TRIGGER IF EXISTS pv_cap_ins_outputs;
CREATE TRIGGER pv_cap_ins_outputs AFTER INSERT ON outputs WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'outputs', NEW.id, 'insert', '["id","prompt_id","model_id","agent_id","rating","captured_at","source","conversation_id","conversation_title","message_id","conversation_url","created_at","updated_at","deleted_at","notes","output","output_edited"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
DROP TRIGGER IF EXISTS pv_cap_ins_output_tags;
CREATE TRIGGER pv_cap_ins_output_tags AFTER INSERT ON output_tags WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'output_tags', NEW.output_id || '|' || NEW.tag_id, 'insert', '["output_id","tag_id","created_at","updated_at","deleted_at"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
DROP TRIGGER IF EXISTS pv_cap_ins_prompt_tags;
CREATE TRIGGER pv_cap_ins_prompt_tags AFTER INSERT ON prompt_tags WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'prompt_tags', NEW.prompt_id || '|' || NEW.tag_id, 'insert', '["prompt_id","tag_id","created_at","updated_at","deleted_at"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
DROP TRIGGER IF EXISTS pv_cap_ins_qa_activities;
CREATE TRIGGER pv_cap_ins_qa_activities AFTER INSERT ON qa_activities WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'qa_activities', NEW.id, 'insert', '["id","name","description","sort_order","created_at","updated_at","deleted_at"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
DROP TRIGGER IF EXISTS pv_cap_ins_prompt_qa_checks;
CREATE TRIGGER pv_cap_ins_prompt_qa_checks AFTER INSERT ON prompt_qa_checks WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'prompt_qa_checks', NEW.prompt_id || '|' || NEW.qa_activity_id, 'insert', '["prompt_id","qa_activity_id","done","done_at","note","created_at","updated_at","deleted_at"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
DROP TRIGGER IF EXISTS pv_cap_ins_lookups;
CREATE TRIGGER pv_cap_ins_lookups AFTER INSERT ON lookups WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'lookups', NEW.id, 'insert', '["id","name","applies_to","multi","sort_order","created_at","updated_at","deleted_at"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
DROP TRIGGER IF EXISTS pv_cap_ins_lookup_values;
CREATE TRIGGER pv_cap_ins_lookup_values AFTER INSERT ON lookup_values WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'lookup_values', NEW.id, 'insert', '["id","lookup_id","value","sort_order","created_at","updated_at","deleted_at"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
DROP TRIGGER IF EXISTS pv_cap_ins_output_lookup_values;
CREATE TRIGGER pv_cap_ins_output_lookup_values AFTER INSERT ON output_lookup_values WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'output_lookup_values', NEW.output_id || '|' || NEW.lookup_value_id, 'insert', '["output_id","lookup_value_id","created_at","updated_at","deleted_at"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
DROP TRIGGER IF EXISTS pv_cap_ins_prompt_lookup_values;
CREATE TRIGGER pv_cap_ins_prompt_lookup_values AFTER INSERT ON prompt_lookup_values WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'prompt_lookup_values', NEW.prompt_id || '|' || NEW.lookup_value_id, 'insert', '["prompt_id","lookup_value_id","created_at","updated_at","deleted_at"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
