-- Server schema step 3: a custom lookup may apply to outputs, prompts or both (vault step 9). The
-- CHECK is replaced under the name PostgreSQL gave the unnamed one. Frozen (never edit; a change is
-- a new step).
ALTER TABLE @schema@.lookups DROP CONSTRAINT lookups_applies_to_check,
  ADD CONSTRAINT lookups_applies_to_check CHECK (applies_to IN ('outputs','prompts','both'));
