// The import driver: streams each conversations file element by element, maps each conversation's
// message tree onto prompts and outputs, and writes in batches (one transaction per batch, one
// savepoint per conversation so a bad conversation never leaves half its records behind).
#include "Import.hpp"
#include "Language.hpp"

#include "Conversation.hpp"
#include "ExportFiles.hpp"
#include "JsonStream.hpp"
#include "Migrations.hpp"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

using nlohmann::json;

namespace pv::capture {

const char* sourceName(ExportSource s) {
    return s == ExportSource::ChatGpt ? "chatgpt" : "claude";
}

std::optional<ExportSource> sourceFromName(const std::string& name) {
    if (name == "chatgpt" || name == "openai") return ExportSource::ChatGpt;
    if (name == "claude" || name == "anthropic") return ExportSource::Claude;
    return std::nullopt;
}

namespace {

constexpr uint64_t kSmallFileLimit = 256ull << 20;  // feedback / projects files
constexpr size_t kBatchBytes = 16u << 20;
// The output of a reply with tool calls but no answer text.
constexpr const char* kNoAnswerText = "[no answer text in this reply; its tool calls and results are in the notes]";

const char* sourceLabel(ExportSource s) {
    return s == ExportSource::ChatGpt ? "ChatGPT" : "Claude";
}

std::string quoteTitle(const std::string& t) {
    return t.empty() ? std::string("(untitled)") : "'" + previewText(t, 60) + "'";
}

std::string keysOf(const json& j) {
    if (!j.is_object()) return std::string("a JSON ") + j.type_name();
    std::string s;
    int n = 0;
    for (auto it = j.begin(); it != j.end() && n < 6; ++it, ++n) s += (n ? ", " : "") + it.key();
    return "keys: " + (s.empty() ? std::string("none") : s);
}

// Problems with the vault itself (full disk, I/O, lock) end the import; bad data only skips.
bool isVaultFailure(const sql::Error& e) {
    switch (e.code() & 0xFF) {
    case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_READONLY:
    case SQLITE_CORRUPT: case SQLITE_NOMEM: case SQLITE_CANTOPEN: case SQLITE_NOTADB:
        return true;
    default:
        return false;
    }
}

// Undoes a savepoint's work when the transaction still exists. After SQLITE_FULL, IOERR, NOMEM or
// BUSY SQLite may already have rolled the whole transaction back; the savepoint is gone then, and
// "no such savepoint" must not replace the error that got us here (the caller rethrows that one).
void rollbackSavepoint(sql::Db& db, const char* name) {
    if (!db.inTransaction()) return;
    try {
        db.exec(std::string("ROLLBACK TO ") + name);
        db.exec(std::string("RELEASE ") + name);
    } catch (const sql::Error&) {
        // The transaction is beyond saving; the caller's error says why and it rolls back.
    }
}

// What a vault failure means for the person importing, with SQLite's words after it.
std::string describeVaultFailure(const sql::Error& e) {
    std::string why;
    const int code = e.code() & 0xFF;
    if (e.sysErrno() == EROFS) why = "the vault's file system is read-only";
    else if (e.sysErrno() == ENOSPC) why = "the disk holding the vault is full";
    else if (e.sysErrno() == EDQUOT) why = "the disk quota of the vault's file system is used up";
    else if (code == SQLITE_FULL) why = "the disk holding the vault is full (or the vault reached its size limit)";
    else if (code == SQLITE_READONLY) why = "the vault cannot be written (read-only file or file system)";
    else if (code == SQLITE_BUSY || code == SQLITE_LOCKED) why = "the vault is locked by another program";
    else if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) why = "the vault file is damaged";
    else if (code == SQLITE_NOMEM) why = "out of memory";
    else if (code == SQLITE_IOERR) why = "the vault could not be written (I/O error)";
    else why = "the vault failed";
    return why + " (" + e.what() + ")";
}

struct Feedback {
    int rating = 0;
    std::string text;
};

// message_feedback.json: [{conversation_id, message_id (or id), rating: "thumbsUp"|"thumbsDown", content}].
// Mapping (README): thumbs up = 5, thumbs down = 1; numeric 1..5 kept.
std::unordered_map<std::string, Feedback> loadFeedback(const ExportFiles& files, ImportReport& report) {
    std::unordered_map<std::string, Feedback> out;
    auto name = files.find("message_feedback.json");
    if (!name) return out;
    report.files.push_back(*name);
    json j;
    try {
        std::string text = files.readSmall(*name, kSmallFileLimit);
        size_t repairs = repairUtf8(text);
        std::string err;
        if (!parseElement(text, j, err, repairs)) {
            report.skipped.push_back({files.where(*name), "not valid JSON, no ratings imported: " + err});
            return out;
        }
    } catch (const std::exception& e) {
        report.skipped.push_back({files.where(*name), e.what()});
        return out;
    }
    if (!j.is_array()) {
        report.skipped.push_back({files.where(*name), "expected an array of feedback entries, found " + std::string(j.type_name())});
        return out;
    }
    size_t i = 0;
    for (const auto& f : j) {
        ++i;
        std::string conv = jsonString(f, "conversation_id");
        std::string msg = jsonString(f, "message_id");
        if (msg.empty()) msg = jsonString(f, "messageId");
        if (msg.empty()) msg = jsonString(f, "id");
        Feedback fb;
        if (f.is_object() && f.contains("rating")) {
            const auto& r = f["rating"];
            if (r.is_string()) {
                std::string s = r.get<std::string>();
                if (s == "thumbsUp" || s == "thumbs_up" || s == "up" || s == "positive") fb.rating = 5;
                else if (s == "thumbsDown" || s == "thumbs_down" || s == "down" || s == "negative") fb.rating = 1;
            } else if (r.is_number_integer() && r.get<int64_t>() >= 1 && r.get<int64_t>() <= 5) {
                fb.rating = static_cast<int>(r.get<int64_t>());
            }
        }
        if (conv.empty() || msg.empty() || fb.rating == 0) {
            report.skipped.push_back({files.where(*name) + ", entry #" + std::to_string(i),
                                      "feedback without conversation_id, message id or a thumbs rating"});
            continue;
        }
        // content is a JSON string holding {"text": ..., "tags": [...]}.
        std::string content = jsonString(f, "content");
        if (!content.empty()) {
            json c = json::parse(content, nullptr, false);
            if (c.is_object()) {
                fb.text = jsonString(c, "text");
                if (c.contains("tags") && c["tags"].is_array())
                    for (const auto& t : c["tags"])
                        if (t.is_string()) fb.text += (fb.text.empty() ? "" : " ") + ("#" + t.get<std::string>());
            } else {
                fb.text = content;
            }
        }
        out[conv + "/" + msg] = fb;
    }
    return out;
}

// The import's page cache, for as long as it runs. Batches are 16 MB of text; a cache of that size
// imported 100 MB 5-10 % faster than the vault's usual 64 MB (bench/import, three runs each) and
// with half the peak memory: a larger cache only adds fresh pages to fault in.
class ScopedCacheSize {
public:
    ScopedCacheSize(sql::Db& db, int64_t kib) : m_db(db), m_before(db.queryInt("PRAGMA cache_size")) {
        db.exec("PRAGMA cache_size = " + std::to_string(-kib));
    }
    ScopedCacheSize(const ScopedCacheSize&) = delete;
    ScopedCacheSize& operator=(const ScopedCacheSize&) = delete;
    ~ScopedCacheSize() {
        try {
            m_db.exec("PRAGMA cache_size = " + std::to_string(m_before));
        } catch (const sql::Error&) {
            // Only a performance setting of this connection: nothing to lose.
        }
    }

private:
    sql::Db& m_db;
    int64_t m_before;
};

// The vault side of an import: lookups with caches, creates, and the counts.
//
// New prompts and outputs are not inserted one statement per row: they are held for the batch and
// moved by one INSERT ... SELECT per table that reads them from memory at flush() (insertStaged). SQLite 3.40's FTS5
// writes its pending index out at every statement savepoint, so a statement per row (or a savepoint
// per conversation with FTS rows pending) turns one index segment per batch into thousands. The
// search index, change log and counters of the moved rows are written set-based right after each
// move, inside the batch's transaction. Lookups of held rows are answered from memory.
class Writer {
public:
    Writer(Store& store, const ImportOptions& o) : m_store(store), m_db(store.db()), m_options(o) {
        m_source = sourceName(o.source);
        // Same text = same prompt: index the live prompts by a hash of their body, once.
        auto st = m_db.prepare("SELECT id, body FROM prompts WHERE deleted_at IS NULL");
        while (st.step()) m_prompts[hashOf(st.getText(1))].push_back(st.getText(0));
    }

