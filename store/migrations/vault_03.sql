-- Vault schema step 3: the literal SQL of version 3, frozen (never edit; a change is a new step).
-- Object texts as the build of 80bcecc left them in sqlite_master. Speed: outputs rebuilt with its stamps before the long texts
-- (rowids kept, so the FTS index stays valid); relation counters (pv_counts) kept by triggers.

DROP TRIGGER IF EXISTS outputs_fts_ins;
DROP TRIGGER IF EXISTS outputs_fts_del;
DROP TRIGGER IF EXISTS outputs_fts_upd;
DROP TRIGGER IF EXISTS pv_cap_ins_outputs;
DROP TRIGGER IF EXISTS pv_cap_upd_outputs;
DROP TRIGGER IF EXISTS pv_softdel_outputs;
CREATE TABLE pv_outputs_v3 (id TEXT NOT NULL DEFAULT (lower(substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),1,8) || '-' || substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),9,4) || '-7' || substr(hex(randomblob(2)),2,3) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)),2,3) || '-' || hex(randomblob(6)))), prompt_id TEXT REFERENCES prompts(id) DEFERRABLE INITIALLY DEFERRED, model_id TEXT REFERENCES models(id) DEFERRABLE INITIALLY DEFERRED, agent_id TEXT REFERENCES agents(id) DEFERRABLE INITIALLY DEFERRED, rating INTEGER, captured_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), source TEXT NOT NULL DEFAULT (''), conversation_id TEXT NOT NULL DEFAULT (''), conversation_title TEXT NOT NULL DEFAULT (''), message_id TEXT NOT NULL DEFAULT (''), conversation_url TEXT NOT NULL DEFAULT (''), created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), deleted_at TEXT, notes TEXT NOT NULL DEFAULT (''), output TEXT NOT NULL DEFAULT (''), output_edited TEXT, PRIMARY KEY (id), CHECK (rating IS NULL OR rating BETWEEN 1 AND 5));
INSERT INTO pv_outputs_v3(rowid, id, prompt_id, model_id, agent_id, rating, captured_at, source, conversation_id, conversation_title, message_id, conversation_url, created_at, updated_at, deleted_at, notes, output, output_edited) SELECT rowid, id, prompt_id, model_id, agent_id, rating, captured_at, source, conversation_id, conversation_title, message_id, conversation_url, created_at, updated_at, deleted_at, notes, output, output_edited FROM outputs;
DROP TABLE outputs;
ALTER TABLE pv_outputs_v3 RENAME TO outputs;
CREATE INDEX outputs_captured ON outputs(captured_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX outputs_updated ON outputs(updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX outputs_prompt ON outputs(prompt_id, captured_at DESC, id DESC);
CREATE INDEX outputs_model ON outputs(model_id, captured_at DESC, id DESC);
CREATE INDEX outputs_agent ON outputs(agent_id, captured_at DESC, id DESC);
CREATE INDEX outputs_conversation ON outputs(conversation_id, message_id);
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
CREATE TABLE pv_counts (rel TEXT NOT NULL, id TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (rel, id)) WITHOUT ROWID;
CREATE TRIGGER pv_cnt_outputs_ins AFTER INSERT ON outputs WHEN NEW.deleted_at IS NULL BEGIN
INSERT INTO pv_counts(rel, id, n) SELECT 'outputs', '', 1 WHERE NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'prompt.outputs', NEW.prompt_id, 1 WHERE NEW.prompt_id IS NOT NULL AND NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'model.outputs', NEW.model_id, 1 WHERE NEW.model_id IS NOT NULL AND NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'agent.outputs', NEW.agent_id, 1 WHERE NEW.agent_id IS NOT NULL AND NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'tag.outputs', tag_id, 1 FROM output_tags WHERE output_id = NEW.id AND deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER pv_cnt_outputs_del AFTER DELETE ON outputs WHEN OLD.deleted_at IS NULL BEGIN
UPDATE pv_counts SET n = n - 1 WHERE rel = 'outputs' AND id = '' AND OLD.deleted_at IS NULL;
UPDATE pv_counts SET n = n - 1 WHERE rel = 'prompt.outputs' AND id = OLD.prompt_id AND OLD.prompt_id IS NOT NULL AND OLD.deleted_at IS NULL;
UPDATE pv_counts SET n = n - 1 WHERE rel = 'model.outputs' AND id = OLD.model_id AND OLD.model_id IS NOT NULL AND OLD.deleted_at IS NULL;
UPDATE pv_counts SET n = n - 1 WHERE rel = 'agent.outputs' AND id = OLD.agent_id AND OLD.agent_id IS NOT NULL AND OLD.deleted_at IS NULL;
UPDATE pv_counts SET n = n - 1 WHERE rel = 'tag.outputs' AND id IN (SELECT tag_id FROM output_tags WHERE output_id = OLD.id AND deleted_at IS NULL);
END;
CREATE TRIGGER pv_cnt_outputs_upd AFTER UPDATE OF prompt_id, model_id, agent_id, deleted_at ON outputs BEGIN
UPDATE pv_counts SET n = n - 1 WHERE rel = 'outputs' AND id = '' AND OLD.deleted_at IS NULL;
UPDATE pv_counts SET n = n - 1 WHERE rel = 'prompt.outputs' AND id = OLD.prompt_id AND OLD.prompt_id IS NOT NULL AND OLD.deleted_at IS NULL;
UPDATE pv_counts SET n = n - 1 WHERE rel = 'model.outputs' AND id = OLD.model_id AND OLD.model_id IS NOT NULL AND OLD.deleted_at IS NULL;
UPDATE pv_counts SET n = n - 1 WHERE rel = 'agent.outputs' AND id = OLD.agent_id AND OLD.agent_id IS NOT NULL AND OLD.deleted_at IS NULL;
INSERT INTO pv_counts(rel, id, n) SELECT 'outputs', '', 1 WHERE NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'prompt.outputs', NEW.prompt_id, 1 WHERE NEW.prompt_id IS NOT NULL AND NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'model.outputs', NEW.model_id, 1 WHERE NEW.model_id IS NOT NULL AND NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
INSERT INTO pv_counts(rel, id, n) SELECT 'agent.outputs', NEW.agent_id, 1 WHERE NEW.agent_id IS NOT NULL AND NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
UPDATE pv_counts SET n = n + CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END WHERE rel = 'tag.outputs' AND (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) AND id IN (SELECT tag_id FROM output_tags WHERE output_id = NEW.id AND deleted_at IS NULL);
INSERT INTO pv_counts(rel, id, n) SELECT 'tag.outputs', tag_id, 1 FROM output_tags WHERE OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL AND output_id = NEW.id AND deleted_at IS NULL ON CONFLICT(rel, id) DO NOTHING;
END;
CREATE TRIGGER pv_cnt_output_tags_ins AFTER INSERT ON output_tags WHEN NEW.deleted_at IS NULL BEGIN
INSERT INTO pv_counts(rel, id, n) SELECT 'tag.outputs', NEW.tag_id, 1 WHERE EXISTS (SELECT 1 FROM outputs WHERE id = NEW.output_id AND deleted_at IS NULL) ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER pv_cnt_output_tags_del AFTER DELETE ON output_tags WHEN OLD.deleted_at IS NULL BEGIN
UPDATE pv_counts SET n = n - 1 WHERE rel = 'tag.outputs' AND id = OLD.tag_id AND EXISTS (SELECT 1 FROM outputs WHERE id = OLD.output_id AND deleted_at IS NULL);
END;
CREATE TRIGGER pv_cnt_output_tags_upd AFTER UPDATE OF output_id, tag_id, deleted_at ON output_tags BEGIN
UPDATE pv_counts SET n = n - 1 WHERE rel = 'tag.outputs' AND id = OLD.tag_id AND OLD.deleted_at IS NULL AND EXISTS (SELECT 1 FROM outputs WHERE id = OLD.output_id AND deleted_at IS NULL);
INSERT INTO pv_counts(rel, id, n) SELECT 'tag.outputs', NEW.tag_id, 1 WHERE NEW.deleted_at IS NULL AND EXISTS (SELECT 1 FROM outputs WHERE id = NEW.output_id AND deleted_at IS NULL) ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER pv_cnt_prompt_tags_ins AFTER INSERT ON prompt_tags WHEN NEW.deleted_at IS NULL BEGIN
INSERT INTO pv_counts(rel, id, n) SELECT 'tag.prompts', NEW.tag_id, 1 WHERE 1 ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER pv_cnt_prompt_tags_del AFTER DELETE ON prompt_tags WHEN OLD.deleted_at IS NULL BEGIN
UPDATE pv_counts SET n = n - 1 WHERE rel = 'tag.prompts' AND id = OLD.tag_id AND 1;
END;
CREATE TRIGGER pv_cnt_prompt_tags_upd AFTER UPDATE OF prompt_id, tag_id, deleted_at ON prompt_tags BEGIN
UPDATE pv_counts SET n = n - 1 WHERE rel = 'tag.prompts' AND id = OLD.tag_id AND OLD.deleted_at IS NULL;
INSERT INTO pv_counts(rel, id, n) SELECT 'tag.prompts', NEW.tag_id, 1 WHERE NEW.deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;
END;
DELETE FROM pv_counts;
INSERT INTO pv_counts SELECT 'outputs', '', count(*) FROM outputs WHERE deleted_at IS NULL;
INSERT INTO pv_counts SELECT 'prompt.outputs', prompt_id, count(*) FROM outputs WHERE deleted_at IS NULL AND prompt_id IS NOT NULL GROUP BY prompt_id;
INSERT INTO pv_counts SELECT 'model.outputs', model_id, count(*) FROM outputs WHERE deleted_at IS NULL AND model_id IS NOT NULL GROUP BY model_id;
INSERT INTO pv_counts SELECT 'agent.outputs', agent_id, count(*) FROM outputs WHERE deleted_at IS NULL AND agent_id IS NOT NULL GROUP BY agent_id;
INSERT INTO pv_counts SELECT 'tag.outputs', l.tag_id, count(*) FROM output_tags l JOIN outputs o ON o.id = l.output_id
  WHERE l.deleted_at IS NULL AND o.deleted_at IS NULL GROUP BY l.tag_id;
INSERT INTO pv_counts SELECT 'tag.prompts', tag_id, count(*) FROM prompt_tags WHERE deleted_at IS NULL GROUP BY tag_id;
CREATE TRIGGER pv_cap_ins_outputs AFTER INSERT ON outputs WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'outputs', NEW.id, 'insert', json_object('id', NEW.id, 'prompt_id', NEW.prompt_id, 'model_id', NEW.model_id, 'agent_id', NEW.agent_id, 'rating', NEW.rating, 'captured_at', NEW.captured_at, 'source', NEW.source, 'conversation_id', NEW.conversation_id, 'conversation_title', NEW.conversation_title, 'message_id', NEW.message_id, 'conversation_url', NEW.conversation_url, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at, 'deleted_at', NEW.deleted_at, 'notes', NEW.notes, 'output', NEW.output, 'output_edited', NEW.output_edited), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_cap_upd_outputs AFTER UPDATE ON outputs WHEN (SELECT applying FROM pv_sync_state) = 0 AND (NEW.id IS NOT OLD.id OR NEW.prompt_id IS NOT OLD.prompt_id OR NEW.model_id IS NOT OLD.model_id OR NEW.agent_id IS NOT OLD.agent_id OR NEW.rating IS NOT OLD.rating OR NEW.captured_at IS NOT OLD.captured_at OR NEW.source IS NOT OLD.source OR NEW.conversation_id IS NOT OLD.conversation_id OR NEW.conversation_title IS NOT OLD.conversation_title OR NEW.message_id IS NOT OLD.message_id OR NEW.conversation_url IS NOT OLD.conversation_url OR NEW.created_at IS NOT OLD.created_at OR NEW.deleted_at IS NOT OLD.deleted_at OR NEW.notes IS NOT OLD.notes OR NEW.output IS NOT OLD.output OR NEW.output_edited IS NOT OLD.output_edited) BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
UPDATE outputs SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = NEW.rowid;
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'outputs', NEW.id, 'update', (SELECT json_group_object(k, v) FROM (SELECT 'id' AS k, NEW.id AS v WHERE NEW.id IS NOT OLD.id UNION ALL SELECT 'prompt_id' AS k, NEW.prompt_id AS v WHERE NEW.prompt_id IS NOT OLD.prompt_id UNION ALL SELECT 'model_id' AS k, NEW.model_id AS v WHERE NEW.model_id IS NOT OLD.model_id UNION ALL SELECT 'agent_id' AS k, NEW.agent_id AS v WHERE NEW.agent_id IS NOT OLD.agent_id UNION ALL SELECT 'rating' AS k, NEW.rating AS v WHERE NEW.rating IS NOT OLD.rating UNION ALL SELECT 'captured_at' AS k, NEW.captured_at AS v WHERE NEW.captured_at IS NOT OLD.captured_at UNION ALL SELECT 'source' AS k, NEW.source AS v WHERE NEW.source IS NOT OLD.source UNION ALL SELECT 'conversation_id' AS k, NEW.conversation_id AS v WHERE NEW.conversation_id IS NOT OLD.conversation_id UNION ALL SELECT 'conversation_title' AS k, NEW.conversation_title AS v WHERE NEW.conversation_title IS NOT OLD.conversation_title UNION ALL SELECT 'message_id' AS k, NEW.message_id AS v WHERE NEW.message_id IS NOT OLD.message_id UNION ALL SELECT 'conversation_url' AS k, NEW.conversation_url AS v WHERE NEW.conversation_url IS NOT OLD.conversation_url UNION ALL SELECT 'created_at' AS k, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at UNION ALL SELECT 'deleted_at' AS k, NEW.deleted_at AS v WHERE NEW.deleted_at IS NOT OLD.deleted_at UNION ALL SELECT 'notes' AS k, NEW.notes AS v WHERE NEW.notes IS NOT OLD.notes UNION ALL SELECT 'output' AS k, NEW.output AS v WHERE NEW.output IS NOT OLD.output UNION ALL SELECT 'output_edited' AS k, NEW.output_edited AS v WHERE NEW.output_edited IS NOT OLD.output_edited UNION ALL SELECT 'updated_at', strftime('%Y-%m-%dT%H:%M:%fZ','now'))), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_softdel_outputs BEFORE DELETE ON outputs WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE outputs SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = OLD.rowid AND deleted_at IS NULL;
SELECT RAISE(IGNORE);
END;
