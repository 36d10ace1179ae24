-- Server schema step 4: compact clocks. A row's _clocks keeps under "*" the clock most of its
-- columns share and names only the columns whose clock differs (a column not named has the "*"
-- clock): an output written whole by one change keeps one clock instead of 17 (~60 bytes instead
-- of ~850). Rows that have a clock for every column are rewritten so in place; _xid stays, so no
-- pull reads them again. Builds of server version 3 read every column's own key and would take a
-- compact row's columns for unclocked: they refuse this version. Frozen (never edit; a change is a
-- new step).
UPDATE @schema@.agents SET _clocks = (SELECT jsonb_build_object('*', s.star) || COALESCE((SELECT jsonb_object_agg(e.key, e.value)
  FROM jsonb_each_text(_clocks) e WHERE e.value <> s.star), '{}'::jsonb) FROM (SELECT e.value AS star FROM jsonb_each_text(_clocks) e
  GROUP BY e.value ORDER BY count(*) DESC, e.value COLLATE "C" LIMIT 1) s)
WHERE NOT _clocks ? '*' AND _clocks ?& ARRAY['id','name','platform','url','default_model_id','description','instructions','created_at','updated_at','deleted_at'];
UPDATE @schema@.lookup_values SET _clocks = (SELECT jsonb_build_object('*', s.star) || COALESCE((SELECT jsonb_object_agg(e.key, e.value)
  FROM jsonb_each_text(_clocks) e WHERE e.value <> s.star), '{}'::jsonb) FROM (SELECT e.value AS star FROM jsonb_each_text(_clocks) e
  GROUP BY e.value ORDER BY count(*) DESC, e.value COLLATE "C" LIMIT 1) s)
WHERE NOT _clocks ? '*' AND _clocks ?& ARRAY['id','lookup_id','value','sort_order','created_at','updated_at','deleted_at'];
UPDATE @schema@.lookups SET _clocks = (SELECT jsonb_build_object('*', s.star) || COALESCE((SELECT jsonb_object_agg(e.key, e.value)
  FROM jsonb_each_text(_clocks) e WHERE e.value <> s.star), '{}'::jsonb) FROM (SELECT e.value AS star FROM jsonb_each_text(_clocks) e
  GROUP BY e.value ORDER BY count(*) DESC, e.value COLLATE "C" LIMIT 1) s)
WHERE NOT _clocks ? '*' AND _clocks ?& ARRAY['id','name','applies_to','multi','sort_order','created_at','updated_at','deleted_at'];
UPDATE @schema@.models SET _clocks = (SELECT jsonb_build_object('*', s.star) || COALESCE((SELECT jsonb_object_agg(e.key, e.value)
  FROM jsonb_each_text(_clocks) e WHERE e.value <> s.star), '{}'::jsonb) FROM (SELECT e.value AS star FROM jsonb_each_text(_clocks) e
  GROUP BY e.value ORDER BY count(*) DESC, e.value COLLATE "C" LIMIT 1) s)
WHERE NOT _clocks ? '*' AND _clocks ?& ARRAY['id','name','provider','notes','created_at','updated_at','deleted_at'];
UPDATE @schema@.output_lookup_values SET _clocks = (SELECT jsonb_build_object('*', s.star) || COALESCE((SELECT jsonb_object_agg(e.key, e.value)
  FROM jsonb_each_text(_clocks) e WHERE e.value <> s.star), '{}'::jsonb) FROM (SELECT e.value AS star FROM jsonb_each_text(_clocks) e
  GROUP BY e.value ORDER BY count(*) DESC, e.value COLLATE "C" LIMIT 1) s)
WHERE NOT _clocks ? '*' AND _clocks ?& ARRAY['output_id','lookup_value_id','created_at','updated_at','deleted_at'];
UPDATE @schema@.output_tags SET _clocks = (SELECT jsonb_build_object('*', s.star) || COALESCE((SELECT jsonb_object_agg(e.key, e.value)
  FROM jsonb_each_text(_clocks) e WHERE e.value <> s.star), '{}'::jsonb) FROM (SELECT e.value AS star FROM jsonb_each_text(_clocks) e
  GROUP BY e.value ORDER BY count(*) DESC, e.value COLLATE "C" LIMIT 1) s)