    struct Counts {
        EntityCounts conversations, prompts, outputs, models, agents;
        int64_t ratingsSet = 0;
    };
    Counts counts;

    std::string model(const std::string& name, const std::string& provider) {
        auto it = m_models.find(name);
        if (it != m_models.end()) return it->second;
        std::string id;
        if (auto found = m_store.findByName(Kind::Model, name)) {
            id = *found;
            ++counts.models.present;
        } else {
            Model m;
            m.name = name;
            m.provider = provider;
            m.notes = std::string("created by the ") + sourceLabel(m_options.source) + " import";
            id = m_store.createModel(m).id;
            ++counts.models.added;
            m_undoModels.push_back(name);
        }
        m_models[name] = id;
        return id;
    }

    // Agents are matched by their URL on the platform (the name may have been changed by hand).
    std::string agent(const Agent& wanted) {
        auto it = m_agents.find(wanted.url);
        if (it != m_agents.end()) return it->second;
        auto& s = m_db.cached("SELECT id FROM agents WHERE platform = ? AND url = ? ORDER BY deleted_at IS NOT NULL, created_at LIMIT 1");
        std::string id;
        {
            sql::StmtUse use(s);
            s.bind(1, wanted.platform).bind(2, wanted.url);
            if (s.step()) id = s.getText(0);
        }
        if (!id.empty()) {
            ++counts.agents.present;
        } else {
            id = m_store.createAgent(wanted).id;
            ++counts.agents.added;
            m_undoAgents.push_back(wanted.url);
        }
        m_agents[wanted.url] = id;
        return id;
    }

    void notePresentPrompt(const std::string& id) {
        if (!m_createdPrompts.count(id) && m_seenPresent.insert(id).second) ++counts.prompts.present;
    }

    // A live prompt with exactly this text, without creating one.
    std::optional<std::string> findPrompt(const std::string& body) {
        auto it = m_prompts.find(hashOf(body));
        if (it == m_prompts.end()) return std::nullopt;
        for (const auto& id : it->second)
            if (sameBody(id, body)) return id;
        return std::nullopt;
    }

    std::string prompt(const std::string& title, const std::string& body, const std::string& notes,
                       const std::optional<std::string>& derivedFrom, bool& created) {
        const size_t h = hashOf(body);
        auto& ids = m_prompts[h];
        for (const auto& id : ids) {
            if (sameBody(id, body)) {
                created = false;
                if (!m_createdPrompts.count(id) && m_seenPresent.insert(id).second) ++counts.prompts.present;
                return id;
            }
        }
        Prompt p;
        p.id = newUuidV7();
        p.title = title.empty() ? previewText(body, 80) : title;
        p.body = body;
        p.notes = notes;
        p.derivedFromId = derivedFrom;
        validate(p);
        std::string id = p.id;
        m_heldPromptIdx.emplace(id, m_heldPrompts.size());
        m_heldPrompts.push_back(std::move(p));
        ids.push_back(id);
        m_undoPrompts.emplace_back(h, id);
        m_createdPrompts.insert(id);
        ++counts.prompts.added;
        created = true;
        return id;
    }

    struct Existing {
        std::string id;
        bool hasRating = false;
        std::optional<size_t> held;  // index in the held outputs, not yet in the vault
    };
    std::optional<Existing> findOutput(const std::string& conversationId, const std::string& messageId) {
        auto h = m_heldOutputKeys.find(outputKey(conversationId, messageId));
        if (h != m_heldOutputKeys.end()) {
            const Output& o = m_heldOutputs[h->second];
            return Existing{o.id, o.rating.has_value(), h->second};
        }
        if (!vaultHasConversation(conversationId)) return std::nullopt;
        auto& s = m_db.cached(
            "SELECT id, rating IS NOT NULL FROM outputs WHERE conversation_id = ? AND message_id = ? AND source = ? LIMIT 1");
        sql::StmtUse use(s);
        s.bind(1, conversationId).bind(2, messageId).bind(3, m_source);
        if (!s.step()) return std::nullopt;
        return Existing{s.getText(0), s.getInt(1) != 0, std::nullopt};
    }

    // A conversation the vault has nothing of (every conversation of a first import) costs one
    // probe instead of one per reply. Asked for one conversation at a time, so the last answer is
    // kept; flush() forgets it (the held rows are then in the vault).
    bool vaultHasConversation(const std::string& conversationId) {
        if (m_probed && m_probedConversation == conversationId) return m_probedHas;
        auto& s = m_db.cached("SELECT 1 FROM outputs WHERE conversation_id = ? AND source = ? LIMIT 1");
        sql::StmtUse use(s);
        s.bind(1, conversationId).bind(2, m_source);
        m_probedHas = s.step();
        m_probedConversation = conversationId;
        m_probed = true;
        return m_probedHas;
    }

    void setRatingIfNone(const Existing& e, int rating) {
        if (e.held) {
            auto& r = m_heldOutputs[*e.held].rating;
            if (!r) {
                r = rating;
                ++counts.ratingsSet;
            }
            return;
        }
        auto& s = m_db.cached("UPDATE outputs SET rating = ? WHERE id = ? AND rating IS NULL");
        sql::StmtUse use(s);
        s.bind(1, static_cast<int64_t>(rating)).bind(2, e.id).exec();
        if (m_db.changes() > 0) ++counts.ratingsSet;
    }

    void createOutput(Output& o) {
        // The checks Store::createOutput makes; prompt, model and agent ids come from this writer.
        validate(o);
        if (o.id.empty()) o.id = newUuidV7();
        if (o.capturedAt.empty()) o.capturedAt = nowIso();
        m_heldOutputKeys.emplace(outputKey(o.conversationId, o.messageId), m_heldOutputs.size());
        m_heldOutputs.push_back(std::move(o));
        ++counts.outputs.added;
    }

    void present() { ++counts.outputs.present; }

    // A conversation starts: what undo() returns to.
    void mark() {
        m_undoPrompts.clear();
        m_undoModels.clear();
        m_undoAgents.clear();
        m_mark = counts;
        m_markPrompts = m_heldPrompts.size();
        m_markOutputs = m_heldOutputs.size();
    }
    // The conversation mapped without error: its held rows belong to it (for flush()'s fallback).
    void conversationDone(const std::string& where, bool added) {
        if (m_heldPrompts.size() > m_markPrompts || m_heldOutputs.size() > m_markOutputs)
            m_spans.push_back({where, m_markPrompts, m_heldPrompts.size(), m_markOutputs, m_heldOutputs.size(), added});
    }
    // A conversation rolled back: forget what the caches learnt from it and its held rows.
    void undo() {
        for (auto& [h, id] : m_undoPrompts) {
            auto& v = m_prompts[h];
            v.erase(std::remove(v.begin(), v.end(), id), v.end());
            m_createdPrompts.erase(id);
        }
        for (size_t i = m_markPrompts; i < m_heldPrompts.size(); ++i) m_heldPromptIdx.erase(m_heldPrompts[i].id);
        m_heldPrompts.resize(m_markPrompts);
        for (size_t i = m_markOutputs; i < m_heldOutputs.size(); ++i)
            m_heldOutputKeys.erase(outputKey(m_heldOutputs[i].conversationId, m_heldOutputs[i].messageId));
        m_heldOutputs.resize(m_markOutputs);
        for (auto& n : m_undoModels) m_models.erase(n);
        for (auto& u : m_undoAgents) m_agents.erase(u);
        m_models.clear();  // a present model found in the rolled-back part is still present; lookups redo it
        m_agents.clear();
        counts = m_mark;
        m_probed = false;
        mark();
    }

