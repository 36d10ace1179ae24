#include "Migrations.hpp"

#include "Schema.hpp"

#include <algorithm>
#include <limits>
#include <string>

// The frozen steps: store/migrations/vault_NN.sql, compiled in by store/CMakeLists.txt.
namespace pv::frozen {
extern const char* const kVaultSteps[];
extern const int kVaultStepsCount;
} // namespace pv::frozen

namespace pv {
namespace {

// ---- today's schema -------------------------------------------------------------------------
// A new vault is made in one go from today's table descriptions (syncedTables()). A vault made by
// an older build climbs the frozen steps instead (store/migrations/vault_NN.sql: the literal SQL of
// each version, never derived from today's descriptions). test_store's "a fresh vault and one
// migrated up from version 1 have the same schema" proves that both end in the same objects.

std::string createTableSql(const TableDef& t) {
    std::string s = "CREATE TABLE " + t.name + " (";
    for (size_t i = 0; i < t.columns.size(); ++i) {
        const auto& c = t.columns[i];
        if (i) s += ", ";
        s += c.name + (c.type == ColType::Integer ? " INTEGER" : " TEXT");
        if (c.notNull) s += " NOT NULL";
        if (!c.sqliteDefault.empty()) s += " DEFAULT (" + c.sqliteDefault + ")";
        if (!c.references.empty()) s += " REFERENCES " + c.references + " DEFERRABLE INITIALLY DEFERRED";
    }
    if (t.key.size() == 1) {
        s += ", PRIMARY KEY (" + t.key[0] + ")";
    } else {
        s += ", PRIMARY KEY (" + t.key[0] + ", " + t.key[1] + ")";
    }
    for (const auto& c : t.checks) s += ", CHECK (" + c + ")";
    s += ")";
    return s;
}

// Indexes of outputs.
const char* const kOutputsIndexes = R"SQL(
CREATE INDEX outputs_captured ON outputs(captured_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX outputs_updated ON outputs(updated_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX outputs_prompt ON outputs(prompt_id, captured_at DESC, id DESC);
CREATE INDEX outputs_model ON outputs(model_id, captured_at DESC, id DESC);
CREATE INDEX outputs_agent ON outputs(agent_id, captured_at DESC, id DESC);
CREATE INDEX outputs_conversation ON outputs(conversation_id, message_id);
CREATE INDEX outputs_language ON outputs(language, captured_at DESC, id DESC) WHERE deleted_at IS NULL;
)SQL";

// The device's sync state and change log (the texts of frozen step 1, and the set-aside index of step 7).
const char* const kSyncStateSql = R"SQL(
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
CREATE INDEX pv_changes_set_aside ON pv_changes(seq) WHERE status = 'set_aside';
CREATE TABLE pv_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
)SQL";

// Indexes of the other tables, full-text search and its delete/update triggers (the insert
// triggers are made by createSearchInsertTriggers).
const char* const kIndexesAndSearchSql = R"SQL(
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
CREATE INDEX lookup_values_lookup ON lookup_values(lookup_id, sort_order);
CREATE INDEX output_lookup_values_value ON output_lookup_values(lookup_value_id, output_id);
CREATE INDEX prompt_lookup_values_value ON prompt_lookup_values(lookup_value_id, prompt_id);
CREATE VIRTUAL TABLE prompts_fts USING fts5(title, body, content='prompts', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE outputs_fts USING fts5(output, output_edited, content='outputs', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER prompts_fts_del AFTER DELETE ON prompts BEGIN
  INSERT INTO prompts_fts(prompts_fts, rowid, title, body) VALUES ('delete', OLD.rowid, OLD.title, OLD.body);
END;
CREATE TRIGGER prompts_fts_upd AFTER UPDATE OF title, body ON prompts BEGIN
  INSERT INTO prompts_fts(prompts_fts, rowid, title, body) VALUES ('delete', OLD.rowid, OLD.title, OLD.body);
  INSERT INTO prompts_fts(rowid, title, body) VALUES (NEW.rowid, NEW.title, NEW.body);
END;
CREATE TRIGGER outputs_fts_del AFTER DELETE ON outputs BEGIN
  INSERT INTO outputs_fts(outputs_fts, rowid, output, output_edited) VALUES ('delete', OLD.rowid, OLD.output, OLD.output_edited);
END;
CREATE TRIGGER outputs_fts_upd AFTER UPDATE OF output, output_edited ON outputs BEGIN
  INSERT INTO outputs_fts(outputs_fts, rowid, output, output_edited) VALUES ('delete', OLD.rowid, OLD.output, OLD.output_edited);
  INSERT INTO outputs_fts(rowid, output, output_edited) VALUES (NEW.rowid, NEW.output, NEW.output_edited);
END;
)SQL";

// Drafts: what the person typed and has not saved, kept as they type (the app writes it at most
// about once a second from its worker), so a crash or kill -9 loses nothing. One row per editor
// ("slot"); `fields` is a JSON object of the draft's field values. Local to this vault, never
// synced (no capture triggers: it is not in syncedTables()).
const char* const kDraftsSql = R"SQL(
CREATE TABLE pv_drafts (
  slot TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  record_id TEXT,
  fields TEXT NOT NULL CHECK (json_valid(fields)),
  saved_at TEXT NOT NULL
);
)SQL";

// Relation counters (pv_counts, local and derived, never synced): live outputs per prompt, model,
// agent and tag, live prompt links per tag, and all live outputs, kept exact by triggers so hub
// counts (the graph's hub totals, usage columns, query plans) cost one lookup instead of a scan.
std::string inc(const std::string& rel, const std::string& id, const std::string& when) {
    return "INSERT INTO pv_counts(rel, id, n) SELECT '" + rel + "', " + id + ", 1 WHERE " + when +
           " ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;\n";
}
std::string dec(const std::string& rel, const std::string& id, const std::string& when) {
    return "UPDATE pv_counts SET n = n - 1 WHERE rel = '" + rel + "' AND id = " + id + " AND " + when + ";\n";
}
std::string outputTerms(const char* row, bool add) {
    const std::string r = row;
    auto f = add ? inc : dec;
    return f("outputs", "''", r + ".deleted_at IS NULL") +
           f("prompt.outputs", r + ".prompt_id", r + ".prompt_id IS NOT NULL AND " + r + ".deleted_at IS NULL") +
           f("model.outputs", r + ".model_id", r + ".model_id IS NOT NULL AND " + r + ".deleted_at IS NULL") +
           f("agent.outputs", r + ".agent_id", r + ".agent_id IS NOT NULL AND " + r + ".deleted_at IS NULL");
}
std::string outputTagTerms(const char* row, bool add) {
    // Every live link of this output counts (or stops counting) for its tag.
    const std::string r = row;
    if (add)
        return "INSERT INTO pv_counts(rel, id, n) SELECT 'tag.outputs', tag_id, 1 FROM output_tags WHERE output_id = " + r +
               ".id AND deleted_at IS NULL ON CONFLICT(rel, id) DO UPDATE SET n = n + 1;\n";
    return "UPDATE pv_counts SET n = n - 1 WHERE rel = 'tag.outputs' AND id IN (SELECT tag_id FROM output_tags WHERE output_id = " + r +
           ".id AND deleted_at IS NULL);\n";
}
std::string liveOutput(const char* row) {
    return std::string("EXISTS (SELECT 1 FROM outputs WHERE id = ") + row + ".output_id AND deleted_at IS NULL)";
}

// Paused (Applying::CountersOff) while insertStaged() moves a chunk of outputs; it counts them set-based.
std::string outputsInsertCounterSql() {
    return "CREATE TRIGGER pv_cnt_outputs_ins AFTER INSERT ON outputs WHEN NEW.deleted_at IS NULL AND " + applyingBelowSql(Applying::CountersOff) +
           " BEGIN\n" + outputTerms("NEW", true) + outputTagTerms("NEW", true) + "END;\n";
}

void createCounters(sql::Db& db) {
    std::string s = "CREATE TABLE IF NOT EXISTS pv_counts (rel TEXT NOT NULL, id TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (rel, id)) WITHOUT ROWID;\n";
    s += outputsInsertCounterSql();
    s += "CREATE TRIGGER pv_cnt_outputs_del AFTER DELETE ON outputs WHEN OLD.deleted_at IS NULL BEGIN\n" + outputTerms("OLD", false) +
         outputTagTerms("OLD", false) + "END;\n";
    s += "CREATE TRIGGER pv_cnt_outputs_upd AFTER UPDATE OF prompt_id, model_id, agent_id, deleted_at ON outputs BEGIN\n" +
         outputTerms("OLD", false) + outputTerms("NEW", true) +
         "UPDATE pv_counts SET n = n + CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END WHERE rel = 'tag.outputs' AND "
         "(OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL) AND id IN (SELECT tag_id FROM output_tags WHERE output_id = NEW.id AND deleted_at IS NULL);\n"
         "INSERT INTO pv_counts(rel, id, n) SELECT 'tag.outputs', tag_id, 1 FROM output_tags WHERE OLD.deleted_at IS NOT NULL AND "
         "NEW.deleted_at IS NULL AND output_id = NEW.id AND deleted_at IS NULL ON CONFLICT(rel, id) DO NOTHING;\n"
         "END;\n";
    s += "CREATE TRIGGER pv_cnt_output_tags_ins AFTER INSERT ON output_tags WHEN NEW.deleted_at IS NULL BEGIN\n" +
         inc("tag.outputs", "NEW.tag_id", liveOutput("NEW")) + "END;\n";
    s += "CREATE TRIGGER pv_cnt_output_tags_del AFTER DELETE ON output_tags WHEN OLD.deleted_at IS NULL BEGIN\n" +
         dec("tag.outputs", "OLD.tag_id", liveOutput("OLD")) + "END;\n";
    s += "CREATE TRIGGER pv_cnt_output_tags_upd AFTER UPDATE OF output_id, tag_id, deleted_at ON output_tags BEGIN\n" +
         dec("tag.outputs", "OLD.tag_id", "OLD.deleted_at IS NULL AND " + liveOutput("OLD")) +
         inc("tag.outputs", "NEW.tag_id", "NEW.deleted_at IS NULL AND " + liveOutput("NEW")) + "END;\n";
    s += "CREATE TRIGGER pv_cnt_prompt_tags_ins AFTER INSERT ON prompt_tags WHEN NEW.deleted_at IS NULL BEGIN\n" +
         inc("tag.prompts", "NEW.tag_id", "1") + "END;\n";
    s += "CREATE TRIGGER pv_cnt_prompt_tags_del AFTER DELETE ON prompt_tags WHEN OLD.deleted_at IS NULL BEGIN\n" +
         dec("tag.prompts", "OLD.tag_id", "1") + "END;\n";
    s += "CREATE TRIGGER pv_cnt_prompt_tags_upd AFTER UPDATE OF prompt_id, tag_id, deleted_at ON prompt_tags BEGIN\n" +
         dec("tag.prompts", "OLD.tag_id", "OLD.deleted_at IS NULL") + inc("tag.prompts", "NEW.tag_id", "NEW.deleted_at IS NULL") + "END;\n";
    s += R"SQL(
DELETE FROM pv_counts;
INSERT INTO pv_counts SELECT 'outputs', '', count(*) FROM outputs WHERE deleted_at IS NULL;
INSERT INTO pv_counts SELECT 'prompt.outputs', prompt_id, count(*) FROM outputs WHERE deleted_at IS NULL AND prompt_id IS NOT NULL GROUP BY prompt_id;
INSERT INTO pv_counts SELECT 'model.outputs', model_id, count(*) FROM outputs WHERE deleted_at IS NULL AND model_id IS NOT NULL GROUP BY model_id;
INSERT INTO pv_counts SELECT 'agent.outputs', agent_id, count(*) FROM outputs WHERE deleted_at IS NULL AND agent_id IS NOT NULL GROUP BY agent_id;
INSERT INTO pv_counts SELECT 'tag.outputs', l.tag_id, count(*) FROM output_tags l JOIN outputs o ON o.id = l.output_id
  WHERE l.deleted_at IS NULL AND o.deleted_at IS NULL GROUP BY l.tag_id;
INSERT INTO pv_counts SELECT 'tag.prompts', tag_id, count(*) FROM prompt_tags WHERE deleted_at IS NULL GROUP BY tag_id;
)SQL";
    db.exec(s);
}

// Write speed: FTS5 flushes its pending index to a new segment whenever it holds more
// than `hashsize` bytes (1 MB by default), and every segment is merged again later. A bulk insert
// of 4 KB outputs flushed every ~250 rows; 16 MB makes segments 16 times larger and fewer, so less
// merging (measured: about a quarter less CPU for the indexing alone; queries unchanged). The
// setting is persisted in the index's own %_config table, so every connection and the sqlite3
// shell use it.
constexpr int kFtsHashSize = 16 * 1024 * 1024;
void setFtsHashSize(sql::Db& db) {
    for (const char* fts : {"outputs_fts", "prompts_fts"})
        db.exec(std::string("INSERT INTO ") + fts + "(" + fts + ", rank) VALUES ('hashsize', " + std::to_string(kFtsHashSize) + ")");
}

// One tick of the device's hybrid logical clock (pv_sync_state): a new millisecond restarts the
// counter; a clock ahead of real time (merged from another device) keeps its time and counts on.
std::string clockTickSql() {
    return "UPDATE pv_sync_state SET hlc_counter = CASE WHEN " + sqlNowMs() + " > hlc_ms THEN 0 ELSE hlc_counter + 1 END, "
           "hlc_ms = max(hlc_ms, " + sqlNowMs() + ")";
}

// The full-text index of a table that has one, as insertStaged() fills it for a moved chunk.
struct FtsIndex {
    const char* table;
    const char* fts;
    const char* columns;
};
constexpr FtsIndex kFtsIndexes[] = {{"outputs", "outputs_fts", "output, output_edited"}, {"prompts", "prompts_fts", "title, body"}};

const FtsIndex* ftsIndexOf(const std::string& table) {
    for (const auto& f : kFtsIndexes)
        if (table == f.table) return &f;
    return nullptr;
}

} // namespace