WHERE NOT _clocks ? '*' AND _clocks ?& ARRAY['output_id','tag_id','created_at','updated_at','deleted_at'];
UPDATE @schema@.outputs SET _clocks = (SELECT jsonb_build_object('*', s.star) || COALESCE((SELECT jsonb_object_agg(e.key, e.value)
  FROM jsonb_each_text(_clocks) e WHERE e.value <> s.star), '{}'::jsonb) FROM (SELECT e.value AS star FROM jsonb_each_text(_clocks) e
  GROUP BY e.value ORDER BY count(*) DESC, e.value COLLATE "C" LIMIT 1) s)
WHERE NOT _clocks ? '*' AND _clocks ?& ARRAY['id','prompt_id','model_id','agent_id','rating','captured_at','source','conversation_id','conversation_title','message_id','conversation_url','created_at','updated_at','deleted_at','notes','output','output_edited'];
UPDATE @schema@.prompt_lookup_values SET _clocks = (SELECT jsonb_build_object('*', s.star) || COALESCE((SELECT jsonb_object_agg(e.key, e.value)
  FROM jsonb_each_text(_clocks) e WHERE e.value <> s.star), '{}'::jsonb) FROM (SELECT e.value AS star FROM jsonb_each_text(_clocks) e
  GROUP BY e.value ORDER BY count(*) DESC, e.value COLLATE "C" LIMIT 1) s)
WHERE NOT _clocks ? '*' AND _clocks ?& ARRAY['prompt_id','lookup_value_id','created_at','updated_at','deleted_at'];
UPDATE @schema@.prompt_qa_checks SET _clocks = (SELECT jsonb_build_object('*', s.star) || COALESCE((SELECT jsonb_object_agg(e.key, e.value)
  FROM jsonb_each_text(_clocks) e WHERE e.value <> s.star), '{}'::jsonb) FROM (SELECT e.value AS star FROM jsonb_each_text(_clocks) e
  GROUP BY e.value ORDER BY count(*) DESC, e.value COLLATE "C" LIMIT 1) s)
WHERE NOT _clocks ? '*' AND _clocks ?& ARRAY['prompt_id','qa_activity_id','done','done_at','note','created_at','updated_at','deleted_at'];
UPDATE @schema@.prompt_tags SET _clocks = (SELECT jsonb_build_object('*', s.star) || COALESCE((SELECT jsonb_object_agg(e.key, e.value)
  FROM jsonb_each_text(_clocks) e WHERE e.value <> s.star), '{}'::jsonb) FROM (SELECT e.value AS star FROM jsonb_each_text(_clocks) e
  GROUP BY e.value ORDER BY count(*) DESC, e.value COLLATE "C" LIMIT 1) s)
WHERE NOT _clocks ? '*' AND _clocks ?& ARRAY['prompt_id','tag_id','created_at','updated_at','deleted_at'];
UPDATE @schema@.prompts SET _clocks = (SELECT jsonb_build_object('*', s.star) || COALESCE((SELECT jsonb_object_agg(e.key, e.value)
  FROM jsonb_each_text(_clocks) e WHERE e.value <> s.star), '{}'::jsonb) FROM (SELECT e.value AS star FROM jsonb_each_text(_clocks) e
  GROUP BY e.value ORDER BY count(*) DESC, e.value COLLATE "C" LIMIT 1) s)
WHERE NOT _clocks ? '*' AND _clocks ?& ARRAY['id','derived_from_id','title','body','notes','created_at','updated_at','deleted_at'];
UPDATE @schema@.qa_activities SET _clocks = (SELECT jsonb_build_object('*', s.star) || COALESCE((SELECT jsonb_object_agg(e.key, e.value)
  FROM jsonb_each_text(_clocks) e WHERE e.value <> s.star), '{}'::jsonb) FROM (SELECT e.value AS star FROM jsonb_each_text(_clocks) e
  GROUP BY e.value ORDER BY count(*) DESC, e.value COLLATE "C" LIMIT 1) s)
WHERE NOT _clocks ? '*' AND _clocks ?& ARRAY['id','name','description','sort_order','created_at','updated_at','deleted_at'];
UPDATE @schema@.tags SET _clocks = (SELECT jsonb_build_object('*', s.star) || COALESCE((SELECT jsonb_object_agg(e.key, e.value)
  FROM jsonb_each_text(_clocks) e WHERE e.value <> s.star), '{}'::jsonb) FROM (SELECT e.value AS star FROM jsonb_each_text(_clocks) e
  GROUP BY e.value ORDER BY count(*) DESC, e.value COLLATE "C" LIMIT 1) s)
WHERE NOT _clocks ? '*' AND _clocks ?& ARRAY['id','name','color','created_at','updated_at','deleted_at'];