    // Writes the held rows into the vault (inside the caller's transaction). Returns the
    // conversations that could not be written (normally none), each with why; their rows are not
    // kept. Throws on a vault failure.
    std::vector<SkippedItem> flush() {
        std::vector<SkippedItem> failed;
        m_probed = false;  // what the vault holds is about to change
        if (m_heldPrompts.empty() && m_heldOutputs.empty()) return failed;
        m_db.exec("SAVEPOINT pv_import_flush");
        try {
            stageAndMove(0, m_heldPrompts.size(), 0, m_heldOutputs.size());
            m_db.exec("RELEASE pv_import_flush");
        } catch (const sql::Error& e) {
            rollbackSavepoint(m_db, "pv_import_flush");
            if (isVaultFailure(e)) throw;
            // One row was refused: write conversation by conversation so only its conversation is lost.
            // A later conversation of the batch may reuse a prompt held for a lost one (the same
            // text asked again): it is lost too, since the vault's foreign keys are checked only at
            // COMMIT and would fail the whole batch there.
            std::unordered_set<std::string> lostPrompts;
            auto dependsOnLost = [&](const Span& sp) {
                for (size_t i = sp.p0; i < sp.p1; ++i)
                    if (m_heldPrompts[i].derivedFromId && lostPrompts.count(*m_heldPrompts[i].derivedFromId)) return true;
                for (size_t i = sp.o0; i < sp.o1; ++i)
                    if (m_heldOutputs[i].promptId && lostPrompts.count(*m_heldOutputs[i].promptId)) return true;
                return false;
            };
            for (const auto& sp : m_spans) {
                std::string why;
                if (dependsOnLost(sp)) {
                    why = "not imported, nothing of it was kept: it uses a prompt of a conversation above that was not imported";
                } else {
                    m_db.exec("SAVEPOINT pv_import_flush");
                    try {
                        stageAndMove(sp.p0, sp.p1, sp.o0, sp.o1);
                        m_db.exec("RELEASE pv_import_flush");
                        continue;
                    } catch (const sql::Error& e2) {
                        rollbackSavepoint(m_db, "pv_import_flush");
                        if (isVaultFailure(e2)) throw;
                        why = std::string("not imported, nothing of it was kept: ") + e2.what();
                    }
                }
                failed.push_back({sp.where, why});
                counts.prompts.added -= static_cast<int64_t>(sp.p1 - sp.p0);
                counts.outputs.added -= static_cast<int64_t>(sp.o1 - sp.o0);
                if (sp.added) --counts.conversations.added;
                for (size_t i = sp.p0; i < sp.p1; ++i) forgetPrompt(m_heldPrompts[i]);
                for (size_t i = sp.p0; i < sp.p1; ++i) lostPrompts.insert(m_heldPrompts[i].id);
            }
        }
        m_heldPrompts.clear();
        m_heldPromptIdx.clear();
        m_heldOutputs.clear();
        m_heldOutputKeys.clear();
        m_spans.clear();
        m_markPrompts = m_markOutputs = 0;
        return failed;
    }

private:
    static size_t hashOf(const std::string& s) { return std::hash<std::string>{}(s); }
    // A held prompt that was not written: later batches must not find and reuse its id.
    void forgetPrompt(const Prompt& p) {
        auto it = m_prompts.find(hashOf(p.body));
        if (it != m_prompts.end()) it->second.erase(std::remove(it->second.begin(), it->second.end(), p.id), it->second.end());
        m_createdPrompts.erase(p.id);
    }
    static std::string outputKey(const std::string& conversationId, const std::string& messageId) {
        return conversationId + '\x1f' + messageId;
    }
    bool sameBody(const std::string& id, const std::string& body) {
        auto held = m_heldPromptIdx.find(id);
        if (held != m_heldPromptIdx.end()) return m_heldPrompts[held->second].body == body;
        auto& s = m_db.cached("SELECT body = ? FROM prompts WHERE id = ?");
        sql::StmtUse use(s);
        s.bind(1, body).bind(2, id);
        return s.step() && s.getInt(0) == 1;
    }

    // Rows [p0, p1) of the held prompts and [o0, o1) of the held outputs, one statement per table,
    // read from memory (insertStaged).
    void stageAndMove(size_t p0, size_t p1, size_t o0, size_t o1) {
        if (p1 > p0) {
            m_promptRows.clear();
            m_promptRows.reserve(p1 - p0);
            for (size_t i = p0; i < p1; ++i) Store::addBulkRow(m_promptRows, m_heldPrompts[i]);
            insertStaged(m_db, *findTable("prompts"), m_promptCols, m_promptRows);
        }
        if (o1 > o0) {
            m_outputRows.clear();
            m_outputRows.reserve(o1 - o0);
            for (size_t i = o0; i < o1; ++i) Store::addBulkRow(m_outputRows, m_heldOutputs[i]);
            insertStaged(m_db, *findTable("outputs"), m_outputCols, m_outputRows);
        }
    }

    const std::string m_promptCols = Store::bulkColumns(Kind::Prompt), m_outputCols = Store::bulkColumns(Kind::Output);
    // Reused from batch to batch (the cells, not the texts they point to).
    sql::RowBuffer m_promptRows{static_cast<int>(sql::splitColumnList(m_promptCols).size())};
    sql::RowBuffer m_outputRows{static_cast<int>(sql::splitColumnList(m_outputCols).size())};

    struct Span {
        std::string where;
        size_t p0, p1, o0, o1;
        bool added;
    };

