-- Server schema step 2 (3fac72a): the device row remembers which change its high-water mark is (a
-- vault restored from a backup, or a copy of a vault, reuses seqs for other changes); the helper
-- functions of version 1 go (the statements inline them, so a sync never runs code that lives in
-- the sync schema). Frozen (never edit; a change is a new step).
ALTER TABLE @schema@.devices ADD COLUMN pushed_mark text;
DROP FUNCTION IF EXISTS @schema@.pv_merge_clocks(jsonb, jsonb);
DROP FUNCTION IF EXISTS @schema@.pv_any_newer(jsonb, jsonb);
DROP FUNCTION IF EXISTS @schema@.pv_only_device(jsonb, text);