std::vector<std::string> searchIndexedColumns(const std::string& table) {
    const FtsIndex* f = ftsIndexOf(table);
    return f ? sql::splitColumnList(f->columns) : std::vector<std::string>();
}

namespace {

// Write speed: the search insert triggers pause (Applying::SearchOff) while insertStaged() moves a
// chunk, which then indexes the chunk with one INSERT ... SELECT. Through the per-row trigger,
// FTS5 indexing of 100k outputs cost about 2 s more (bench/store, pv-gen: 19.7 s against 17.7 s
// for the whole insert). Every other writer (the app's single edits, the sqlite3 shell, a sync)
// still indexes through the trigger, in the same statement.
void createSearchInsertTriggers(sql::Db& db) {
    for (const auto& f : kFtsIndexes) {
        std::string cols = f.columns, values;
        for (const auto& c : sql::splitColumnList(cols)) values += ", NEW." + c;
        db.exec(std::string("CREATE TRIGGER ") + f.table + "_fts_ins AFTER INSERT ON " + f.table +
                 " WHEN " + applyingBelowSql(Applying::SearchOff) + " BEGIN\n  INSERT INTO " + f.fts + "(rowid, " + cols + ") VALUES (NEW.rowid" +
                values + ");\nEND;");
    }
}

std::string captureTriggersSql(const TableDef& t) {
    const std::string& n = t.name;
    const std::string active = applyingIsSql(Applying::Capture);
    const std::string clockTick = clockTickSql() + ";\n";
    const std::string stamp = "printf('%015d.%06d', hlc_ms, hlc_counter), device_id FROM pv_sync_state;\n";
    const std::string whereRow = " WHERE rowid = NEW.rowid";

    const std::string allCols = "'" + t.insertColumnsJson() + "'";  // a constant: the row's columns, read at push time
    std::string changedList;  // (name, value) rows of the columns this UPDATE changed
    std::string anyChanged;
    for (const auto& c : t.columns) {
        if (c.name == "updated_at") continue;
        if (!changedList.empty()) changedList += " UNION ALL ";
        changedList += "SELECT '" + c.name + "' AS k, NEW." + c.name + " AS v WHERE NEW." + c.name + " IS NOT OLD." + c.name;
        if (!anyChanged.empty()) anyChanged += " OR ";
        anyChanged += "NEW." + c.name + " IS NOT OLD." + c.name;
    }

    std::string s;
    s += "CREATE TRIGGER pv_cap_ins_" + n + " AFTER INSERT ON " + n + " WHEN " + active + " BEGIN\n" + clockTick +
         "INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT '" + n + "', " + t.rowKeyExpr("NEW") +
         ", 'insert', " + allCols + ", " + stamp + "END;\n";
    // updated_at follows every captured edit, so a sqlite3-shell UPDATE needs no bookkeeping.
    s += "CREATE TRIGGER pv_cap_upd_" + n + " AFTER UPDATE ON " + n + " WHEN " + active + " AND (" + anyChanged + ") BEGIN\n" +
         clockTick + "UPDATE " + n + " SET updated_at = " + sqlNowIso() + whereRow + ";\n" +
         "INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT '" + n + "', " + t.rowKeyExpr("NEW") +
         ", 'update', (SELECT json_group_object(k, v) FROM (" + changedList + " UNION ALL SELECT 'updated_at', " + sqlNowIso() +
         ")), " + stamp + "END;\n";
    // A hard DELETE becomes a tombstone: nothing is lost and the delete syncs like an edit.
    s += "CREATE TRIGGER pv_softdel_" + n + " BEFORE DELETE ON " + n + " WHEN " + active + " BEGIN\n" + "UPDATE " + n +
         " SET deleted_at = " + sqlNowIso() + " WHERE rowid = OLD.rowid AND deleted_at IS NULL;\n" + "SELECT RAISE(IGNORE);\nEND;\n";
    return s;
}

void createCaptureTriggers(sql::Db& db) {
    for (const auto& t : syncedTables()) db.exec(captureTriggersSql(t));
}

// A new vault at today's version, from today's table descriptions.
void createCurrentSchema(sql::Db& db) {
    db.exec(kSyncStateSql);
    for (const auto& t : syncedTables()) db.exec(createTableSql(t));
    db.exec(kOutputsIndexes);
    db.exec(kIndexesAndSearchSql);
    createSearchInsertTriggers(db);
    createCounters(db);
    setFtsHashSize(db);
    createCaptureTriggers(db);
    db.exec(kDraftsSql);
}

int userVersion(sql::Db& db) { return static_cast<int>(db.queryInt("PRAGMA user_version")); }

// The per-row capture triggers (with Applying::CountersOff also the outputs insert counter, with
// SearchOff also the search insert triggers) skip rows while one of these is paused; resume() puts the flag back as
// it was (an error there must reach the caller: committing with capture off would lose changes).
// The destructor resumes on an exception path, where the transaction is rolled back anyway.
class TriggerPause {
public:
    TriggerPause(sql::Db& db, Applying level) : m_db(db), m_previous(static_cast<Applying>(db.queryInt("SELECT applying FROM pv_sync_state"))) {
        m_db.exec(setApplyingSql(level));
    }
    ~TriggerPause() {
        try {
            resume();
        } catch (...) {
        }
    }
    void resume() {
        if (m_resumed) return;
        m_resumed = true;
        m_db.exec(setApplyingSql(m_previous));
    }
    TriggerPause(const TriggerPause&) = delete;
    TriggerPause& operator=(const TriggerPause&) = delete;

private:
    sql::Db& m_db;
    Applying m_previous;
    bool m_resumed = false;
};

// pv_rows(?1) read as the staged rows: the buffer's columns under the table's names.
std::string stagedRows(const std::string& cols) { return "(SELECT " + sql::rowBufferSelectList(sql::splitColumnList(cols)) + " FROM pv_rows(?1))"; }

// One insert change per moved row, in buffer order. The per-row trigger ticks the clock once per
// row: here the first row takes one tick, the k-th row counter + k - 1, and the clock ends on the
// last row's stamp.
void logStagedInserts(sql::Db& db, const TableDef& t, const std::string& cols, const sql::RowBuffer& rows) {
    db.exec(clockTickSql());
    // pv_rows' rowid is the row's place in the buffer, from 1.
    const auto names = sql::splitColumnList(cols);
    std::string keyCols;
    for (const auto& k : t.key) {
        const auto at = std::find(names.begin(), names.end(), k);
        if (at == names.end()) throw sql::Error("bulk insert into " + t.name + ": key column " + k + " is not among '" + cols + "'");
        keyCols += "c" + std::to_string(at - names.begin()) + " AS " + k + ", ";
    }
    auto& log = db.cached("INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) SELECT '" + t.name + "', " + t.rowKeyExpr("s") +
                          ", 'insert', '" + t.insertColumnsJson() + "', printf('%015d.%06d', st.hlc_ms, st.hlc_counter + s.n - 1), "
                          "st.device_id FROM (SELECT " + keyCols + "rowid AS n FROM pv_rows(?1)) s, pv_sync_state st ORDER BY s.n");
    sql::StmtUse use(log);
    rows.bindTo(log, 1);
    log.exec();
    db.exec("UPDATE pv_sync_state SET hlc_counter = hlc_counter + " + std::to_string(std::max<int64_t>(0, db.changes() - 1)));
}

// What pv_cnt_outputs_ins adds for each live new output, for all moved rows at once. The tag
// links are looked up from the moved rows (CROSS JOIN fixes that order): the planner otherwise
// scanned every link of the vault per chunk (0.85 s per 13k outputs with 150k links).
void countStagedOutputs(sql::Db& db, const std::string& cols, const sql::RowBuffer& rows) {
    auto& count = db.cached(
        "WITH moved AS (SELECT o.id, o.prompt_id, o.model_id, o.agent_id FROM outputs o JOIN " + stagedRows(cols) +
        " s ON o.id = s.id WHERE o.deleted_at IS NULL) "
        "INSERT INTO pv_counts(rel, id, n) SELECT rel, id, n FROM ("
        "SELECT 'outputs' AS rel, '' AS id, count(*) AS n FROM moved "
        "UNION ALL SELECT 'prompt.outputs', prompt_id, count(*) FROM moved WHERE prompt_id IS NOT NULL GROUP BY prompt_id "
        "UNION ALL SELECT 'model.outputs', model_id, count(*) FROM moved WHERE model_id IS NOT NULL GROUP BY model_id "
        "UNION ALL SELECT 'agent.outputs', agent_id, count(*) FROM moved WHERE agent_id IS NOT NULL GROUP BY agent_id "
        "UNION ALL SELECT 'tag.outputs', l.tag_id, count(*) FROM moved m CROSS JOIN output_tags l ON l.output_id = m.id "
        "WHERE l.deleted_at IS NULL GROUP BY l.tag_id) WHERE n > 0 ON CONFLICT(rel, id) DO UPDATE SET n = n + excluded.n");
    sql::StmtUse use(count);
    rows.bindTo(count, 1);
    count.exec();
}

} // namespace