    Store& m_store;
    sql::Db& m_db;
    const ImportOptions& m_options;
    std::string m_source;
    std::unordered_map<size_t, std::vector<std::string>> m_prompts;
    std::unordered_set<std::string> m_createdPrompts, m_seenPresent;
    std::unordered_map<std::string, std::string> m_models, m_agents;
    std::vector<std::pair<size_t, std::string>> m_undoPrompts;
    std::vector<std::string> m_undoModels, m_undoAgents;
    Counts m_mark;
    // Rows created since the last flush().
    std::vector<Prompt> m_heldPrompts;
    std::unordered_map<std::string, size_t> m_heldPromptIdx;
    std::vector<Output> m_heldOutputs;
    std::unordered_map<std::string, size_t> m_heldOutputKeys;
    std::string m_probedConversation;  // vaultHasConversation's last answer
    bool m_probed = false, m_probedHas = false;
    std::vector<Span> m_spans;
    size_t m_markPrompts = 0, m_markOutputs = 0;
};

struct ProjectInfo {
    Agent agent;
};

// projects.json or projects/*.json: Claude projects, each an agent with its instructions and the
// text of its knowledge documents.
std::unordered_map<std::string, Agent> loadProjects(const ExportFiles& files, ImportReport& report) {
    std::unordered_map<std::string, Agent> out;
    std::vector<std::string> names;
    if (auto p = files.find("projects.json")) names.push_back(*p);
    for (auto& n : files.jsonFilesUnder("projects/")) names.push_back(n);
    for (const auto& name : names) {
        report.files.push_back(name);
        json j;
        try {
            std::string text = files.readSmall(name, kSmallFileLimit);
            size_t repairs = repairUtf8(text);
            report.repairedTexts += static_cast<int64_t>(repairs);
            std::string err;
            if (!parseElement(text, j, err, repairs)) {
                report.skipped.push_back({files.where(name), "not valid JSON, its projects were not imported: " + err});
                continue;
            }
        } catch (const std::exception& e) {
            report.skipped.push_back({files.where(name), e.what()});
            continue;
        }
        std::vector<const json*> projects;
        if (j.is_array()) {
            for (const auto& p : j) projects.push_back(&p);
        } else if (j.is_object()) {
            projects.push_back(&j);
        }
        size_t i = 0;
        for (const json* p : projects) {
            ++i;
            std::string uuid = jsonString(*p, "uuid");
            if (uuid.empty()) {
                report.skipped.push_back({files.where(name) + ", project #" + std::to_string(i), "no uuid: not a Claude project"});
                continue;
            }
            Agent a;
            a.name = jsonString(*p, "name");
            if (a.name.empty()) a.name = "Claude project " + uuid.substr(0, 8);
            a.platform = "claude";
            a.url = "https://claude.ai/project/" + uuid;
            a.description = jsonString(*p, "description");
            a.instructions = jsonString(*p, "prompt_template");
            if (p->contains("docs") && (*p)["docs"].is_array()) {
                for (const auto& d : (*p)["docs"]) {
                    std::string fname = jsonString(d, "filename");
                    appendPara(a.instructions, "## Knowledge: " + (fname.empty() ? std::string("(unnamed)") : fname) + "\n\n" +
                                                   jsonString(d, "content"));
                }
            }
            out[uuid] = std::move(a);
        }
    }
    return out;
}

// What a conversation's message tree says, worked out without the vault, so it runs on the parsing
// thread: the answers (one output each) in the order the walk ends them, and what their prompts
// need. Mapper writes a plan.
struct ConversationPlan {
    struct Answer {
        bool haveUser = false;
        size_t userIdx = 0;  // the user message it answers (when haveUser)
        std::string text, notes, model, lastReplyId, lastReplyAt;
        std::vector<std::string> replyIds;
        std::string language;  // of the output's text (detectLanguage), worked out here off the writing thread
    };
    std::vector<Answer> answers;
    std::vector<std::optional<size_t>> prevSibling;  // per message: the user message a user message edits
    std::vector<bool> firstPrompt;                   // per message: the first prompt of its branch
    std::vector<size_t> walkedUsers;                 // user messages reached by the walk, in message order
    std::vector<SkippedItem> skipped;
    std::vector<std::string> warnings;
};

class Planner {
public:
    static ConversationPlan plan(const Conversation& c, const std::string& where) {
        Planner p(c);
        p.walk(where);
        for (auto& a : p.m_plan.answers) a.language = detectLanguage(a.text.empty() ? kNoAnswerText : a.text);
        return std::move(p.m_plan);
    }

private:
    explicit Planner(const Conversation& c) : m_c(c) {}

    // What a branch of the tree carries down to its children.
    struct Path {
        bool haveUser = false;
        size_t userIdx = 0;
        bool firstPromptDone = false;
        std::string text, notes, context, model, lastReplyId, lastReplyAt;
        std::vector<std::string> replyIds;
    };

    void walk(const std::string& where) {
        const Conversation& c = m_c;
        const size_t n = c.msgs.size();
        std::unordered_map<std::string, size_t> index;
        index.reserve(n);
        std::vector<bool> usable(n, true);
        for (size_t i = 0; i < n; ++i) {
            if (!index.emplace(c.msgs[i].id, i).second) {
                usable[i] = false;
                m_plan.skipped.push_back({where + ", message " + c.msgs[i].id, "the same message id appears twice; kept the first"});
            }
        }
        std::vector<std::vector<size_t>> children(n);
        std::vector<size_t> roots;
        for (size_t i = 0; i < n; ++i) {
            if (!usable[i]) continue;
            const Msg& m = c.msgs[i];
            if (!m.parentId) {
                roots.push_back(i);
                continue;
            }
            auto it = index.find(*m.parentId);
            if (it == index.end() || !usable[it->second]) {
                m_plan.warnings.push_back(where + ", message " + m.id + ": its parent '" + *m.parentId +
                                          "' is missing; imported as the start of its own branch");
                roots.push_back(i);
            } else {
                children[it->second].push_back(i);
            }
        }
        auto byOrder = [&](size_t a, size_t b) {
            if (c.msgs[a].order != c.msgs[b].order) return c.msgs[a].order < c.msgs[b].order;
            return c.msgs[a].id < c.msgs[b].id;
        };
        for (auto& ch : children) std::sort(ch.begin(), ch.end(), byOrder);
        std::sort(roots.begin(), roots.end(), byOrder);

        m_plan.prevSibling.assign(n, std::nullopt);
        m_plan.firstPrompt.assign(n, false);
        std::vector<bool> visited(n, false);
        // Iterative depth-first walk: deep conversations never blow the stack.
        struct Frame {
            size_t node;
            std::shared_ptr<const Path> path;
            std::optional<size_t> prevUserSibling;
        };
        std::vector<Frame> stack;
        auto pushChildren = [&](const std::vector<size_t>& kids, const std::shared_ptr<const Path>& path) {
            std::optional<size_t> prevUser;
            std::vector<Frame> frames;
            frames.reserve(kids.size());
            for (size_t k : kids) {
                frames.push_back({k, path, prevUser});
                if (c.msgs[k].role == MsgRole::User) prevUser = k;
            }
            for (auto it = frames.rbegin(); it != frames.rend(); ++it) stack.push_back(std::move(*it));
        };
        pushChildren(roots, std::make_shared<Path>());
        while (!stack.empty()) {
            Frame f = std::move(stack.back());
            stack.pop_back();
            if (visited[f.node]) continue;
            visited[f.node] = true;
            auto next = step(f.node, *f.path, f.prevUserSibling, children);
            pushChildren(children[f.node], next ? next : f.path);
        }
        for (size_t i = 0; i < n; ++i)
            if (visited[i] && c.msgs[i].role == MsgRole::User) m_plan.walkedUsers.push_back(i);
        size_t lost = 0;
        std::string firstLost;
        for (size_t i = 0; i < n; ++i) {
            if (usable[i] && !visited[i]) {
                if (!lost) firstLost = c.msgs[i].id;
                ++lost;
            }
        }
        if (lost)
            m_plan.skipped.push_back({where, std::to_string(lost) + " message(s) from '" + firstLost +
                                                 "' on are in a cycle of the message tree (their parents never reach a start); not imported"});
        for (const auto& w : c.warnings) m_plan.warnings.push_back(where + ": " + w);
    }

    // Returns the path for the children (nullptr = unchanged).
    std::shared_ptr<const Path> step(size_t i, const Path& in, std::optional<size_t> prevUserSibling,
                                     const std::vector<std::vector<size_t>>& children) {
        const Msg& m = m_c.msgs[i];
        switch (m.role) {
        case MsgRole::Empty:
            return nullptr;
        case MsgRole::Context: {
            auto p = std::make_shared<Path>(in);
            appendPara(p->haveUser ? p->notes : p->context, m.notes);
            return p;
        }
        case MsgRole::User: {
            auto p = std::make_shared<Path>();
            p->haveUser = true;
            p->userIdx = i;
            p->firstPromptDone = true;
            p->notes = in.context;
            if (in.haveUser && in.replyIds.empty()) appendPara(p->notes, in.notes);
            m_plan.prevSibling[i] = prevUserSibling;
            m_plan.firstPrompt[i] = !in.firstPromptDone;
            return p;
        }
        case MsgRole::Reply: {
            auto p = std::make_shared<Path>(in);
            appendPara(p->text, m.text);
            appendPara(p->notes, m.notes);
            if (!m.model.empty()) p->model = m.model;
            p->lastReplyId = m.id;
            p->replyIds.push_back(m.id);
            if (!m.createdAt.empty()) p->lastReplyAt = m.createdAt;
            bool turnEnd = true;
            for (size_t k : children[i])
                if (m_c.msgs[k].role != MsgRole::User) turnEnd = false;
            if (!children[i].empty() && !turnEnd) {
                bool anyUser = false;
                for (size_t k : children[i]) anyUser |= m_c.msgs[k].role == MsgRole::User;
                turnEnd = anyUser;
            }
            // An empty reply (no text, no notes) is nothing to keep.
            if (turnEnd && !(p->text.empty() && p->notes.empty()))
                m_plan.answers.push_back({p->haveUser, p->userIdx, p->text, p->notes, p->model, p->lastReplyId, p->lastReplyAt, p->replyIds});
            return p;
        }
        }
        return nullptr;
    }

