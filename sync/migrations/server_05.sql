-- Server schema step 5: outputs.language (vault step 10), the language of the output's text, ""
-- when not known. Existing rows get "", then the default goes (a new server's columns have none:
-- every push names every column). Frozen (never edit; a change is a new step).
ALTER TABLE @schema@.outputs ADD COLUMN language text COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE @schema@.outputs ALTER COLUMN language DROP DEFAULT;
