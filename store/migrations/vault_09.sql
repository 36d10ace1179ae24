-- Vault schema step 9: the literal SQL of version 9, frozen (never edit; a change is a new step).
-- A custom lookup may apply to outputs, prompts or both: lookups rebuilt with the wider CHECK (rows and
-- rowids copied as they are), its capture triggers made again with the texts version 8 had.

CREATE TABLE pv_lookups_v9 (id TEXT NOT NULL DEFAULT (lower(substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),1,8) || '-' || substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),9,4) || '-7' || substr(hex(randomblob(2)),2,3) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)),2,3) || '-' || hex(randomblob(6)))), name TEXT NOT NULL DEFAULT (''), applies_to TEXT NOT NULL DEFAULT ('outputs'), multi INTEGER NOT NULL DEFAULT (0), sort_order INTEGER NOT NULL DEFAULT (0), created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), deleted_at TEXT, PRIMARY KEY (id), CHECK (applies_to IN ('outputs','prompts','both')));
INSERT INTO pv_lookups_v9(rowid, id, name, applies_to, multi, sort_order, created_at, updated_at, deleted_at)
  SELECT rowid, id, name, applies_to, multi, sort_order, created_at, updated_at, deleted_at FROM lookups;
DROP TABLE lookups;
ALTER TABLE pv_lookups_v9 RENAME TO lookups;
CREATE TRIGGER pv_cap_ins_lookups AFTER INSERT ON lookups WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'lookups', NEW.id, 'insert', '["id","name","applies_to","multi","sort_order","created_at","updated_at","deleted_at"]', printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_cap_upd_lookups AFTER UPDATE ON lookups WHEN (SELECT applying FROM pv_sync_state) = 0 AND (NEW.id IS NOT OLD.id OR NEW.name IS NOT OLD.name OR NEW.applies_to IS NOT OLD.applies_to OR NEW.multi IS NOT OLD.multi OR NEW.sort_order IS NOT OLD.sort_order OR NEW.created_at IS NOT OLD.created_at OR NEW.deleted_at IS NOT OLD.deleted_at) BEGIN
UPDATE pv_sync_state SET hlc_counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > hlc_ms THEN 0 ELSE hlc_counter + 1 END, hlc_ms = max(hlc_ms, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
UPDATE lookups SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = NEW.rowid;
INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT 'lookups', NEW.id, 'update', (SELECT json_group_object(k, v) FROM (SELECT 'id' AS k, NEW.id AS v WHERE NEW.id IS NOT OLD.id UNION ALL SELECT 'name' AS k, NEW.name AS v WHERE NEW.name IS NOT OLD.name UNION ALL SELECT 'applies_to' AS k, NEW.applies_to AS v WHERE NEW.applies_to IS NOT OLD.applies_to UNION ALL SELECT 'multi' AS k, NEW.multi AS v WHERE NEW.multi IS NOT OLD.multi UNION ALL SELECT 'sort_order' AS k, NEW.sort_order AS v WHERE NEW.sort_order IS NOT OLD.sort_order UNION ALL SELECT 'created_at' AS k, NEW.created_at AS v WHERE NEW.created_at IS NOT OLD.created_at UNION ALL SELECT 'deleted_at' AS k, NEW.deleted_at AS v WHERE NEW.deleted_at IS NOT OLD.deleted_at UNION ALL SELECT 'updated_at', strftime('%Y-%m-%dT%H:%M:%fZ','now'))), printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;
END;
CREATE TRIGGER pv_softdel_lookups BEFORE DELETE ON lookups WHEN (SELECT applying FROM pv_sync_state) = 0 BEGIN
UPDATE lookups SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE rowid = OLD.rowid AND deleted_at IS NULL;
SELECT RAISE(IGNORE);
END;
