-- Server schema step 1: the literal SQL of server version 1 (ed897b7 .. 3fac72a), frozen (never edit; a
-- change is a new step). @schema@ stands for the quoted name of the sync schema.
CREATE TABLE @schema@.schema_version (version int NOT NULL, server_id text NOT NULL);
CREATE TABLE @schema@.devices (device_id text COLLATE "C" PRIMARY KEY, pushed_seq bigint NOT NULL DEFAULT 0,
  last_push_at timestamptz);
CREATE TABLE @schema@.refused_changes (device_id text COLLATE "C" NOT NULL, seq bigint NOT NULL, tbl text NOT NULL,
  row_key text NOT NULL, error text NOT NULL, refused_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (device_id, seq));
CREATE TABLE @schema@.change_log (server_seq bigserial PRIMARY KEY, xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  device_id text NOT NULL, first_seq bigint NOT NULL, last_seq bigint NOT NULL, changes int NOT NULL DEFAULT 0,
  rows_changed int NOT NULL DEFAULT 0, refused int NOT NULL DEFAULT 0, committed_at timestamptz NOT NULL DEFAULT now());
CREATE FUNCTION @schema@.pv_merge_clocks(cur jsonb, inc jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT cur || COALESCE(jsonb_object_agg(e.key, e.value), '{}'::jsonb)
  FROM jsonb_each_text(inc) e WHERE e.value COLLATE "C" > COALESCE(cur->>e.key, '') COLLATE "C" $$;
CREATE FUNCTION @schema@.pv_any_newer(cur jsonb, inc jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT EXISTS (SELECT 1 FROM jsonb_each_text(inc) e WHERE e.value COLLATE "C" > COALESCE(cur->>e.key, '') COLLATE "C") $$;
CREATE FUNCTION @schema@.pv_only_device(clocks jsonb, dev text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT NOT EXISTS (SELECT 1 FROM jsonb_each_text(clocks) e WHERE split_part(e.value, '@', 2) <> dev) $$;
CREATE TABLE @schema@.models (id text COLLATE "C" NOT NULL, name text COLLATE "C" NOT NULL, provider text COLLATE "C" NOT NULL, notes text COLLATE "C" NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, deleted_at text COLLATE "C", _clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, PRIMARY KEY (id));
CREATE INDEX models_xid ON @schema@.models (_xid);
CREATE TABLE @schema@.agents (id text COLLATE "C" NOT NULL, name text COLLATE "C" NOT NULL, platform text COLLATE "C" NOT NULL, url text COLLATE "C" NOT NULL, default_model_id text COLLATE "C", description text COLLATE "C" NOT NULL, instructions text COLLATE "C" NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, deleted_at text COLLATE "C", _clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, PRIMARY KEY (id), FOREIGN KEY (default_model_id) REFERENCES @schema@.models(id));
CREATE INDEX agents_xid ON @schema@.agents (_xid);
CREATE TABLE @schema@.prompts (id text COLLATE "C" NOT NULL, derived_from_id text COLLATE "C", title text COLLATE "C" NOT NULL, body text COLLATE "C" NOT NULL, notes text COLLATE "C" NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, deleted_at text COLLATE "C", _clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, PRIMARY KEY (id), FOREIGN KEY (derived_from_id) REFERENCES @schema@.prompts(id));
CREATE INDEX prompts_xid ON @schema@.prompts (_xid);
CREATE TABLE @schema@.tags (id text COLLATE "C" NOT NULL, name text COLLATE "C" NOT NULL, color text COLLATE "C" NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, deleted_at text COLLATE "C", _clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, PRIMARY KEY (id));
CREATE INDEX tags_xid ON @schema@.tags (_xid);
CREATE TABLE @schema@.outputs (id text COLLATE "C" NOT NULL, prompt_id text COLLATE "C", model_id text COLLATE "C", agent_id text COLLATE "C", rating bigint, captured_at text COLLATE "C" NOT NULL, source text COLLATE "C" NOT NULL, conversation_id text COLLATE "C" NOT NULL, conversation_title text COLLATE "C" NOT NULL, message_id text COLLATE "C" NOT NULL, conversation_url text COLLATE "C" NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, deleted_at text COLLATE "C", notes text COLLATE "C" NOT NULL, output text COLLATE "C" NOT NULL, output_edited text COLLATE "C", _clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, PRIMARY KEY (id), FOREIGN KEY (prompt_id) REFERENCES @schema@.prompts(id), FOREIGN KEY (model_id) REFERENCES @schema@.models(id), FOREIGN KEY (agent_id) REFERENCES @schema@.agents(id), CHECK (rating IS NULL OR rating BETWEEN 1 AND 5));
CREATE INDEX outputs_xid ON @schema@.outputs (_xid);
CREATE TABLE @schema@.output_tags (output_id text COLLATE "C" NOT NULL, tag_id text COLLATE "C" NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, deleted_at text COLLATE "C", _clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, PRIMARY KEY (output_id, tag_id), FOREIGN KEY (output_id) REFERENCES @schema@.outputs(id), FOREIGN KEY (tag_id) REFERENCES @schema@.tags(id));
CREATE INDEX output_tags_xid ON @schema@.output_tags (_xid);
CREATE TABLE @schema@.prompt_tags (prompt_id text COLLATE "C" NOT NULL, tag_id text COLLATE "C" NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, deleted_at text COLLATE "C", _clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, PRIMARY KEY (prompt_id, tag_id), FOREIGN KEY (prompt_id) REFERENCES @schema@.prompts(id), FOREIGN KEY (tag_id) REFERENCES @schema@.tags(id));
CREATE INDEX prompt_tags_xid ON @schema@.prompt_tags (_xid);
CREATE TABLE @schema@.qa_activities (id text COLLATE "C" NOT NULL, name text COLLATE "C" NOT NULL, description text COLLATE "C" NOT NULL, sort_order bigint NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, deleted_at text COLLATE "C", _clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, PRIMARY KEY (id));
CREATE INDEX qa_activities_xid ON @schema@.qa_activities (_xid);
CREATE TABLE @schema@.prompt_qa_checks (prompt_id text COLLATE "C" NOT NULL, qa_activity_id text COLLATE "C" NOT NULL, done bigint NOT NULL, done_at text COLLATE "C", note text COLLATE "C" NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, deleted_at text COLLATE "C", _clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, PRIMARY KEY (prompt_id, qa_activity_id), FOREIGN KEY (prompt_id) REFERENCES @schema@.prompts(id), FOREIGN KEY (qa_activity_id) REFERENCES @schema@.qa_activities(id));
CREATE INDEX prompt_qa_checks_xid ON @schema@.prompt_qa_checks (_xid);
CREATE TABLE @schema@.lookups (id text COLLATE "C" NOT NULL, name text COLLATE "C" NOT NULL, applies_to text COLLATE "C" NOT NULL, multi bigint NOT NULL, sort_order bigint NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, deleted_at text COLLATE "C", _clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, PRIMARY KEY (id), CHECK (applies_to IN ('outputs','prompts')));
CREATE INDEX lookups_xid ON @schema@.lookups (_xid);
CREATE TABLE @schema@.lookup_values (id text COLLATE "C" NOT NULL, lookup_id text COLLATE "C" NOT NULL, value text COLLATE "C" NOT NULL, sort_order bigint NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, deleted_at text COLLATE "C", _clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, PRIMARY KEY (id), FOREIGN KEY (lookup_id) REFERENCES @schema@.lookups(id));
CREATE INDEX lookup_values_xid ON @schema@.lookup_values (_xid);
CREATE TABLE @schema@.output_lookup_values (output_id text COLLATE "C" NOT NULL, lookup_value_id text COLLATE "C" NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, deleted_at text COLLATE "C", _clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, PRIMARY KEY (output_id, lookup_value_id), FOREIGN KEY (output_id) REFERENCES @schema@.outputs(id), FOREIGN KEY (lookup_value_id) REFERENCES @schema@.lookup_values(id));
CREATE INDEX output_lookup_values_xid ON @schema@.output_lookup_values (_xid);
CREATE TABLE @schema@.prompt_lookup_values (prompt_id text COLLATE "C" NOT NULL, lookup_value_id text COLLATE "C" NOT NULL, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL, deleted_at text COLLATE "C", _clocks jsonb NOT NULL, _seq bigint NOT NULL, _xid xid8 NOT NULL, PRIMARY KEY (prompt_id, lookup_value_id), FOREIGN KEY (prompt_id) REFERENCES @schema@.prompts(id), FOREIGN KEY (lookup_value_id) REFERENCES @schema@.lookup_values(id));
CREATE INDEX prompt_lookup_values_xid ON @schema@.prompt_lookup_values (_xid);