void insertStaged(sql::Db& db, const TableDef& t, const std::string& cols, const sql::RowBuffer& rows) {
    if (rows.empty()) return;
    const auto names = sql::splitColumnList(cols);
    if (static_cast<int>(names.size()) != rows.columns())
        throw sql::Error("bulk insert into " + t.name + ": " + std::to_string(rows.columns()) + " buffer columns for '" + cols + "'");
    {
        // A rowid table numbers new rows from its largest rowid up: the chunk is what lies above it.
        // Once some row holds the largest rowid there is, SQLite picks new ones at random: then the
        // search trigger indexes row by row as for any other write.
        auto& last = db.cached("SELECT coalesce(max(rowid), 0) FROM main." + t.name);
        int64_t lastRowid = 0;
        {
            sql::StmtUse use(last);
            if (last.step()) lastRowid = last.getInt(0);
        }
        const FtsIndex* fts = lastRowid < std::numeric_limits<int64_t>::max() ? ftsIndexOf(t.name) : nullptr;
        TriggerPause pause(db, fts ? Applying::SearchOff : t.name == "outputs" ? Applying::CountersOff : Applying::CaptureOff);
        auto& move = db.cached("INSERT INTO main." + t.name + "(" + cols + ") SELECT * FROM " + stagedRows(cols));
        {
            sql::StmtUse use(move);
            rows.bindTo(move, 1);
            move.exec();
        }
        const int64_t moved = db.changes();
        if (fts) {
            auto& index = db.cached(std::string("INSERT INTO ") + fts->fts + "(rowid, " + fts->columns + ") SELECT rowid, " + fts->columns +
                                    " FROM main." + t.name + " WHERE rowid > ?1");
            sql::StmtUse use(index);
            index.bind(1, lastRowid);
            index.exec();
            if (db.changes() != moved)
                throw sql::Error("bulk insert into " + t.name + ": " + std::to_string(moved) + " rows moved but " + std::to_string(db.changes()) +
                                 " above rowid " + std::to_string(lastRowid) + " to index");
        }
        pause.resume();
    }
    logStagedInserts(db, t, cols, rows);
    if (t.name == "outputs") countStagedOutputs(db, cols, rows);
}