    const Conversation& m_c;
    ConversationPlan m_plan;
};

// Writes a conversation's plan: prompts, outputs, models and agents, deduplicated against the vault.
class Mapper {
public:
    Mapper(Writer& w, const ImportOptions& o, const std::unordered_map<std::string, Feedback>& feedback,
           const std::unordered_map<std::string, Agent>& projects, ImportReport& report)
        : m_w(w), m_o(o), m_feedback(feedback), m_projects(projects), m_report(report) {}

    // Returns true when something new was written. Takes the answers' texts out of `plan`.
    bool map(const Conversation& c, ConversationPlan& plan) {
        m_c = &c;
        m_plan = &plan;
        m_new = false;
        for (const auto& s : plan.skipped) m_report.skipped.push_back(s);
        for (const auto& w : plan.warnings) m_report.warnings.push_back(w);
        const size_t n = c.msgs.size();
        m_promptOf.assign(n, std::string());
        m_hadPresent.assign(n, false);
        for (auto& a : plan.answers) emit(a);
        // The prompt is written when a new output needs it, or here when nothing below it was
        // imported before, so a re-import never revives a prompt deleted with its outputs.
        for (size_t i : plan.walkedUsers)
            if (m_promptOf[i].empty() && !m_hadPresent[i]) promptFor(i);
        return m_new;
    }

private:
    std::string promptFor(size_t i) {
        if (!m_promptOf[i].empty()) return m_promptOf[i];
        const Msg& m = m_c->msgs[i];
        std::optional<std::string> derived;
        if (auto sib = m_plan->prevSibling[i]) {
            if (!m_promptOf[*sib].empty()) derived = m_promptOf[*sib];
            else if (!(derived = m_w.findPrompt(bodyOf(*sib))) && !m_hadPresent[*sib]) derived = promptFor(*sib);
        }
        std::string title = m_plan->firstPrompt[i] && !m_c->title.empty() ? m_c->title : std::string();
        bool created = false;
        m_promptOf[i] = m_w.prompt(title, bodyOf(i), m.promptNotes, derived, created);
        if (created) m_new = true;
        return m_promptOf[i];
    }

    std::string bodyOf(size_t i) const {
        const Msg& m = m_c->msgs[i];
        return m.text.empty() ? std::string("[empty message]") : m.text;
    }

    void emit(ConversationPlan::Answer& p) {
        const Conversation& c = *m_c;
        std::optional<Feedback> fb;
        for (const auto& id : p.replyIds) {
            auto it = m_feedback.find(c.id + "/" + id);
            if (it != m_feedback.end()) fb = it->second;
        }
        std::optional<std::string> agentId;
        if (!c.agentKey.empty()) agentId = m_w.agent(agentFor(c.agentKey));
        if (auto existing = m_w.findOutput(c.id, p.lastReplyId)) {
            m_w.present();
            if (p.haveUser) {
                m_hadPresent[p.userIdx] = true;
                if (m_promptOf[p.userIdx].empty()) {  // count it, never create it
                    if (auto id = m_w.findPrompt(bodyOf(p.userIdx))) {
                        m_promptOf[p.userIdx] = *id;
                        m_w.notePresentPrompt(*id);
                    }
                }
            }
            if (fb && !existing->hasRating) m_w.setRatingIfNone(*existing, fb->rating);
            return;
        }
        Output o;
        if (p.haveUser) o.promptId = promptFor(p.userIdx);
        std::string modelName = !p.model.empty() ? p.model : c.defaultModel;
        const bool chatgpt = m_o.source == ExportSource::ChatGpt;
        if (modelName.empty())
            modelName = !m_o.defaultModelName.empty() ? m_o.defaultModelName : chatgpt ? "ChatGPT (unspecified)" : "Claude (unspecified)";
        o.modelId = m_w.model(modelName, chatgpt ? "OpenAI" : "Anthropic");
        o.agentId = agentId;
        o.output = !p.text.empty() ? std::move(p.text) : std::string(kNoAnswerText);
        o.language = std::move(p.language);
        o.notes = std::move(p.notes);
        if (fb) {
            o.rating = fb->rating;
            if (!fb->text.empty()) appendPara(o.notes, "[feedback] " + fb->text);
        }
        o.source = sourceName(m_o.source);
        o.conversationId = c.id;
        o.conversationTitle = c.title;
        o.messageId = p.lastReplyId;
        o.conversationUrl = c.url;
        o.capturedAt = !p.lastReplyAt.empty() ? p.lastReplyAt : c.createdAt;
        m_w.createOutput(o);
        m_new = true;
    }

    Agent agentFor(const std::string& key) {
        if (m_o.source == ExportSource::Claude) {
            auto it = m_projects.find(key);
            if (it != m_projects.end()) return it->second;
            Agent a;
            a.name = "Claude project " + key.substr(0, 8);
            a.platform = "claude";
            a.url = "https://claude.ai/project/" + key;
            return a;
        }
        Agent a;
        a.name = "Custom GPT " + key;
        a.platform = "chatgpt";
        a.url = "https://chatgpt.com/g/" + key;
        a.description = "A custom GPT used in imported ChatGPT conversations (the export names its id only).";
        return a;
    }

