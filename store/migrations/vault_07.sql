-- Vault schema step 7: the literal SQL of version 7, frozen (never edit; a change is a new step).
-- Object texts as the build of b942a53 left them in sqlite_master. The partial index over set-aside changes (IF NOT EXISTS: the sync engine
-- of versions 3..6 made it on first contact).

CREATE INDEX IF NOT EXISTS pv_changes_set_aside ON pv_changes(seq) WHERE status = 'set_aside';