void migrate(sql::Db& db, int target) {
    if (target < 0) target = kSchemaVersion;
    int current = userVersion(db);
    if (current > kSchemaVersion)
        throw sql::Error("vault '" + db.path() + "' has schema version " + std::to_string(current) + ", newer than this build (" +
                         std::to_string(kSchemaVersion) + "); update Promptvault to open it");
    if (current == 0) {
        // A non-empty file without our version is somebody else's database: refuse to touch it.
        if (db.queryInt("SELECT count(*) FROM sqlite_schema") > 0)
            throw sql::Error("'" + db.path() + "' is an SQLite database but not a Promptvault vault (no schema version)");
    }
    // A step may rebuild a parent table, which needs foreign keys off (the pragma is a no-op inside
    // a transaction). Steps copy rows exactly, so they cannot add a violation.
    const bool foreignKeys = db.queryInt("PRAGMA foreign_keys") != 0;
    if (current < target && foreignKeys) db.exec("PRAGMA foreign_keys = OFF");
    struct RestoreForeignKeys {
        sql::Db& db;
        bool on;
        ~RestoreForeignKeys() {
            if (!on) return;
            try {
                db.exec("PRAGMA foreign_keys = ON");
            } catch (...) {
            }
        }
    } restoreForeignKeys{db, foreignKeys && current < target};
    if (frozen::kVaultStepsCount != kSchemaVersion)
        throw sql::Error("this build has " + std::to_string(frozen::kVaultStepsCount) + " frozen vault steps for schema version " +
                         std::to_string(kSchemaVersion));
    if (current == 0 && target == kSchemaVersion) {
        sql::Transaction tx(db);
        createCurrentSchema(db);
        db.exec("PRAGMA user_version = " + std::to_string(target));
        tx.commit();
        return;
    }
    // An older vault climbs the frozen steps, one transaction each.
    while (current < target) {
        const int next = current + 1;
        sql::Transaction tx(db);
        db.exec(frozen::kVaultSteps[next - 1]);
        db.exec("PRAGMA user_version = " + std::to_string(next));
        tx.commit();
        current = next;
    }
}

} // namespace pv