    Writer& m_w;
    const ImportOptions& m_o;
    const std::unordered_map<std::string, Feedback>& m_feedback;
    const std::unordered_map<std::string, Agent>& m_projects;
    ImportReport& m_report;
    const Conversation* m_c = nullptr;
    const ConversationPlan* m_plan = nullptr;
    bool m_new = false;
    std::vector<std::string> m_promptOf;
    std::vector<bool> m_hadPresent;  // a user message with an output imported before
};

// Reads every conversation of every conversations file, calling `fn` for each parsed one.
// Problems go to `skipped`; returns a fatal message when the very first element shows that this
// is not an export of the expected kind (then fn was never called).
struct ConversationVisitor {
    virtual ~ConversationVisitor() = default;
    virtual bool stopped() = 0;
    virtual void conversation(Conversation& c, const std::string& where, size_t bytes) = 0;
    virtual void progress(const ImportProgress& p) = 0;
};

std::string readConversations(const ExportFiles& files, ExportSource source, ConversationVisitor& v,
                              std::vector<SkippedItem>& skipped, std::vector<std::string>& readFiles, int64_t& repaired,
                              size_t maxConversationBytes = kMaxElementBytes) {
    auto names = files.conversationFiles();
    if (names.empty()) {
        std::string list;
        for (size_t i = 0; i < files.names().size() && i < 12; ++i) list += (i ? ", " : "") + files.names()[i];
        return files.path() + ": no conversations.json (or conversations-000.json, ...) in this export" +
               (list.empty() ? std::string(" (it is empty)") : " (it holds: " + list + (files.names().size() > 12 ? ", ..." : "") + ")");
    }
    ImportProgress prog;
    std::vector<std::unique_ptr<ByteSource>> sources;
    for (const auto& n : names) {
        try {
            sources.push_back(files.open(n));
            prog.bytesTotal += sources.back()->size();
        } catch (const std::exception& e) {
            sources.push_back(nullptr);
            skipped.push_back({files.where(n), e.what()});
        }
    }
    bool sawConversation = false;
    std::string firstMismatch;
    std::vector<SkippedItem> pending;  // problems seen before the first conversation
    uint64_t doneBefore = 0;
    std::string text;
    json j;
    for (size_t f = 0; f < names.size(); ++f) {
        if (!sources[f]) continue;
        const std::string where = files.where(names[f]);
        readFiles.push_back(names[f]);
        prog.currentFile = names[f];
        ArrayReader reader(*sources[f], where, maxConversationBytes);
        while (!v.stopped()) {
            size_t before = reader.utf8Repairs();
            ArrayReader::Result r;
            try {
                r = reader.next(text);
            } catch (const std::exception& e) {  // a read error in the zip or file
                skipped.push_back({where, e.what()});
                break;
            }
            if (r == ArrayReader::Result::End) {
                if (reader.trailingBytes())
                    skipped.push_back({where + " (offset " + std::to_string(reader.trailingOffset()) + ")",
                                       std::to_string(reader.trailingBytes()) +
                                           " byte(s) after the end of the JSON were not read (two files joined, or a damaged export?)"});
                break;
            }
            if (r == ArrayReader::Result::Error) {
                if (!sawConversation && f == 0 && reader.elementIndex() < 0 && names.size() == 1)
                    return reader.error() + ": not a " + std::string(sourceLabel(source)) + " export";
                skipped.push_back({where, reader.error()});
                break;
            }
            size_t repairs = reader.utf8Repairs() - before;
            const std::string elemWhere = where + ", conversation #" + std::to_string(reader.elementIndex() + 1);
            std::string err;
            if (reader.tooLarge()) {
                (sawConversation ? skipped : pending)
                    .push_back({elemWhere + " (offset " + std::to_string(reader.elementStart()) + ")",
                                "larger than " + std::to_string(reader.maxElementBytes() >> 20) +
                                    " MB, the most one conversation may take: not read"});
                continue;
            }
            if (reader.tooDeep()) {
                (sawConversation ? skipped : pending)
                    .push_back({elemWhere + " (offset " + std::to_string(reader.elementStart()) + ")",
                                "nested more than 256 levels deep: not a conversation"});
                continue;
            }
            if (!parseElement(text, j, err, repairs)) {
                if (!sawConversation && f == 0 && reader.elementIndex() == 0 && reader.singleObject())
                    return where + ": not JSON: " + err;
                (sawConversation ? skipped : pending)
                    .push_back({elemWhere + " (offset " + std::to_string(reader.elementStart()) + ")", "not valid JSON: " + err});
                continue;
            }
            repaired += static_cast<int64_t>(repairs);
            const bool isChatGpt = looksLikeChatGpt(j), isClaude = looksLikeClaude(j);
            const bool fits = source == ExportSource::ChatGpt ? isChatGpt : isClaude;
            if (!fits) {
                // Until one conversation fits, this may not be an export at all: decided at the end.
                if (!sawConversation && firstMismatch.empty()) {
                    if (source == ExportSource::ChatGpt && isClaude)
                        firstMismatch = where + ": this is a Claude export (conversations have 'chat_messages'); use `import claude`";
                    else if (source == ExportSource::Claude && isChatGpt)
                        firstMismatch = where + ": this is a ChatGPT export (conversations have 'mapping'); use `import chatgpt`";
                    else
                        firstMismatch = where + ": not a " + std::string(sourceLabel(source)) + " export: element #" +
                                        std::to_string(reader.elementIndex() + 1) + " has no '" +
                                        (source == ExportSource::ChatGpt ? "mapping" : "chat_messages") + "' (" + keysOf(j) + ")";
                }
                (sawConversation ? skipped : pending)
                    .push_back({elemWhere, std::string("not a ") + sourceLabel(source) + " conversation (" + keysOf(j) + ")"});
                continue;
            }
            Conversation c;
            try {
                if (source == ExportSource::ChatGpt) parseChatGpt(j, c);
                else parseClaude(j, c);
            } catch (const std::exception& e) {
                skipped.push_back({elemWhere, e.what()});
                continue;
            }
            if (!sawConversation) {
                skipped.insert(skipped.end(), pending.begin(), pending.end());
                pending.clear();
            }
            sawConversation = true;
            if (repairs) c.warnings.push_back(std::to_string(repairs) + " invalid UTF-8 sequence(s), lone surrogate(s) or NUL character(s) replaced by U+FFFD");
            j = nullptr;  // free the DOM before writing
            v.conversation(c, elemWhere + " " + quoteTitle(c.title) + " (id " + c.id + ")", text.size());
            ++prog.conversations;
            prog.bytesDone = doneBefore + reader.bytesRead();
            v.progress(prog);
        }
        doneBefore += sources[f]->size() ? sources[f]->size() : reader.bytesRead();
        prog.bytesDone = doneBefore;
        sources[f].reset();
        if (v.stopped()) break;
    }
    v.progress(prog);
    if (!sawConversation && !firstMismatch.empty()) return firstMismatch;
    if (!sawConversation && !pending.empty())
        return pending.front().where + ": " + pending.front().reason + " (no element of the export could be read)";
    return {};
}

// Between the parsing thread and the writing one: parsed conversations in file order, with the
// reader's problems and progress in between. Bounded, so a fast reader never holds more than
// about 32 MB of export (as parsed conversations and their plans) ahead of the writer.
class ParsedQueue {
public:
    struct Item {
        std::optional<Conversation> conversation;
        ConversationPlan plan;  // the conversation's tree, walked on the parsing thread
        std::string where;
        size_t bytes = 0;
        std::vector<SkippedItem> skipped;  // reader problems seen before this item
        std::optional<ImportProgress> progress;
    };

    // Blocks while full; false when the writer has stopped taking items.
    bool push(Item&& item) {
        std::unique_lock lock(m_mutex);
        m_notFull.wait(lock, [&] { return m_aborted || m_items.empty() || (m_items.size() < kMaxItems && m_bytes < kMaxBytes); });
        if (m_aborted) return false;
        m_bytes += item.bytes;
        m_items.push_back(std::move(item));
        m_notEmpty.notify_one();
        return true;
    }
    // Blocks while empty; false once the reader has finished and everything was taken.
    bool pop(Item& item) {
        std::unique_lock lock(m_mutex);
        m_notEmpty.wait(lock, [&] { return m_finished || !m_items.empty(); });
        if (m_items.empty()) return false;
        item = std::move(m_items.front());
        m_items.pop_front();
        m_bytes -= item.bytes;
        m_notFull.notify_one();
        return true;
    }
    void finish() {
        std::lock_guard lock(m_mutex);
        m_finished = true;
        m_notEmpty.notify_all();
    }
    void abort() {
        std::lock_guard lock(m_mutex);
        m_aborted = true;
        m_items.clear();
        m_notFull.notify_all();
    }
    bool aborted() {
        std::lock_guard lock(m_mutex);
        return m_aborted;
    }

private:
    // Bounded mostly by bytes: while the writer moves a batch (a quarter second for 16 MB) the
    // parser keeps going, and a count of 256 stopped it after ~6 MB, so the writer then waited for
    // parsing between batches (0.7-0.8 s of a 3.7 s import of 100 MB; 0.08 s with 4096).
    static constexpr size_t kMaxItems = 4096;  // many tiny conversations: their overhead counts too
    static constexpr size_t kMaxBytes = 32u << 20;
    std::mutex m_mutex;
    std::condition_variable m_notFull, m_notEmpty;
    std::deque<Item> m_items;
    size_t m_bytes = 0;
    bool m_finished = false, m_aborted = false;
};

// The parsing side: readConversations on its own thread, everything it finds goes to the queue.
class ParsingThread : ConversationVisitor {
public:
    ParsingThread(const ExportFiles& files, ExportSource source, size_t maxConversationBytes, const std::atomic<bool>* cancel)
        : m_cancel(cancel) {
        m_thread = std::thread([this, &files, source, maxConversationBytes] {
            try {
                fatal = readConversations(files, source, *this, m_skipped, files_, repaired, maxConversationBytes);
                Item rest;
                rest.skipped.swap(m_skipped);
                if (!rest.skipped.empty()) m_queue.push(std::move(rest));
            } catch (...) {
                m_error = std::current_exception();
            }
            m_queue.finish();
        });
    }
    ~ParsingThread() { stop(); }
    ParsingThread(const ParsingThread&) = delete;
    ParsingThread& operator=(const ParsingThread&) = delete;

