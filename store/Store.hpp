// The typed API over a Promptvault vault (one SQLite file). Not thread-safe: one Store per thread;
// the UI and the sync thread each open their own (WAL lets them read and write side by side).
#pragma once
#include "ChangeLog.hpp"
#include "Checkpointer.hpp"
#include "Entities.hpp"
#include "RowBuffer.hpp"
#include "Sqlite.hpp"

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pv {

// Refused writes: the message says what and why; nothing was changed.
class StoreError : public sql::Error {
public:
    using sql::Error::Error;
};
class InUseError : public StoreError {
public:
    InUseError(const std::string& what, int64_t uses) : StoreError(what), m_uses(uses) {}
    int64_t uses() const { return m_uses; }

private:
    int64_t m_uses;
};

struct OpenOptions {
    bool readOnly = false;
    bool create = true;  // create the file when missing
    CheckpointLimits checkpoint;  // when the log is copied back into the file (Checkpointer.hpp)
};

// ---- list queries -------------------------------------------------------------------------
struct OutputFilter {
    std::string text;  // full-text query over output and output_edited
    std::optional<std::string> promptId, modelId, agentId, tagId, lookupValueId;
    std::optional<int64_t> minRating;
    std::optional<bool> edited;       // output_edited present or not
    std::optional<std::string> language;  // outputs.language; "" = outputs whose language is not known
    std::string capturedFrom, capturedTo;  // ISO-8601 bounds, inclusive/exclusive, empty = open
    bool includeDeleted = false;
    bool onlyDeleted = false;
};

enum class OutputSort { CapturedDesc, CapturedAsc, UpdatedDesc, RatingDesc };

// Order of full-text search hits. Relevance ranks every match with bm25, so its cost grows with the
// number of matches (a word found in most records is slow); Newest takes, of each kind, the `limit`
// matches stored last in this vault (pulled rows count from when they arrived) and returns them by
// created_at, newest first; FTS5 serves it by walking its index backwards and stopping at the
// limit, whatever the number of matches.
enum class SearchOrder { Relevance, Newest };

// Keyset cursor: the sort value and id of the last row of the previous page.
struct PageCursor {
    bool valid = false;
    std::string sortValue;
    std::string id;
};

struct OutputRow {
    std::string id;
    std::optional<std::string> promptId, modelId, agentId;
    std::string promptTitle, modelName, agentName;
    std::optional<int64_t> rating;
    std::string capturedAt, updatedAt;
    bool edited = false;
    bool deleted = false;
    std::string preview;  // first characters of the output
};

template <class Row>
struct Page {
    std::vector<Row> rows;
    PageCursor next;  // valid when more rows may follow
};

struct PromptFilter {
    std::string text;
    std::optional<std::string> tagId, lookupValueId;
    enum class Qa { Any, Complete, Incomplete, NotStarted } qa = Qa::Any;
    bool includeDeleted = false;
};
enum class PromptSort { UpdatedDesc, TitleAsc };

struct PromptRow {
    std::string id;
    std::string title;
    std::string preview;
    std::optional<std::string> derivedFromId;
    int64_t outputCount = 0;
    int64_t qaDone = 0;
    int64_t qaTotal = 0;
    std::string updatedAt;
    bool deleted = false;
    int64_t iteration = 0;  // v1, v2, ... within its family of iterations; 0 when it has none
};

// Where a prompt stands among the iterations of its family (the root and everything derived from
// it, deleted ones included so numbers do not shift): numbered by creation, the root is v1.
struct IterationInfo {
    int64_t number = 1;
    int64_t familySize = 1;
    std::string rootId;
};

// Models, agents, tags, QA activities, lookups: small tables listed whole, with usage counts.
struct NamedRow {
    std::string id;
    std::string name;
    std::string detail;  // provider, platform, colour, description
    int64_t usage = 0;
    bool deleted = false;
};

struct SearchHit {
    RecordRef ref;
    std::string title;
    std::string snippet;
    double rank = 0;
};

// An editor's unsaved state (pv_drafts): which editor, which record (empty = a new one), and the
// draft's field values by name (nullopt = NULL).
struct Draft {
    std::string slot;  // "output", "prompt", "lookup", "custom_lookup"
    std::string kind;  // kindName() of the record
    std::string recordId;
    std::map<std::string, std::optional<std::string>> fields;
    std::string savedAt;
};

enum class DeleteMode {
    Refuse,   // refuse when the record is in use (InUseError)
    Cascade,  // prompts only: tombstone its outputs too (restored together)
};

class Store {
public:
    explicit Store(const std::string& path, OpenOptions options = {});
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    const std::string& path() const { return m_db.path(); }
    // Moves when another connection (another process, the sync thread) commits to the vault
    // (PRAGMA data_version): the app's watch for changes made outside it.
    int64_t dataVersion() { return m_db.queryInt("PRAGMA data_version"); }
    // The background checkpoint of a writable vault in WAL mode (none for a read-only Store).
    CheckpointStats checkpointStats() const { return m_checkpointer ? m_checkpointer->stats() : CheckpointStats{}; }
    void waitForCheckpoints() {
        if (m_checkpointer) m_checkpointer->waitIdle();
    }
    std::string deviceId();
    int schemaVersion();

    // ---- entities: create returns the stored record (id and stamps filled in) --------------
    Prompt createPrompt(Prompt p);
    void updatePrompt(const Prompt& p);
    std::optional<Prompt> getPrompt(const std::string& id);
    Prompt newIteration(const std::string& promptId);  // copy, derived_from = promptId

    Output createOutput(Output o);
    // Bulk capture (imports, generators): validates and inserts every output (ids and captured
    // times filled in), all or none, change capture as for createOutput; no read-back.
    void createOutputs(std::vector<Output>& outputs);
    // The rows a bulk insert moves (insertStaged): "id, <columns>" of each table, and one row per
    // record in that order, as createOutputs writes them. For importers that hold their own rows.
    static std::string bulkColumns(Kind kind);  // Kind::Prompt or Kind::Output
    static void addBulkRow(sql::RowBuffer& rows, const Prompt& p);
    static void addBulkRow(sql::RowBuffer& rows, const Output& o);
    void updateOutput(const Output& o);
    std::optional<Output> getOutput(const std::string& id);

    Model createModel(Model m);
    void updateModel(const Model& m);
    std::optional<Model> getModel(const std::string& id);

    Agent createAgent(Agent a);
    void updateAgent(const Agent& a);
    std::optional<Agent> getAgent(const std::string& id);

    Tag createTag(Tag t);
    void updateTag(const Tag& t);
    std::optional<Tag> getTag(const std::string& id);

    QaActivity createQaActivity(QaActivity q);
    void updateQaActivity(const QaActivity& q);
    std::optional<QaActivity> getQaActivity(const std::string& id);

    Lookup createLookup(Lookup l);
    void updateLookup(const Lookup& l);
    std::optional<Lookup> getLookup(const std::string& id);
    LookupValue createLookupValue(LookupValue v);
    void updateLookupValue(const LookupValue& v);
    std::optional<LookupValue> getLookupValue(const std::string& id);
    std::vector<Lookup> lookups(const std::string& appliesTo = "");
    std::vector<LookupValue> lookupValues(const std::string& lookupId);

    // Find a live record by name (case-insensitive) or create it: used by pickers and the CLI.
    Model findOrCreateModel(const std::string& name, const std::string& provider = "");
    Agent findOrCreateAgent(const std::string& name, const std::string& platform = "");
    Tag findOrCreateTag(const std::string& name);
    QaActivity findOrCreateQaActivity(const std::string& name);
    Prompt findOrCreatePrompt(const std::string& title, const std::string& body);
    std::optional<std::string> findByName(Kind kind, const std::string& name);

    // ---- tombstones --------------------------------------------------------------------------
    // Rules (README "Deleting"): a prompt with live outputs is refused unless Cascade; a model or
    // agent in use is refused (merge or reassign first); a tag, QA activity or lookup value takes
    // its links with it. restore() brings back the record and whatever its delete took along.
    void softDelete(const RecordRef& r, DeleteMode mode = DeleteMode::Refuse);
    void restore(const RecordRef& r);
    // Merge `from` into `into` (models, agents, tags, QA activities): re-links, then tombstones `from`.
    void merge(Kind kind, const std::string& fromId, const std::string& intoId);

    // ---- links -------------------------------------------------------------------------------
    void linkTag(Kind kind, const std::string& recordId, const std::string& tagId);    // Output or Prompt
    void unlinkTag(Kind kind, const std::string& recordId, const std::string& tagId);
    // Many (recordId, tagId) links at once, all or none.
    void linkTags(Kind kind, const std::vector<std::pair<std::string, std::string>>& links);
    std::vector<Tag> tagsOf(Kind kind, const std::string& recordId);
    void linkLookupValue(Kind kind, const std::string& recordId, const std::string& valueId);
    void unlinkLookupValue(Kind kind, const std::string& recordId, const std::string& valueId);
    std::vector<LookupValue> lookupValuesOf(Kind kind, const std::string& recordId);

    // The QA checklist of a prompt: one entry per live QA activity.
    // A prompt's checklist: the activities added to it, in the activities' order.
    std::vector<QaCheck> qaChecklist(const std::string& promptId);
    // Ticks, unticks or notes a check, adding the activity to the prompt's checklist if it was not.
    void setQaCheck(const std::string& promptId, const std::string& activityId, bool done, const std::string& note);
    // Adds each activity to each prompt's checklist, not done; a check already there keeps its state.
    // One transaction; returns how many checks were added.
    int64_t addQaChecks(const std::vector<std::string>& promptIds, const std::vector<std::string>& activityIds);
    // Adds the activity to every live prompt, or to those carrying tagId. Returns how many were added.
    int64_t addQaActivityToPrompts(const std::string& activityId, const std::optional<std::string>& tagId);
    void removeQaCheck(const std::string& promptId, const std::string& activityId);
    int64_t qaActivityPromptCount(const std::string& activityId);

    // ---- queries -----------------------------------------------------------------------------
    Page<OutputRow> listOutputs(const OutputFilter& f, OutputSort sort = OutputSort::CapturedDesc,
                                const PageCursor& after = {}, int limit = 100);
    int64_t countOutputs(const OutputFilter& f);
    Page<PromptRow> listPrompts(const PromptFilter& f, PromptSort sort = PromptSort::UpdatedDesc,
                                const PageCursor& after = {}, int limit = 100);
    std::vector<NamedRow> listNamedRows(Kind kind, const std::string& nameFilter = "", bool includeDeleted = false);
    std::vector<Prompt> iterationsOf(const std::string& promptId);
    IterationInfo iterationOf(const std::string& promptId);

    // Live prompts and outputs matching `text` (words ANDed, the last one as a prefix; FTS syntax in
    // the input is taken literally). Relevance hits carry their bm25 rank (lower is better); Newest
    // hits carry rank 0.
    std::vector<SearchHit> search(const std::string& text, int limit = 50, SearchOrder order = SearchOrder::Relevance);
    // Records whose name/title starts with or contains `text`, every kind (Ctrl+K jump).
    std::vector<SearchHit> jumpTo(const std::string& text, int limit = 20);

    std::string labelOf(const RecordRef& r);

    std::map<std::string, int64_t> counts();  // live rows per synced table
    int64_t pendingChanges();
    int64_t setAsideChanges();  // changes the server refused, waiting for retry or discard
    ChangeLog changeLog() { return ChangeLog(m_db); }  // pv_changes and the device's clock (ChangeLog.hpp)
    // One row of a synced table by its key values (t.key order), its columns in t.columns order
    // (nullopt = NULL); nullopt when the row is not there.
    std::optional<std::vector<std::optional<std::string>>> readRow(const TableDef& t, const std::vector<std::string>& keyValues);

    // ---- settings (vault-local, not synced) -------------------------------------------------
    std::optional<std::string> setting(const std::string& key);
    void setSetting(const std::string& key, const std::string& value);

    // ---- drafts (vault-local, never synced): unsaved editor state, one per editor slot -------
    void saveDraft(const Draft& d);  // replaces the slot's draft; saved_at = now
    std::vector<Draft> drafts();     // newest first
    void deleteDraft(const std::string& slot);

    // ---- export ------------------------------------------------------------------------------
    // `export json` (README, docs/architecture.md): every synced table, rows sorted by key, keys sorted by column name.
    void exportJson(std::ostream& out);

    // Runs fn inside one transaction (committed when fn returns, rolled back when it throws).
    void transaction(const std::function<void()>& fn);

    // ---- import (ImportWriter) ----
    // The importers (app/capture) write through pv::ImportWriter (ImportWriter.hpp); these serve
    // their Markdown export (CaptureQueries.cpp).
    // Live prompts, (id, title), by id.
    std::vector<std::pair<std::string, std::string>> livePromptTitles();
    // The ids of a prompt's live outputs, by captured_at then id.
    std::vector<std::string> liveOutputIdsOf(const std::string& promptId);
    // How many live outputs a prompt has.
    int64_t liveOutputCountOf(const std::string& promptId);
    // ---- end import (ImportWriter) ----

private:
    friend struct StoreInternals;  // internal/StoreInternals.hpp: the raw connection, store code and tests only
    void prepareOutput(Output& o);  // validate, fill in id and captured time
    void insertOutput(Output& o);
    void checkText(const char* field, const std::string& value) const;
    void requireRow(const char* table, const std::optional<std::string>& id, const char* field);
    int64_t scalar(const std::string& sql, const std::string& arg);
    // A relation counter kept by triggers (pv_counts): "prompt.outputs", "tag.outputs", ...
    int64_t relationCount(const char* rel, const std::string& id);
    // Whether walking outputs newest-first and probing the tag beats collecting the tag's links.
    bool tagIsDense(const std::string& tagId, const char* rel, int limit);
    bool textIsDense(const std::string& ftsQuery, int limit);

    std::string tombstoneStamp();
    template <class T>
    T createRow(T v);  // check, fill in the id, insert, read back (Store.cpp)
    template <class T>
    void updateRowChecked(const T& v);

    sql::Db m_db;
    std::unique_ptr<Checkpointer> m_checkpointer;  // after m_db: stops before the connection closes
    int64_t m_lastStampMs = 0;
};

// A new UUIDv7 (time-ordered) as lowercase text.
std::string newUuidV7();
// First n bytes of s on one line, never cutting a UTF-8 sequence.
std::string previewText(const std::string& s, size_t n);
// What a person types, as a safe FTS5 query (each word quoted, the last one a prefix).
std::string toFtsQuery(const std::string& text);
// The outputs a search finds: those whose text matches, and those of a live prompt whose title or
// body matches. Two parameters, both bound to the same FTS5 query (alias `o` for outputs).
inline constexpr const char* kOutputTextMatch =
    "(o.rowid IN (SELECT rowid FROM outputs_fts WHERE outputs_fts MATCH ?) OR o.prompt_id IN (SELECT sp.id FROM prompts_fts "
    "CROSS JOIN prompts sp ON sp.rowid = prompts_fts.rowid WHERE prompts_fts MATCH ? AND sp.deleted_at IS NULL))";
// True when s is valid UTF-8 (no overlongs, no surrogates).
bool isValidUtf8(std::string_view s);
// The checks create and update make before writing (valid UTF-8 in every text field, rating 1..5);
// throw StoreError naming the field. For writers that insert rows in bulk themselves (the importer).
void validate(const Prompt& p);
void validate(const Output& o);
// Current time as ISO-8601 UTC with milliseconds, the format of every *_at column.
std::string nowIso();

} // namespace pv
