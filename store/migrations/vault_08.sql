-- Vault schema step 8: the literal SQL of version 8, frozen (never edit; a change is a new step).
-- Object texts as the build of 6f7ae49 left them in sqlite_master. Drafts: unsaved editor contents, local to the vault, never synced.

CREATE TABLE pv_drafts (
  slot TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  record_id TEXT,
  fields TEXT NOT NULL CHECK (json_valid(fields)),
  saved_at TEXT NOT NULL
);