    using Item = ParsedQueue::Item;
    bool next(Item& item) { return m_queue.pop(item); }
    // Stops reading (if it has not ended) and waits for the thread; rethrows what it threw.
    void join() {
        stop();
        if (m_error) std::rethrow_exception(std::exchange(m_error, nullptr));
    }

    // Valid after join().
    std::string fatal;
    std::vector<std::string> files_;
    int64_t repaired = 0;

private:
    void stop() {
        m_queue.abort();
        if (m_thread.joinable()) m_thread.join();
    }
    bool stopped() override { return (m_cancel && m_cancel->load()) || m_queue.aborted(); }
    void conversation(Conversation& c, const std::string& where, size_t bytes) override {
        Item item;
        item.skipped.swap(m_skipped);
        try {
            item.plan = Planner::plan(c, where);
        } catch (const std::exception& e) {
            // As when writing it fails: this conversation is skipped, the import goes on.
            item.skipped.push_back({where, std::string("not imported, nothing of it was kept: ") + e.what()});
            m_queue.push(std::move(item));
            return;
        }
        // The plan holds the answers' texts now; only user messages are read again (prompts).
        for (auto& m : c.msgs) {
            if (m.role == MsgRole::User) continue;
            std::string().swap(m.text);
            std::string().swap(m.notes);
        }
        item.conversation = std::move(c);
        item.where = where;
        item.bytes = bytes;
        m_queue.push(std::move(item));
    }
    void progress(const ImportProgress& p) override {
        Item item;
        item.skipped.swap(m_skipped);
        item.progress = p;
        m_queue.push(std::move(item));
    }

    const std::atomic<bool>* m_cancel;
    ParsedQueue m_queue;
    std::vector<SkippedItem> m_skipped;
    std::exception_ptr m_error;
    std::thread m_thread;  // last: started once everything above exists
};

} // namespace

