-- Vault schema step 1: the literal SQL of version 1, frozen (never edit; a change is a new step).
-- Object texts as the build of fc771ee left them in sqlite_master. Run in one transaction with foreign keys off.
CREATE TABLE pv_sync_state (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  device_id TEXT NOT NULL,
  hlc_ms INTEGER NOT NULL DEFAULT 0,
  hlc_counter INTEGER NOT NULL DEFAULT 0,
  applying INTEGER NOT NULL DEFAULT 0
);
INSERT INTO pv_sync_state(singleton, device_id) VALUES (1, lower(hex(randomblob(8))));
CREATE TABLE pv_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tbl TEXT NOT NULL,
  row_key TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('insert','update','delete')),
  cols TEXT NOT NULL,
  hlc TEXT NOT NULL,
  device_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','pushed','set_aside')),
  error TEXT
);
CREATE INDEX pv_changes_pending ON pv_changes(seq) WHERE status = 'pending';
CREATE INDEX pv_changes_row ON pv_changes(tbl, row_key);
CREATE TABLE pv_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE models (id TEXT NOT NULL DEFAULT (lower(substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),1,8) || '-' || substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),9,4) || '-7' || substr(hex(randomblob(2)),2,3) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)),2,3) || '-' || hex(randomblob(6)))), name TEXT NOT NULL DEFAULT (''), provider TEXT NOT NULL DEFAULT (''), notes TEXT NOT NULL DEFAULT (''), created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), deleted_at TEXT, PRIMARY KEY (id));
CREATE TABLE agents (id TEXT NOT NULL DEFAULT (lower(substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),1,8) || '-' || substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),9,4) || '-7' || substr(hex(randomblob(2)),2,3) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)),2,3) || '-' || hex(randomblob(6)))), name TEXT NOT NULL DEFAULT (''), platform TEXT NOT NULL DEFAULT (''), url TEXT NOT NULL DEFAULT (''), default_model_id TEXT REFERENCES models(id) DEFERRABLE INITIALLY DEFERRED, description TEXT NOT NULL DEFAULT (''), instructions TEXT NOT NULL DEFAULT (''), created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), deleted_at TEXT, PRIMARY KEY (id));
CREATE TABLE prompts (id TEXT NOT NULL DEFAULT (lower(substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),1,8) || '-' || substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),9,4) || '-7' || substr(hex(randomblob(2)),2,3) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)),2,3) || '-' || hex(randomblob(6)))), derived_from_id TEXT REFERENCES prompts(id) DEFERRABLE INITIALLY DEFERRED, title TEXT NOT NULL DEFAULT (''), body TEXT NOT NULL DEFAULT (''), notes TEXT NOT NULL DEFAULT (''), created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), deleted_at TEXT, PRIMARY KEY (id));
CREATE TABLE tags (id TEXT NOT NULL DEFAULT (lower(substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),1,8) || '-' || substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),9,4) || '-7' || substr(hex(randomblob(2)),2,3) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)),2,3) || '-' || hex(randomblob(6)))), name TEXT NOT NULL DEFAULT (''), color TEXT NOT NULL DEFAULT (''), created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), deleted_at TEXT, PRIMARY KEY (id));
CREATE TABLE outputs (id TEXT NOT NULL DEFAULT (lower(substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),1,8) || '-' || substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),9,4) || '-7' || substr(hex(randomblob(2)),2,3) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)),2,3) || '-' || hex(randomblob(6)))), prompt_id TEXT REFERENCES prompts(id) DEFERRABLE INITIALLY DEFERRED, model_id TEXT REFERENCES models(id) DEFERRABLE INITIALLY DEFERRED, agent_id TEXT REFERENCES agents(id) DEFERRABLE INITIALLY DEFERRED, rating INTEGER, captured_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), source TEXT NOT NULL DEFAULT (''), conversation_id TEXT NOT NULL DEFAULT (''), conversation_title TEXT NOT NULL DEFAULT (''), message_id TEXT NOT NULL DEFAULT (''), conversation_url TEXT NOT NULL DEFAULT (''), notes TEXT NOT NULL DEFAULT (''), output TEXT NOT NULL DEFAULT (''), output_edited TEXT, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), deleted_at TEXT, PRIMARY KEY (id), CHECK (rating IS NULL OR rating BETWEEN 1 AND 5));
CREATE TABLE output_tags (output_id TEXT NOT NULL REFERENCES outputs(id) DEFERRABLE INITIALLY DEFERRED, tag_id TEXT NOT NULL REFERENCES tags(id) DEFERRABLE INITIALLY DEFERRED, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), deleted_at TEXT, PRIMARY KEY (output_id, tag_id));
CREATE TABLE prompt_tags (prompt_id TEXT NOT NULL REFERENCES prompts(id) DEFERRABLE INITIALLY DEFERRED, tag_id TEXT NOT NULL REFERENCES tags(id) DEFERRABLE INITIALLY DEFERRED, created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), deleted_at TEXT, PRIMARY KEY (prompt_id, tag_id));
CREATE TABLE qa_activities (id TEXT NOT NULL DEFAULT (lower(substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),1,8) || '-' || substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),9,4) || '-7' || substr(hex(randomblob(2)),2,3) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)),2,3) || '-' || hex(randomblob(6)))), name TEXT NOT NULL DEFAULT (''), description TEXT NOT NULL DEFAULT (''), sort_order INTEGER NOT NULL DEFAULT (0), created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), deleted_at TEXT, PRIMARY KEY (id));
CREATE TABLE prompt_qa_checks (prompt_id TEXT NOT NULL REFERENCES prompts(id) DEFERRABLE INITIALLY DEFERRED, qa_activity_id TEXT NOT NULL REFERENCES qa_activities(id) DEFERRABLE INITIALLY DEFERRED, done INTEGER NOT NULL DEFAULT (0), done_at TEXT, note TEXT NOT NULL DEFAULT (''), created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), deleted_at TEXT, PRIMARY KEY (prompt_id, qa_activity_id));
CREATE INDEX outputs_captured ON outputs(captured_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX outputs_updated ON outputs(updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX outputs_prompt ON outputs(prompt_id, captured_at DESC, id DESC);
CREATE INDEX outputs_model ON outputs(model_id, captured_at DESC, id DESC);
CREATE INDEX outputs_agent ON outputs(agent_id, captured_at DESC, id DESC);
CREATE INDEX outputs_conversation ON outputs(conversation_id, message_id);
CREATE INDEX output_tags_tag ON output_tags(tag_id, output_id);
CREATE INDEX prompt_tags_tag ON prompt_tags(tag_id, prompt_id);
CREATE INDEX prompts_updated ON prompts(updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX prompts_derived ON prompts(derived_from_id);
CREATE INDEX prompts_title ON prompts(title COLLATE NOCASE);
CREATE INDEX models_name ON models(name COLLATE NOCASE);
CREATE INDEX agents_name ON agents(name COLLATE NOCASE);
CREATE INDEX tags_name ON tags(name COLLATE NOCASE);
CREATE INDEX qa_activities_name ON qa_activities(name COLLATE NOCASE);
CREATE INDEX prompt_qa_checks_activity ON prompt_qa_checks(qa_activity_id, prompt_id);
CREATE VIRTUAL TABLE prompts_fts USING fts5(title, body, content='prompts', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE outputs_fts USING fts5(output, output_edited, content='outputs', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER prompts_fts_ins AFTER INSERT ON prompts BEGIN
  INSERT INTO prompts_fts(rowid, title, body) VALUES (NEW.rowid, NEW.title, NEW.body);
END;
CREATE TRIGGER prompts_fts_del AFTER DELETE ON prompts BEGIN
  INSERT INTO prompts_fts(prompts_fts, rowid, title, body) VALUES ('delete', OLD.rowid, OLD.title, OLD.body);
END;
CREATE TRIGGER prompts_fts_upd AFTER UPDATE OF title, body ON prompts BEGIN
  INSERT INTO prompts_fts(prompts_fts, rowid, title, body) VALUES ('delete', OLD.rowid, OLD.title, OLD.body);
  INSERT INTO prompts_fts(rowid, title, body) VALUES (NEW.rowid, NEW.title, NEW.body);
END;
CREATE TRIGGER outputs_fts_ins AFTER INSERT ON outputs BEGIN
  INSERT INTO outputs_fts(rowid, output, output_edited) VALUES (NEW.rowid, NEW.output, NEW.output_edited);
END;
CREATE TRIGGER outputs_fts_del AFTER DELETE ON outputs BEGIN
  INSERT INTO outputs_fts(outputs_fts, rowid, output, output_edited) VALUES ('delete', OLD.rowid, OLD.output, OLD.output_edited);
END;
CREATE TRIGGER outputs_fts_upd AFTER UPDATE OF output, output_edited ON outputs BEGIN
  INSERT INTO outputs_fts(outputs_fts, rowid, output, output_edited) VALUES ('delete', OLD.rowid, OLD.output, OLD.output_edited);
  INSERT INTO outputs_fts(rowid, output, output_edited) VALUES (NEW.rowid, NEW.output, NEW.output_edited);
END;
CREATE TRIGGER pv_cap_ins_models AFTER INSERT ON models WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'models', NEW.id, 'insert', json_object('id', NEW.id, 'name', NEW.name, 'provider', NEW.provider, 'notes', NEW.notes, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_cap_upd_models AFTER UPDATE ON models WHEN (SELECT applying FROM pv_sync_state) = 0 AND (NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name OR NEW.provider IS NOT OLD.provider OR NEW.notes IS NOT OLD.notes OR NEW.created_at IS NOT OLD.created_at OR NEW.deleted_at IS NOT OLD.deleted_at) BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
UPDATE models SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = NEW.rowid;
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'models', NEW.id, 'update', (SELECT json_group_object(k, v) FROM (SELECT 'id' AS k, NEW.id AS v WHERE NEW.id IS NOT OLD.id UNION ALL SELECT 'name' AS k, NEW.name AS v WHERE NEW.name IS NOT OLD.name UNION ALL SELECT 'provider' AS k, NEW.provider AS v WHERE NEW.provider IS NOT OLD.provider UNION ALL SELECT 'notes' AS k, NEW.notes AS v WHERE NEW.notes IS NOT OLD.notes UNION ALL SELECT 'created_at' AS k, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at UNION ALL SELECT 'deleted_at' AS k, NEW.deleted_at AS v WHERE NEW.deleted_at IS NOT OLD.deleted_at UNION ALL SELECT 'updated_at', strftime('%Y-%m-%dT%H:%M:%fZ','now'))), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_softdel_models BEFORE DELETE ON models WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE models SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = OLD.rowid AND deleted_at IS NULL;
SELECT RAISE(IGNORE);
END;
CREATE TRIGGER pv_cap_ins_agents AFTER INSERT ON agents WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'agents', NEW.id, 'insert', json_object('id', NEW.id, 'name', NEW.name, 'platform', NEW.platform, 'url', NEW.url, 'default_model_id', NEW.default_model_id, 'description', NEW.description, 'instructions', NEW.instructions, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_cap_upd_agents AFTER UPDATE ON agents WHEN (SELECT applying FROM pv_sync_state) = 0 AND (NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name OR NEW.platform IS NOT OLD.platform OR NEW.url IS NOT OLD.url OR NEW.default_model_id IS NOT OLD.default_model_id OR NEW.description IS NOT OLD.description OR NEW.instructions IS NOT OLD.instructions OR NEW.created_at IS NOT OLD.created_at OR NEW.deleted_at IS NOT OLD.deleted_at) BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
UPDATE agents SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = NEW.rowid;
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'agents', NEW.id, 'update', (SELECT json_group_object(k, v) FROM (SELECT 'id' AS k, NEW.id AS v WHERE NEW.id IS NOT OLD.id UNION ALL SELECT 'name' AS k, NEW.name AS v WHERE NEW.name IS NOT OLD.name UNION ALL SELECT 'platform' AS k, NEW.platform AS v WHERE NEW.platform IS NOT OLD.platform UNION ALL SELECT 'url' AS k, NEW.url AS v WHERE NEW.url IS NOT OLD.url UNION ALL SELECT 'default_model_id' AS k, NEW.default_model_id AS v WHERE NEW.default_model_id IS NOT OLD.default_model_id UNION ALL SELECT 'description' AS k, NEW.description AS v WHERE NEW.description IS NOT OLD.description UNION ALL SELECT 'instructions' AS k, NEW.instructions AS v WHERE NEW.instructions IS NOT OLD.instructions UNION ALL SELECT 'created_at' AS k, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at UNION ALL SELECT 'deleted_at' AS k, NEW.deleted_at AS v WHERE NEW.deleted_at IS NOT OLD.deleted_at UNION ALL SELECT 'updated_at', strftime('%Y-%m-%dT%H:%M:%fZ','now'))), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_softdel_agents BEFORE DELETE ON agents WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE agents SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = OLD.rowid AND deleted_at IS NULL;
SELECT RAISE(IGNORE);
END;
CREATE TRIGGER pv_cap_ins_prompts AFTER INSERT ON prompts WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'prompts', NEW.id, 'insert', json_object('id', NEW.id, 'derived_from_id', NEW.derived_from_id, 'title', NEW.title, 'body', NEW.body, 'notes', NEW.notes, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_cap_upd_prompts AFTER UPDATE ON prompts WHEN (SELECT applying FROM pv_sync_state) = 0 AND (NEW.id IS NOT OLD.id OR NEW.derived_from_id IS NOT OLD.derived_from_id OR NEW.title IS NOT OLD.title OR NEW.body IS NOT OLD.body OR NEW.notes IS NOT OLD.notes OR NEW.created_at IS NOT OLD.created_at OR NEW.deleted_at IS NOT OLD.deleted_at) BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
UPDATE prompts SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = NEW.rowid;
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'prompts', NEW.id, 'update', (SELECT json_group_object(k, v) FROM (SELECT 'id' AS k, NEW.id AS v WHERE NEW.id IS NOT OLD.id UNION ALL SELECT 'derived_from_id' AS k, NEW.derived_from_id AS v WHERE NEW.derived_from_id IS NOT OLD.derived_from_id UNION ALL SELECT 'title' AS k, NEW.title AS v WHERE NEW.title IS NOT OLD.title UNION ALL SELECT 'body' AS k, NEW.body AS v WHERE NEW.body IS NOT OLD.body UNION ALL SELECT 'notes' AS k, NEW.notes AS v WHERE NEW.notes IS NOT OLD.notes UNION ALL SELECT 'created_at' AS k, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at UNION ALL SELECT 'deleted_at' AS k, NEW.deleted_at AS v WHERE NEW.deleted_at IS NOT OLD.deleted_at UNION ALL SELECT 'updated_at', strftime('%Y-%m-%dT%H:%M:%fZ','now'))), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_softdel_prompts BEFORE DELETE ON prompts WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE prompts SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = OLD.rowid AND deleted_at IS NULL;
SELECT RAISE(IGNORE);
END;
CREATE TRIGGER pv_cap_ins_tags AFTER INSERT ON tags WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'tags', NEW.id, 'insert', json_object('id', NEW.id, 'name', NEW.name, 'color', NEW.color, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_cap_upd_tags AFTER UPDATE ON tags WHEN (SELECT applying FROM pv_sync_state) = 0 AND (NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name OR NEW.color IS NOT OLD.color OR NEW.created_at IS NOT OLD.created_at OR NEW.deleted_at IS NOT OLD.deleted_at) BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
UPDATE tags SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = NEW.rowid;
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'tags', NEW.id, 'update', (SELECT json_group_object(k, v) FROM (SELECT 'id' AS k, NEW.id AS v WHERE NEW.id IS NOT OLD.id UNION ALL SELECT 'name' AS k, NEW.name AS v WHERE NEW.name IS NOT OLD.name UNION ALL SELECT 'color' AS k, NEW.color AS v WHERE NEW.color IS NOT OLD.color UNION ALL SELECT 'created_at' AS k, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at UNION ALL SELECT 'deleted_at' AS k, NEW.deleted_at AS v WHERE NEW.deleted_at IS NOT OLD.deleted_at UNION ALL SELECT 'updated_at', strftime('%Y-%m-%dT%H:%M:%fZ','now'))), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_softdel_tags BEFORE DELETE ON tags WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE tags SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = OLD.rowid AND deleted_at IS NULL;
SELECT RAISE(IGNORE);
END;
CREATE TRIGGER pv_cap_ins_outputs AFTER INSERT ON outputs WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'outputs', NEW.id, 'insert', json_object('id', NEW.id, 'prompt_id', NEW.prompt_id, 'model_id', NEW.model_id, 'agent_id', NEW.agent_id, 'rating', NEW.rating, 'captured_at', NEW.captured_at, 'source', NEW.source, 'conversation_id', NEW.conversation_id, 'conversation_title', NEW.conversation_title, 'message_id', NEW.message_id, 'conversation_url', NEW.conversation_url, 'notes', NEW.notes, 'output', NEW.output, 'output_edited', NEW.output_edited, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_cap_upd_outputs AFTER UPDATE ON outputs WHEN (SELECT applying FROM pv_sync_state) = 0 AND (NEW.id IS NOT OLD.id OR NEW.prompt_id IS NOT OLD.prompt_id OR NEW.model_id IS NOT OLD.model_id OR NEW.agent_id IS NOT OLD.agent_id OR NEW.rating IS NOT OLD.rating OR NEW.captured_at IS NOT OLD.captured_at OR NEW.source IS NOT OLD.source OR NEW.conversation_id IS NOT OLD.conversation_id OR NEW.conversation_title IS NOT OLD.conversation_title OR NEW.message_id IS NOT OLD.message_id OR NEW.conversation_url IS NOT OLD.conversation_url OR NEW.notes IS NOT OLD.notes OR NEW.output IS NOT OLD.output OR NEW.output_edited IS NOT OLD.output_edited OR NEW.created_at IS NOT OLD.created_at OR NEW.deleted_at IS NOT OLD.deleted_at) BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
UPDATE outputs SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = NEW.rowid;
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'outputs', NEW.id, 'update', (SELECT json_group_object(k, v) FROM (SELECT 'id' AS k, NEW.id AS v WHERE NEW.id IS NOT OLD.id UNION ALL SELECT 'prompt_id' AS k, NEW.prompt_id AS v WHERE NEW.prompt_id IS NOT OLD.prompt_id UNION ALL SELECT 'model_id' AS k, NEW.model_id AS v WHERE NEW.model_id IS NOT OLD.model_id UNION ALL SELECT 'agent_id' AS k, NEW.agent_id AS v WHERE NEW.agent_id IS NOT OLD.agent_id UNION ALL SELECT 'rating' AS k, NEW.rating AS v WHERE NEW.rating IS NOT OLD.rating UNION ALL SELECT 'captured_at' AS k, NEW.captured_at AS v WHERE NEW.captured_at IS NOT OLD.captured_at UNION ALL SELECT 'source' AS k, NEW.source AS v WHERE NEW.source IS NOT OLD.source UNION ALL SELECT 'conversation_id' AS k, NEW.conversation_id AS v WHERE NEW.conversation_id IS NOT OLD.conversation_id UNION ALL SELECT 'conversation_title' AS k, NEW.conversation_title AS v WHERE NEW.conversation_title IS NOT OLD.conversation_title UNION ALL SELECT 'message_id' AS k, NEW.message_id AS v WHERE NEW.message_id IS NOT OLD.message_id UNION ALL SELECT 'conversation_url' AS k, NEW.conversation_url AS v WHERE NEW.conversation_url IS NOT OLD.conversation_url UNION ALL SELECT 'notes' AS k, NEW.notes AS v WHERE NEW.notes IS NOT OLD.notes UNION ALL SELECT 'output' AS k, NEW.output AS v WHERE NEW.output IS NOT OLD.output UNION ALL SELECT 'output_edited' AS k, NEW.output_edited AS v WHERE NEW.output_edited IS NOT OLD.output_edited UNION ALL SELECT 'created_at' AS k, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at UNION ALL SELECT 'deleted_at' AS k, NEW.deleted_at AS v WHERE NEW.deleted_at IS NOT OLD.deleted_at UNION ALL SELECT 'updated_at', strftime('%Y-%m-%dT%H:%M:%fZ','now'))), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_softdel_outputs BEFORE DELETE ON outputs WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE outputs SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = OLD.rowid AND deleted_at IS NULL;
SELECT RAISE(IGNORE);
END;
CREATE TRIGGER pv_cap_ins_output_tags AFTER INSERT ON output_tags WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'output_tags', NEW.output_id || '|' || NEW.tag_id, 'insert', json_object('output_id', NEW.output_id, 'tag_id', NEW.tag_id, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_cap_upd_output_tags AFTER UPDATE ON output_tags WHEN (SELECT applying FROM pv_sync_state) = 0 AND (NEW.output_id IS NOT OLD.output_id OR NEW.tag_id IS NOT OLD.tag_id OR NEW.created_at IS NOT OLD.created_at OR NEW.deleted_at IS NOT OLD.deleted_at) BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
UPDATE output_tags SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = NEW.rowid;
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'output_tags', NEW.output_id || '|' || NEW.tag_id, 'update', (SELECT json_group_object(k, v) FROM (SELECT 'output_id' AS k, NEW.output_id AS v WHERE NEW.output_id IS NOT OLD.output_id UNION ALL SELECT 'tag_id' AS k, NEW.tag_id AS v WHERE NEW.tag_id IS NOT OLD.tag_id UNION ALL SELECT 'created_at' AS k, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at UNION ALL SELECT 'deleted_at' AS k, NEW.deleted_at AS v WHERE NEW.deleted_at IS NOT OLD.deleted_at UNION ALL SELECT 'updated_at', strftime('%Y-%m-%dT%H:%M:%fZ','now'))), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_softdel_output_tags BEFORE DELETE ON output_tags WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE output_tags SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = OLD.rowid AND deleted_at IS NULL;
SELECT RAISE(IGNORE);
END;
CREATE TRIGGER pv_cap_ins_prompt_tags AFTER INSERT ON prompt_tags WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'prompt_tags', NEW.prompt_id || '|' || NEW.tag_id, 'insert', json_object('prompt_id', NEW.prompt_id, 'tag_id', NEW.tag_id, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_cap_upd_prompt_tags AFTER UPDATE ON prompt_tags WHEN (SELECT applying FROM pv_sync_state) = 0 AND (NEW.prompt_id IS NOT OLD.prompt_id OR NEW.tag_id IS NOT OLD.tag_id OR NEW.created_at IS NOT OLD.created_at OR NEW.deleted_at IS NOT OLD.deleted_at) BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
UPDATE prompt_tags SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = NEW.rowid;
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'prompt_tags', NEW.prompt_id || '|' || NEW.tag_id, 'update', (SELECT json_group_object(k, v) FROM (SELECT 'prompt_id' AS k, NEW.prompt_id AS v WHERE NEW.prompt_id IS NOT OLD.prompt_id UNION ALL SELECT 'tag_id' AS k, NEW.tag_id AS v WHERE NEW.tag_id IS NOT OLD.tag_id UNION ALL SELECT 'created_at' AS k, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at UNION ALL SELECT 'deleted_at' AS k, NEW.deleted_at AS v WHERE NEW.deleted_at IS NOT OLD.deleted_at UNION ALL SELECT 'updated_at', strftime('%Y-%m-%dT%H:%M:%fZ','now'))), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_softdel_prompt_tags BEFORE DELETE ON prompt_tags WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE prompt_tags SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = OLD.rowid AND deleted_at IS NULL;
SELECT RAISE(IGNORE);
END;
CREATE TRIGGER pv_cap_ins_qa_activities AFTER INSERT ON qa_activities WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'qa_activities', NEW.id, 'insert', json_object('id', NEW.id, 'name', NEW.name, 'description', NEW.description, 'sort_order', NEW.sort_order, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_cap_upd_qa_activities AFTER UPDATE ON qa_activities WHEN (SELECT applying FROM pv_sync_state) = 0 AND (NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name OR NEW.description IS NOT OLD.description OR NEW.sort_order IS NOT OLD.sort_order OR NEW.created_at IS NOT OLD.created_at OR NEW.deleted_at IS NOT OLD.deleted_at) BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
UPDATE qa_activities SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = NEW.rowid;
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'qa_activities', NEW.id, 'update', (SELECT json_group_object(k, v) FROM (SELECT 'id' AS k, NEW.id AS v WHERE NEW.id IS NOT OLD.id UNION ALL SELECT 'name' AS k, NEW.name AS v WHERE NEW.name IS NOT OLD.name UNION ALL SELECT 'description' AS k, NEW.description AS v WHERE NEW.description IS NOT OLD.description UNION ALL SELECT 'sort_order' AS k, NEW.sort_order AS v WHERE NEW.sort_order IS NOT OLD.sort_order UNION ALL SELECT 'created_at' AS k, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at UNION ALL SELECT 'deleted_at' AS k, NEW.deleted_at AS v WHERE NEW.deleted_at IS NOT OLD.deleted_at UNION ALL SELECT 'updated_at', strftime('%Y-%m-%dT%H:%M:%fZ','now'))), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_softdel_qa_activities BEFORE DELETE ON qa_activities WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE qa_activities SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = OLD.rowid AND deleted_at IS NULL;
SELECT RAISE(IGNORE);
END;
CREATE TRIGGER pv_cap_ins_prompt_qa_checks AFTER INSERT ON prompt_qa_checks WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'prompt_qa_checks', NEW.prompt_id || '|' || NEW.qa_activity_id, 'insert', json_object('prompt_id', NEW.prompt_id, 'qa_activity_id', NEW.qa_activity_id, 'done', NEW.done, 'done_at', NEW.done_at, 'note', NEW.note, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_cap_upd_prompt_qa_checks AFTER UPDATE ON prompt_qa_checks WHEN (SELECT applying FROM pv_sync_state) = 0 AND (NEW.prompt_id IS NOT OLD.prompt_id OR NEW.qa_activity_id IS NOT OLD.qa_activity_id OR NEW.done IS NOT OLD.done OR NEW.done_at IS NOT OLD.done_at OR NEW.note IS NOT OLD.note OR NEW.created_at IS NOT OLD.created_at OR NEW.deleted_at IS NOT OLD.deleted_at) BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
UPDATE prompt_qa_checks SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = NEW.rowid;
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'prompt_qa_checks', NEW.prompt_id || '|' || NEW.qa_activity_id, 'update', (SELECT json_group_object(k, v) FROM (SELECT 'prompt_id' AS k, NEW.prompt_id AS v WHERE NEW.prompt_id IS NOT OLD.prompt_id UNION ALL SELECT 'qa_activity_id' AS k, NEW.qa_activity_id AS v WHERE NEW.qa_activity_id IS NOT OLD.qa_activity_id UNION ALL SELECT 'done' AS k, NEW.done AS v WHERE NEW.done IS NOT OLD.done UNION ALL SELECT 'done_at' AS k, NEW.done_at AS v WHERE NEW.done_at IS NOT OLD.done_at UNION ALL SELECT 'note' AS k, NEW.note AS v WHERE NEW.note IS NOT OLD.note UNION ALL SELECT 'created_at' AS k, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at UNION ALL SELECT 'deleted_at' AS k, NEW.deleted_at AS v WHERE NEW.deleted_at IS NOT OLD.deleted_at UNION ALL SELECT 'updated_at', strftime('%Y-%m-%dT%H:%M:%fZ','now'))), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_softdel_prompt_qa_checks BEFORE DELETE ON prompt_qa_checks WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE prompt_qa_checks SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = OLD.rowid AND deleted_at IS NULL;
SELECT RAISE(IGNORE);
END;