std::optional<ExportSource> detectSource(const std::string& path) {
    try {
        ExportFiles files(path);
        auto names = files.conversationFiles();
        if (names.empty()) return std::nullopt;
        auto src = files.open(names.front());
        ArrayReader reader(*src, files.where(names.front()));
        std::string text;
        if (reader.next(text) != ArrayReader::Result::Element) return std::nullopt;
        json j;
        std::string err;
        size_t repairs = 0;
        if (!parseElement(text, j, err, repairs)) return std::nullopt;
        if (looksLikeChatGpt(j)) return ExportSource::ChatGpt;
        if (looksLikeClaude(j)) return ExportSource::Claude;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

ImportPreview previewExport(const ImportOptions& options, size_t maxTitles, const ProgressFn& progress,
                            const std::atomic<bool>* cancel) {
    ImportPreview pv;
    pv.source = options.source;
    std::unique_ptr<ExportFiles> files;
    try {
        files = std::make_unique<ExportFiles>(options.path);
    } catch (const std::exception& e) {
        pv.fatalError = e.what();
        return pv;
    }
    struct V : ConversationVisitor {
        ImportPreview& pv;
        size_t maxTitles;
        const ProgressFn& progressFn;
        const std::atomic<bool>* cancel;
        std::set<std::string> agents;
        V(ImportPreview& p, size_t m, const ProgressFn& f, const std::atomic<bool>* c) : pv(p), maxTitles(m), progressFn(f), cancel(c) {}
        bool stopped() override { return cancel && cancel->load(); }
        void conversation(Conversation& c, const std::string&, size_t) override {
            ++pv.conversations;
            if (pv.firstTitles.size() < maxTitles) pv.firstTitles.push_back(c.title.empty() ? "(untitled)" : c.title);
            for (const auto& m : c.msgs) {
                if (m.role == MsgRole::User) ++pv.userMessages;
                else if (m.role == MsgRole::Reply && !m.text.empty()) ++pv.assistantMessages;
            }
            if (!c.agentKey.empty()) agents.insert(c.agentKey);
        }
        void progress(const ImportProgress& p) override {
            if (progressFn) progressFn(p);
        }
    } v(pv, maxTitles, progress, cancel);
    for (const auto& d : files->duplicates()) pv.problems.push_back({files->path(), d});
    std::vector<std::string> read;
    int64_t repaired = 0;
    pv.fatalError = readConversations(*files, options.source, v, pv.problems, read, repaired, options.maxConversationBytes);
    pv.files = read;
    pv.agents = static_cast<int64_t>(v.agents.size());
    if (options.source == ExportSource::Claude) {
        ImportReport tmp;
        auto projects = loadProjects(*files, tmp);
        for (auto& [uuid, a] : projects) v.agents.insert(uuid);
        pv.agents = static_cast<int64_t>(v.agents.size());
        for (auto& s : tmp.skipped) pv.problems.push_back(s);
    }
    return pv;
}

ImportReport runImport(Store& store, const ImportOptions& options, const ProgressFn& progress, const std::atomic<bool>* cancel) {
    ImportReport report;
    report.dryRun = options.dryRun;
    std::unique_ptr<ExportFiles> files;
    try {
        files = std::make_unique<ExportFiles>(options.path);
    } catch (const std::exception& e) {
        report.fatalError = e.what();
        return report;
    }
    // A zip's conversation files are read through once before anything is written: a damaged
    // entry (CRC) or a zip bomb is refused whole, instead of being found after part was imported.
    if (files->isZip()) {
        for (const auto& name : files->conversationFiles()) {
            try {
                files->verify(name);
            } catch (const std::exception& e) {
                report.fatalError = e.what();
                return report;
            }
        }
    }
    for (const auto& d : files->duplicates()) report.warnings.push_back(d);
    if (files->conversationFiles().empty()) {
        ImportReport none;
        std::vector<std::string> f;
        int64_t r = 0;
        struct Nop : ConversationVisitor {
            bool stopped() override { return false; }
            void conversation(Conversation&, const std::string&, size_t) override {}
            void progress(const ImportProgress&) override {}
        } nop;
        report.fatalError = readConversations(*files, options.source, nop, none.skipped, f, r);
        return report;
    }

    auto feedback = options.source == ExportSource::ChatGpt ? loadFeedback(*files, report)
                                                            : std::unordered_map<std::string, Feedback>{};
    auto projects = options.source == ExportSource::Claude ? loadProjects(*files, report) : std::unordered_map<std::string, Agent>{};

    ScopedCacheSize importCache(store.db(), static_cast<int64_t>(kBatchBytes >> 10));
    Writer writer(store, options);
    Mapper mapper(writer, options, feedback, projects, report);

    struct V : ConversationVisitor {
        Store& store;
        sql::Db& db;
        Writer& writer;
        Mapper& mapper;
        ImportReport& report;
        const ImportOptions& options;
        const ProgressFn& progressFn;
        const std::atomic<bool>* cancel;
        std::optional<sql::Transaction> tx;
        Writer::Counts committed;
        int batchConversations = 0;
        size_t batchBytes = 0;
        bool sawAny = false;
        V(Store& s, Writer& w, Mapper& m, ImportReport& r, const ImportOptions& o, const ProgressFn& p, const std::atomic<bool>* c)
            : store(s), db(s.db()), writer(w), mapper(m), report(r), options(o), progressFn(p), cancel(c) {}
        bool stopped() override { return cancel && cancel->load(); }
        void conversation(Conversation& c, const std::string& where, size_t bytes) override {
            auto plan = Planner::plan(c, where);
            write(c, plan, where, bytes);
        }
        void write(const Conversation& c, ConversationPlan& plan, const std::string& where, size_t bytes) {
            sawAny = true;
            if (!tx) tx.emplace(db);
            writer.mark();
            // Models, agents and ratings of present outputs are written at once: a savepoint keeps
            // a failing conversation from leaving them behind (its new rows are only held yet).
            db.cached("SAVEPOINT pv_import_conversation").exec();
            try {
                bool added = mapper.map(c, plan);
                db.cached("RELEASE pv_import_conversation").exec();
                // A conversation of which nothing could be walked (its whole tree a cycle) is
                // reported skipped; it is neither new nor already present.
                const bool nothingWalked = !added && plan.answers.empty() && plan.walkedUsers.empty() && !plan.skipped.empty();
                if (!nothingWalked) ++(added ? writer.counts.conversations.added : writer.counts.conversations.present);
                writer.conversationDone(where, added);
            } catch (const sql::Error& e) {
                rollbackConversation();
                if (isVaultFailure(e)) throw;
                report.skipped.push_back({where, std::string("not imported, nothing of it was kept: ") + e.what()});
            } catch (const std::exception& e) {
                rollbackConversation();
                report.skipped.push_back({where, std::string("not imported, nothing of it was kept: ") + e.what()});
            }
            ++batchConversations;
            batchBytes += bytes;
            if (batchConversations >= std::max(1, options.batchConversations) || batchBytes >= kBatchBytes) commit();
        }
        void rollbackConversation() {
            rollbackSavepoint(db, "pv_import_conversation");
            writer.undo();
        }
        // Ends a batch: the held rows go in; a dry run keeps its one transaction open to roll back.
        void commit() {
            if (!tx) return;
            for (auto& f : writer.flush()) report.skipped.push_back(std::move(f));
            batchConversations = 0;
            batchBytes = 0;
            if (options.dryRun) return;
            tx->commit();
            tx.reset();
            committed = writer.counts;
        }
        void progress(const ImportProgress& p) override {
            if (progressFn) progressFn(p);
        }
    } v(store, writer, mapper, report, options, progress, cancel);

    // Claude projects are agents whether or not a conversation of this export uses them.
    if (!projects.empty()) {
        v.tx.emplace(store.db());
        std::vector<std::string> uuids;
        for (const auto& [uuid, a] : projects) uuids.push_back(uuid);
        std::sort(uuids.begin(), uuids.end());
        for (const auto& uuid : uuids) writer.agent(projects.at(uuid));
    }
    // Parsing (JSON + tree) runs on a second thread while this one writes; progress is reported
    // from here as conversations are written, cancellation is seen by both.
    std::string fatal;
    {
        ParsingThread reader(*files, options.source, options.maxConversationBytes, cancel);
        ParsingThread::Item item;
        try {
            while (!v.stopped() && reader.next(item)) {
                for (auto& s : item.skipped) report.skipped.push_back(std::move(s));
                if (item.conversation) v.write(*item.conversation, item.plan, item.where, item.bytes);
                if (item.progress) v.progress(*item.progress);
            }
        } catch (const sql::Error& e) {
            // The vault failed (disk full, read-only, locked): stop, keep the committed batches, say so.
            if (!isVaultFailure(e)) throw;
            report.stoppedError = describeVaultFailure(e);
        }
        reader.join();
        fatal = reader.fatal;
        report.files.insert(report.files.end(), reader.files_.begin(), reader.files_.end());
        report.repairedTexts += reader.repaired;
    }
    if (fatal.empty() && report.stoppedError.empty() && !v.stopped()) {
        try {
            v.commit();  // the last batch (a dry run: its held rows too, so the counts are what would be written)
        } catch (const sql::Error& e) {
            if (!isVaultFailure(e)) throw;
            report.stoppedError = describeVaultFailure(e);
        }
    }
    Writer::Counts final;
    if (!report.stoppedError.empty()) {
        report.readConversations = writer.counts.conversations.added + writer.counts.conversations.present;
        v.tx.reset();  // the batch under way rolls back; whole batches before it stay
        final = options.dryRun ? Writer::Counts{} : v.committed;
    } else if (!fatal.empty()) {
        report.fatalError = fatal;
        v.tx.reset();  // nothing of a non-export is kept
        final = v.committed;
    } else if (v.stopped()) {
        report.cancelled = true;
        v.tx.reset();  // the unfinished batch rolls back; whole batches before it stay
        final = v.committed;
    } else if (options.dryRun) {
        final = writer.counts;
        v.tx.reset();  // a dry run keeps nothing
    } else {
        final = writer.counts;
    }
    report.conversations = final.conversations;
    report.prompts = final.prompts;
    report.outputs = final.outputs;
    report.models = final.models;
    report.agents = final.agents;
    report.ratingsSet = final.ratingsSet;
    return report;
}

std::string formatReport(const ImportReport& r) {
    std::ostringstream out;
    auto line = [&](const char* what, const EntityCounts& c) {
        out << what << ": " << c.added << (r.dryRun ? " would be new" : " new") << ", " << c.present << " already present\n";
    };
    if (!r.fatalError.empty()) {
        out << "error: " << r.fatalError << "\nnothing was imported\n";
        return out.str();
    }
    line("conversations", r.conversations);
    line("prompts", r.prompts);
    line("outputs", r.outputs);
    line("models", r.models);
    line("agents", r.agents);
    out << "ratings from feedback: " << r.ratingsSet << "\n";
    if (r.repairedTexts) out << "invalid UTF-8 / NUL characters replaced (U+FFFD): " << r.repairedTexts << "\n";
    if (!r.warnings.empty()) out << "warnings: " << r.warnings.size() << "\n";
    for (size_t i = 0; i < r.warnings.size() && i < 20; ++i) out << "  warning: " << r.warnings[i] << "\n";
    if (r.warnings.size() > 20) out << "  ... " << (r.warnings.size() - 20) << " more warnings\n";
    if (!r.skipped.empty()) out << "skipped: " << r.skipped.size() << "\n";
    for (const auto& s : r.skipped) out << "  skipped: " << s.where << ": " << s.reason << "\n";
    if (!r.stoppedError.empty()) {
        out << "stopped early: " << r.stoppedError << "\n";
        if (r.dryRun) {
            out << "dry run: nothing was written\n";
        } else {
            const int64_t kept = r.conversations.added + r.conversations.present;
            out << "kept: the counts above are what this import committed (" << kept << " of the " << r.readConversations
                << " conversations read, each whole); the batch being written when it stopped was rolled back\n"
                << "to finish: fix the cause and run the same import again; what is already in the vault counts as already present\n";
        }
        return out.str();
    }
    if (r.cancelled) out << "cancelled: whole batches before the cancel were kept; import again to finish\n";
    if (r.dryRun) out << "dry run: nothing was written\n";
    if (!r.cancelled && r.conversations.added + r.conversations.present == 0 && !r.skipped.empty())
        out << "nothing was imported: every conversation was skipped\n";
    return out.str();
}

int importExitCode(const ImportReport& r) {
    if (!r.fatalError.empty()) return 2;
    if (!r.stoppedError.empty() || r.cancelled) return 3;
    if (r.conversations.added + r.conversations.present == 0 && !r.skipped.empty()) return 2;
    return r.skipped.empty() ? 0 : 1;
}

} // namespace pv::capture
