#include "Store.hpp"

#include "Migrations.hpp"
#include "Schema.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>

namespace pv {

namespace {

// SAVEPOINT-based atomic section: nests inside an open transaction, rolls back unless released.
class Atomic {
public:
    explicit Atomic(sql::Db& db) : m_db(db) { m_db.exec("SAVEPOINT pv_atomic"); }
    ~Atomic() {
        if (!m_done) {
            try {
                m_db.exec("ROLLBACK TO pv_atomic; RELEASE pv_atomic");
            } catch (...) {
            }
        }
    }
    void commit() {
        m_db.exec("RELEASE pv_atomic");
        m_done = true;
    }

private:
    sql::Db& m_db;
    bool m_done = false;
};

void readStamps(const sql::Stmt& s, int first, Stamps& st) {
    st.createdAt = s.getText(first);
    st.updatedAt = s.getText(first + 1);
    st.deletedAt = s.getOptText(first + 2);
}

std::string preview(std::string s, size_t n) {
    if (s.size() > n) {
        s.resize(n);
        while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();  // never cut a code point
        if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
    }
    for (auto& c : s)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return s;
}

// Turns what a person types into a safe FTS5 query: each word quoted, the last one a prefix.
std::string ftsQuery(const std::string& text) {
    std::string out, word;
    std::vector<std::string> words;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n') {
            if (!word.empty()) words.push_back(word), word.clear();
        } else if (c != '"') {
            word += c;
        }
    }
    if (!word.empty()) words.push_back(word);
    for (size_t i = 0; i < words.size(); ++i) {
        if (i) out += ' ';
        out += '"' + words[i] + '"';
        if (i + 1 == words.size()) out += '*';
    }
    return out;
}

const char* kLinkTable[2][2] = {{"output_tags", "output_id"}, {"prompt_tags", "prompt_id"}};

std::pair<const char*, const char*> tagLink(Kind k) {
    if (k == Kind::Output) return {kLinkTable[0][0], kLinkTable[0][1]};
    if (k == Kind::Prompt) return {kLinkTable[1][0], kLinkTable[1][1]};
    throw StoreError(std::string("tags link only outputs and prompts, not ") + kindName(k));
}

std::pair<const char*, const char*> valueLink(Kind k) {
    if (k == Kind::Output) return {"output_lookup_values", "output_id"};
    if (k == Kind::Prompt) return {"prompt_lookup_values", "prompt_id"};
    throw StoreError(std::string("lookup values link only outputs and prompts, not ") + kindName(k));
}

} // namespace

// ---- free helpers --------------------------------------------------------------------------

const char* kindName(Kind k) {
    switch (k) {
    case Kind::Prompt: return "prompt";
    case Kind::Output: return "output";
    case Kind::Model: return "model";
    case Kind::Agent: return "agent";
    case Kind::Tag: return "tag";
    case Kind::QaActivity: return "qa_activity";
    case Kind::Lookup: return "lookup";
    case Kind::LookupValue: return "lookup_value";
    }
    return "?";
}

const char* kindTable(Kind k) {
    switch (k) {
    case Kind::Prompt: return "prompts";
    case Kind::Output: return "outputs";
    case Kind::Model: return "models";
    case Kind::Agent: return "agents";
    case Kind::Tag: return "tags";
    case Kind::QaActivity: return "qa_activities";
    case Kind::Lookup: return "lookups";
    case Kind::LookupValue: return "lookup_values";
    }
    return "?";
}

std::optional<Kind> kindFromName(const std::string& name) {
    for (Kind k : {Kind::Prompt, Kind::Output, Kind::Model, Kind::Agent, Kind::Tag, Kind::QaActivity, Kind::Lookup, Kind::LookupValue})
        if (name == kindName(k) || name == kindTable(k)) return k;
    return std::nullopt;
}

bool isValidUtf8(std::string_view s) {
    size_t i = 0, n = s.size();
    while (i < n) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        int len;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F;
        else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F;
        else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07;
        else return false;
        if (i + static_cast<size_t>(len) > n) return false;
        for (int k = 1; k < len; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
        if (cp >= 0xD800 && cp <= 0xDFFF) return false;
        i += static_cast<size_t>(len);
    }
    return true;
}

namespace {

int64_t nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string isoFromMs(int64_t ms) {
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

} // namespace

std::string nowIso() { return isoFromMs(nowMs()); }

std::string Store::tombstoneStamp() {
    // restore() finds what one delete took along by its stamp, so no two tombstoning writes of this
    // Store share one, even within a millisecond (an unlink just before a tag delete stays unlinked).
    int64_t ms = std::max(nowMs(), m_lastStampMs + 1);
    m_lastStampMs = ms;
    return isoFromMs(ms);
}

std::string newUuidV7() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    uint64_t ms = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    uint64_t hi = (ms << 16) | 0x7000 | (rng() & 0x0FFF);
    uint64_t lo = (rng() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xFFFF),
                  static_cast<unsigned>(hi & 0xFFFF), static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
    return buf;
}

// ---- open ------------------------------------------------------------------------------------

Store::Store(const std::string& path, OpenOptions options) {
    namespace fs = std::filesystem;
    std::error_code ec;
    bool exists = fs::exists(path, ec);
    if (!exists && (!options.create || options.readOnly)) throw StoreError("vault '" + path + "' does not exist");
    if (exists && fs::is_directory(path, ec)) throw StoreError("vault '" + path + "' is a directory, not a vault file");
    if (!exists) {
        auto parent = fs::path(path).parent_path();
        if (!parent.empty() && !fs::exists(parent, ec)) fs::create_directories(parent, ec);
    }
    auto mode = options.readOnly ? sql::Db::Mode::ReadOnly : sql::Db::Mode::ReadWriteCreate;
    m_db = sql::Db(path, mode);
    try {
        // Reading the schema is the first touch of the file: a corrupt or foreign file fails here.
        m_db.queryInt("SELECT count(*) FROM sqlite_schema");
        if (!options.readOnly) {
            if (sqlite3_db_readonly(m_db.handle(), "main") == 1) throw StoreError("vault '" + path + "' is read-only (check file permissions)");
            m_db.exec("PRAGMA journal_mode = WAL");
            m_db.exec("PRAGMA synchronous = NORMAL");
        }
        m_db.exec("PRAGMA foreign_keys = ON");
        m_db.exec("PRAGMA recursive_triggers = OFF");
        m_db.exec("PRAGMA cache_size = -65536");
        if (!options.readOnly) migrate(m_db);
        else if (m_db.queryInt("PRAGMA user_version") != kSchemaVersion)
            throw StoreError("vault '" + path + "' needs a migration and was opened read-only");
    } catch (const StoreError&) {
        throw;
    } catch (const sql::Error& e) {
        std::string what = e.what();
        if ((e.code() & 0xFF) == SQLITE_NOTADB || (e.code() & 0xFF) == SQLITE_CORRUPT)
            throw StoreError("vault '" + path + "' is not a valid vault file or is corrupt: " + what, e.code());
        if ((e.code() & 0xFF) == SQLITE_READONLY || (e.code() & 0xFF) == SQLITE_CANTOPEN)
            throw StoreError("vault '" + path + "' cannot be written: " + what, e.code());
        throw StoreError(what, e.code());
    }
}

std::string Store::deviceId() { return m_db.queryText("SELECT device_id FROM pv_sync_state"); }

int Store::schemaVersion() { return static_cast<int>(m_db.queryInt("PRAGMA user_version")); }

void Store::transaction(const std::function<void()>& fn) {
    sql::Transaction tx(m_db);
    fn();
    tx.commit();
}

void Store::checkText(const char* field, const std::string& value) const {
    if (!isValidUtf8(value)) throw StoreError(std::string("invalid UTF-8 in field '") + field + "'; nothing was stored");
}

void Store::requireRow(const char* table, const std::optional<std::string>& id, const char* field) {
    if (!id) return;
    auto& s = m_db.cached(std::string("SELECT 1 FROM ") + table + " WHERE id = ?");
    sql::StmtUse use(s);
    s.bind(1, *id);
    if (!s.step()) throw StoreError(std::string(field) + " '" + *id + "' does not exist in " + table);
}

int64_t Store::scalar(const std::string& sqlText, const std::string& arg) {
    auto& s = m_db.cached(sqlText);
    sql::StmtUse use(s);
    s.bind(1, arg);
    return s.step() ? s.getInt(0) : 0;
}

// ---- prompts ---------------------------------------------------------------------------------

static const char* kPromptCols = "id, derived_from_id, title, body, notes, created_at, updated_at, deleted_at";

static Prompt readPrompt(const sql::Stmt& s) {
    Prompt p;
    p.id = s.getText(0);
    p.derivedFromId = s.getOptText(1);
    p.title = s.getText(2);
    p.body = s.getText(3);
    p.notes = s.getText(4);
    readStamps(s, 5, p);
    return p;
}

Prompt Store::createPrompt(Prompt p) {
    checkText("title", p.title);
    checkText("body", p.body);
    checkText("notes", p.notes);
    if (p.id.empty()) p.id = newUuidV7();
    requireRow("prompts", p.derivedFromId, "derived_from_id");
    auto& s = m_db.cached("INSERT INTO prompts(id, derived_from_id, title, body, notes) VALUES (?,?,?,?,?)");
    sql::StmtUse use(s);
    s.bind(1, p.id).bind(2, p.derivedFromId).bind(3, p.title).bind(4, p.body).bind(5, p.notes);
    s.exec();
    return *getPrompt(p.id);
}

void Store::updatePrompt(const Prompt& p) {
    checkText("title", p.title);
    checkText("body", p.body);
    checkText("notes", p.notes);
    requireRow("prompts", p.derivedFromId, "derived_from_id");
    if (p.derivedFromId && *p.derivedFromId == p.id) throw StoreError("prompt '" + p.id + "' cannot be derived from itself");
    auto& s = m_db.cached("UPDATE prompts SET derived_from_id = ?, title = ?, body = ?, notes = ? WHERE id = ?");
    sql::StmtUse use(s);
    s.bind(1, p.derivedFromId).bind(2, p.title).bind(3, p.body).bind(4, p.notes).bind(5, p.id);
    s.exec();
    if (m_db.changes() == 0) throw StoreError("prompt '" + p.id + "' does not exist");
}

std::optional<Prompt> Store::getPrompt(const std::string& id) {
    auto& s = m_db.cached(std::string("SELECT ") + kPromptCols + " FROM prompts WHERE id = ?");
    sql::StmtUse use(s);
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readPrompt(s);
}

Prompt Store::newIteration(const std::string& promptId) {
    auto base = getPrompt(promptId);
    if (!base) throw StoreError("prompt '" + promptId + "' does not exist");
    Atomic tx(m_db);
    Prompt p;
    p.derivedFromId = promptId;
    p.title = base->title;
    p.body = base->body;
    p = createPrompt(p);
    for (const auto& t : tagsOf(Kind::Prompt, promptId)) linkTag(Kind::Prompt, p.id, t.id);
    tx.commit();
    return p;
}

std::vector<Prompt> Store::iterationsOf(const std::string& promptId) {
    auto& s = m_db.cached(std::string("SELECT ") + kPromptCols +
                          " FROM prompts WHERE derived_from_id = ? AND deleted_at IS NULL ORDER BY created_at, id");
    sql::StmtUse use(s);
    s.bind(1, promptId);
    std::vector<Prompt> out;
    while (s.step()) out.push_back(readPrompt(s));
    return out;
}

// ---- outputs ---------------------------------------------------------------------------------

static const char* kOutputCols =
    "id, prompt_id, model_id, agent_id, rating, captured_at, source, conversation_id, conversation_title, message_id, "
    "conversation_url, notes, output, output_edited, created_at, updated_at, deleted_at";

static Output readOutput(const sql::Stmt& s) {
    Output o;
    o.id = s.getText(0);
    o.promptId = s.getOptText(1);
    o.modelId = s.getOptText(2);
    o.agentId = s.getOptText(3);
    o.rating = s.getOptInt(4);
    o.capturedAt = s.getText(5);
    o.source = s.getText(6);
    o.conversationId = s.getText(7);
    o.conversationTitle = s.getText(8);
    o.messageId = s.getText(9);
    o.conversationUrl = s.getText(10);
    o.notes = s.getText(11);
    o.output = s.getText(12);
    o.outputEdited = s.getOptText(13);
    readStamps(s, 14, o);
    return o;
}

static void checkOutput(const Output& o, const std::function<void(const char*, const std::string&)>& check) {
    check("output", o.output);
    if (o.outputEdited) check("output_edited", *o.outputEdited);
    check("notes", o.notes);
    check("source", o.source);
    check("conversation_id", o.conversationId);
    check("conversation_title", o.conversationTitle);
    check("message_id", o.messageId);
    check("conversation_url", o.conversationUrl);
    check("captured_at", o.capturedAt);
    if (o.rating && (*o.rating < 1 || *o.rating > 5))
        throw StoreError("rating " + std::to_string(*o.rating) + " is out of range 1..5; nothing was stored");
}

static const char* kOutputInsertCols =
    "id, prompt_id, model_id, agent_id, rating, captured_at, source, conversation_id, conversation_title, message_id, "
    "conversation_url, notes, output, output_edited";

static void bindOutputInsert(sql::Stmt& s, const Output& o) {
    s.bind(1, o.id).bind(2, o.promptId).bind(3, o.modelId).bind(4, o.agentId).bind(5, o.rating).bind(6, o.capturedAt);
    s.bind(7, o.source).bind(8, o.conversationId).bind(9, o.conversationTitle).bind(10, o.messageId).bind(11, o.conversationUrl);
    s.bind(12, o.notes).bind(13, o.output).bind(14, o.outputEdited);
}

void Store::prepareOutput(Output& o) {
    checkOutput(o, [this](const char* f, const std::string& v) { checkText(f, v); });
    if (o.id.empty()) o.id = newUuidV7();
    if (o.capturedAt.empty()) o.capturedAt = nowIso();
    requireRow("prompts", o.promptId, "prompt_id");
    requireRow("models", o.modelId, "model_id");
    requireRow("agents", o.agentId, "agent_id");
}

void Store::insertOutput(Output& o) {
    prepareOutput(o);
    auto& s = m_db.cached(std::string("INSERT INTO outputs(") + kOutputInsertCols + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    sql::StmtUse use(s);
    bindOutputInsert(s, o);
    s.exec();
}

Output Store::createOutput(Output o) {
    insertOutput(o);
    return *getOutput(o.id);
}

void Store::createOutputs(std::vector<Output>& outputs) {
    // Rows are staged, then moved by one INSERT ... SELECT per chunk: SQLite 3.40's FTS5 flushes its
    // pending index at every statement savepoint, so a statement per row doubles the indexing cost.
    // The triggers (capture, search, counters) still run for every row, in this transaction.
    const std::string cols = kOutputInsertCols;
    m_db.exec("CREATE TEMP TABLE IF NOT EXISTS pv_stage_outputs(" + cols + ")");
    auto& stage = m_db.cached("INSERT INTO temp.pv_stage_outputs(" + cols + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    auto& move = m_db.cached("INSERT INTO main.outputs(" + cols + ") SELECT " + cols + " FROM temp.pv_stage_outputs ORDER BY rowid");
    auto& clear = m_db.cached("DELETE FROM temp.pv_stage_outputs");
    Atomic tx(m_db);
    constexpr size_t kChunk = 2000;
    for (size_t first = 0; first < outputs.size(); first += kChunk) {
        const size_t last = std::min(outputs.size(), first + kChunk);
        for (size_t i = first; i < last; ++i) {
            prepareOutput(outputs[i]);
            sql::StmtUse use(stage);
            bindOutputInsert(stage, outputs[i]);
            stage.exec();
        }
        try {
            move.exec();
            clear.exec();
        } catch (const sql::Error&) {
            // The statement undid itself; redo the chunk row by row so the error names its row.
            move.reset();
            clear.exec();
            for (size_t i = first; i < last; ++i) {
                try {
                    insertOutput(outputs[i]);
                } catch (const sql::Error& e) {
                    throw StoreError("output " + std::to_string(i + 1) + " of " + std::to_string(outputs.size()) + " ('" + outputs[i].id +
                                         "') was refused: " + e.what() + "; nothing was stored",
                                     e.code());
                }
            }
        }
    }
    tx.commit();
}

void Store::updateOutput(const Output& o) {
    checkOutput(o, [this](const char* f, const std::string& v) { checkText(f, v); });
    requireRow("prompts", o.promptId, "prompt_id");
    requireRow("models", o.modelId, "model_id");
    requireRow("agents", o.agentId, "agent_id");
    auto& s = m_db.cached(
        "UPDATE outputs SET prompt_id=?, model_id=?, agent_id=?, rating=?, captured_at=?, source=?, conversation_id=?, "
        "conversation_title=?, message_id=?, conversation_url=?, notes=?, output=?, output_edited=? WHERE id=?");
    sql::StmtUse use(s);
    s.bind(1, o.promptId).bind(2, o.modelId).bind(3, o.agentId).bind(4, o.rating).bind(5, o.capturedAt.empty() ? nowIso() : o.capturedAt);
    s.bind(6, o.source).bind(7, o.conversationId).bind(8, o.conversationTitle).bind(9, o.messageId).bind(10, o.conversationUrl);
    s.bind(11, o.notes).bind(12, o.output).bind(13, o.outputEdited).bind(14, o.id);
    s.exec();
    if (m_db.changes() == 0) throw StoreError("output '" + o.id + "' does not exist");
}

std::optional<Output> Store::getOutput(const std::string& id) {
    auto& s = m_db.cached(std::string("SELECT ") + kOutputCols + " FROM outputs WHERE id = ?");
    sql::StmtUse use(s);
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readOutput(s);
}

// ---- models / agents / tags / QA activities / lookups -------------------------------------

Model Store::createModel(Model m) {
    checkText("name", m.name);
    checkText("provider", m.provider);
    checkText("notes", m.notes);
    if (m.name.empty()) throw StoreError("a model needs a name");
    if (m.id.empty()) m.id = newUuidV7();
    auto& s = m_db.cached("INSERT INTO models(id, name, provider, notes) VALUES (?,?,?,?)");
    sql::StmtUse use(s);
    s.bind(1, m.id).bind(2, m.name).bind(3, m.provider).bind(4, m.notes).exec();
    return *getModel(m.id);
}

void Store::updateModel(const Model& m) {
    checkText("name", m.name);
    checkText("provider", m.provider);
    checkText("notes", m.notes);
    if (m.name.empty()) throw StoreError("a model needs a name");
    auto& s = m_db.cached("UPDATE models SET name=?, provider=?, notes=? WHERE id=?");
    sql::StmtUse use(s);
    s.bind(1, m.name).bind(2, m.provider).bind(3, m.notes).bind(4, m.id).exec();
    if (m_db.changes() == 0) throw StoreError("model '" + m.id + "' does not exist");
}

std::optional<Model> Store::getModel(const std::string& id) {
    auto& s = m_db.cached("SELECT id, name, provider, notes, created_at, updated_at, deleted_at FROM models WHERE id = ?");
    sql::StmtUse use(s);
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    Model m;
    m.id = s.getText(0);
    m.name = s.getText(1);
    m.provider = s.getText(2);
    m.notes = s.getText(3);
    readStamps(s, 4, m);
    return m;
}

Agent Store::createAgent(Agent a) {
    for (auto* f : {&a.name, &a.platform, &a.url, &a.description, &a.instructions}) checkText("agent field", *f);
    if (a.name.empty()) throw StoreError("an agent needs a name");
    if (a.id.empty()) a.id = newUuidV7();
    requireRow("models", a.defaultModelId, "default_model_id");
    auto& s = m_db.cached("INSERT INTO agents(id, name, platform, url, default_model_id, description, instructions) VALUES (?,?,?,?,?,?,?)");
    sql::StmtUse use(s);
    s.bind(1, a.id).bind(2, a.name).bind(3, a.platform).bind(4, a.url).bind(5, a.defaultModelId).bind(6, a.description).bind(7, a.instructions);
    s.exec();
    return *getAgent(a.id);
}

void Store::updateAgent(const Agent& a) {
    for (auto* f : {&a.name, &a.platform, &a.url, &a.description, &a.instructions}) checkText("agent field", *f);
    if (a.name.empty()) throw StoreError("an agent needs a name");
    requireRow("models", a.defaultModelId, "default_model_id");
    auto& s = m_db.cached("UPDATE agents SET name=?, platform=?, url=?, default_model_id=?, description=?, instructions=? WHERE id=?");
    sql::StmtUse use(s);
    s.bind(1, a.name).bind(2, a.platform).bind(3, a.url).bind(4, a.defaultModelId).bind(5, a.description).bind(6, a.instructions).bind(7, a.id);
    s.exec();
    if (m_db.changes() == 0) throw StoreError("agent '" + a.id + "' does not exist");
}

std::optional<Agent> Store::getAgent(const std::string& id) {
    auto& s = m_db.cached(
        "SELECT id, name, platform, url, default_model_id, description, instructions, created_at, updated_at, deleted_at FROM agents WHERE id = ?");
    sql::StmtUse use(s);
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    Agent a;
    a.id = s.getText(0);
    a.name = s.getText(1);
    a.platform = s.getText(2);
    a.url = s.getText(3);
    a.defaultModelId = s.getOptText(4);
    a.description = s.getText(5);
    a.instructions = s.getText(6);
    readStamps(s, 7, a);
    return a;
}

Tag Store::createTag(Tag t) {
    checkText("name", t.name);
    checkText("color", t.color);
    if (t.name.empty()) throw StoreError("a tag needs a name");
    if (t.id.empty()) t.id = newUuidV7();
    auto& s = m_db.cached("INSERT INTO tags(id, name, color) VALUES (?,?,?)");
    sql::StmtUse use(s);
    s.bind(1, t.id).bind(2, t.name).bind(3, t.color).exec();
    return *getTag(t.id);
}

void Store::updateTag(const Tag& t) {
    checkText("name", t.name);
    checkText("color", t.color);
    if (t.name.empty()) throw StoreError("a tag needs a name");
    auto& s = m_db.cached("UPDATE tags SET name=?, color=? WHERE id=?");
    sql::StmtUse use(s);
    s.bind(1, t.name).bind(2, t.color).bind(3, t.id).exec();
    if (m_db.changes() == 0) throw StoreError("tag '" + t.id + "' does not exist");
}

std::optional<Tag> Store::getTag(const std::string& id) {
    auto& s = m_db.cached("SELECT id, name, color, created_at, updated_at, deleted_at FROM tags WHERE id = ?");
    sql::StmtUse use(s);
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    Tag t;
    t.id = s.getText(0);
    t.name = s.getText(1);
    t.color = s.getText(2);
    readStamps(s, 3, t);
    return t;
}

QaActivity Store::createQaActivity(QaActivity q) {
    checkText("name", q.name);
    checkText("description", q.description);
    if (q.name.empty()) throw StoreError("a QA activity needs a name");
    if (q.id.empty()) q.id = newUuidV7();
    auto& s = m_db.cached("INSERT INTO qa_activities(id, name, description, sort_order) VALUES (?,?,?,?)");
    sql::StmtUse use(s);
    s.bind(1, q.id).bind(2, q.name).bind(3, q.description).bind(4, q.sortOrder).exec();
    return *getQaActivity(q.id);
}

void Store::updateQaActivity(const QaActivity& q) {
    checkText("name", q.name);
    checkText("description", q.description);
    if (q.name.empty()) throw StoreError("a QA activity needs a name");
    auto& s = m_db.cached("UPDATE qa_activities SET name=?, description=?, sort_order=? WHERE id=?");
    sql::StmtUse use(s);
    s.bind(1, q.name).bind(2, q.description).bind(3, q.sortOrder).bind(4, q.id).exec();
    if (m_db.changes() == 0) throw StoreError("QA activity '" + q.id + "' does not exist");
}

std::optional<QaActivity> Store::getQaActivity(const std::string& id) {
    auto& s = m_db.cached("SELECT id, name, description, sort_order, created_at, updated_at, deleted_at FROM qa_activities WHERE id = ?");
    sql::StmtUse use(s);
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    QaActivity q;
    q.id = s.getText(0);
    q.name = s.getText(1);
    q.description = s.getText(2);
    q.sortOrder = s.getInt(3);
    readStamps(s, 4, q);
    return q;
}

Lookup Store::createLookup(Lookup l) {
    checkText("name", l.name);
    if (l.name.empty()) throw StoreError("a lookup needs a name");
    if (l.appliesTo != "outputs" && l.appliesTo != "prompts")
        throw StoreError("a lookup applies to 'outputs' or 'prompts', not '" + l.appliesTo + "'");
    if (l.id.empty()) l.id = newUuidV7();
    auto& s = m_db.cached("INSERT INTO lookups(id, name, applies_to, multi, sort_order) VALUES (?,?,?,?,?)");
    sql::StmtUse use(s);
    s.bind(1, l.id).bind(2, l.name).bind(3, l.appliesTo).bind(4, int64_t(l.multi)).bind(5, l.sortOrder).exec();
    return *getLookup(l.id);
}

void Store::updateLookup(const Lookup& l) {
    checkText("name", l.name);
    if (l.name.empty()) throw StoreError("a lookup needs a name");
    if (l.appliesTo != "outputs" && l.appliesTo != "prompts")
        throw StoreError("a lookup applies to 'outputs' or 'prompts', not '" + l.appliesTo + "'");
    auto& s = m_db.cached("UPDATE lookups SET name=?, applies_to=?, multi=?, sort_order=? WHERE id=?");
    sql::StmtUse use(s);
    s.bind(1, l.name).bind(2, l.appliesTo).bind(3, int64_t(l.multi)).bind(4, l.sortOrder).bind(5, l.id).exec();
    if (m_db.changes() == 0) throw StoreError("lookup '" + l.id + "' does not exist");
}

static Lookup readLookup(const sql::Stmt& s) {
    Lookup l;
    l.id = s.getText(0);
    l.name = s.getText(1);
    l.appliesTo = s.getText(2);
    l.multi = s.getInt(3) != 0;
    l.sortOrder = s.getInt(4);
    readStamps(s, 5, l);
    return l;
}

std::optional<Lookup> Store::getLookup(const std::string& id) {
    auto& s = m_db.cached("SELECT id, name, applies_to, multi, sort_order, created_at, updated_at, deleted_at FROM lookups WHERE id = ?");
    sql::StmtUse use(s);
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readLookup(s);
}

std::vector<Lookup> Store::lookups(const std::string& appliesTo) {
    auto& s = m_db.cached(
        "SELECT id, name, applies_to, multi, sort_order, created_at, updated_at, deleted_at FROM lookups "
        "WHERE deleted_at IS NULL AND (?1 = '' OR applies_to = ?1) ORDER BY sort_order, name COLLATE NOCASE, id");
    sql::StmtUse use(s);
    s.bind(1, appliesTo);
    std::vector<Lookup> out;
    while (s.step()) out.push_back(readLookup(s));
    return out;
}

static LookupValue readLookupValue(const sql::Stmt& s) {
    LookupValue v;
    v.id = s.getText(0);
    v.lookupId = s.getText(1);
    v.value = s.getText(2);
    v.sortOrder = s.getInt(3);
    readStamps(s, 4, v);
    return v;
}

LookupValue Store::createLookupValue(LookupValue v) {
    checkText("value", v.value);
    if (v.value.empty()) throw StoreError("a lookup value cannot be empty");
    requireRow("lookups", v.lookupId, "lookup_id");
    if (v.id.empty()) v.id = newUuidV7();
    auto& s = m_db.cached("INSERT INTO lookup_values(id, lookup_id, value, sort_order) VALUES (?,?,?,?)");
    sql::StmtUse use(s);
    s.bind(1, v.id).bind(2, v.lookupId).bind(3, v.value).bind(4, v.sortOrder).exec();
    return *getLookupValue(v.id);
}

void Store::updateLookupValue(const LookupValue& v) {
    checkText("value", v.value);
    if (v.value.empty()) throw StoreError("a lookup value cannot be empty");
    auto& s = m_db.cached("UPDATE lookup_values SET value=?, sort_order=? WHERE id=?");
    sql::StmtUse use(s);
    s.bind(1, v.value).bind(2, v.sortOrder).bind(3, v.id).exec();
    if (m_db.changes() == 0) throw StoreError("lookup value '" + v.id + "' does not exist");
}

std::optional<LookupValue> Store::getLookupValue(const std::string& id) {
    auto& s = m_db.cached("SELECT id, lookup_id, value, sort_order, created_at, updated_at, deleted_at FROM lookup_values WHERE id = ?");
    sql::StmtUse use(s);
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readLookupValue(s);
}

std::vector<LookupValue> Store::lookupValues(const std::string& lookupId) {
    auto& s = m_db.cached(
        "SELECT id, lookup_id, value, sort_order, created_at, updated_at, deleted_at FROM lookup_values "
        "WHERE lookup_id = ? AND deleted_at IS NULL ORDER BY sort_order, value COLLATE NOCASE, id");
    sql::StmtUse use(s);
    s.bind(1, lookupId);
    std::vector<LookupValue> out;
    while (s.step()) out.push_back(readLookupValue(s));
    return out;
}

// ---- find or create --------------------------------------------------------------------------

std::optional<std::string> Store::findByName(Kind kind, const std::string& name) {
    std::string col = kind == Kind::Prompt ? "title" : kind == Kind::LookupValue ? "value" : "name";
    auto& s = m_db.cached(std::string("SELECT id FROM ") + kindTable(kind) + " WHERE " + col +
                          " = ? COLLATE NOCASE AND deleted_at IS NULL ORDER BY created_at, id LIMIT 1");
    sql::StmtUse use(s);
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    return s.getText(0);
}

Model Store::findOrCreateModel(const std::string& name, const std::string& provider) {
    if (auto id = findByName(Kind::Model, name)) return *getModel(*id);
    Model m;
    m.name = name;
    m.provider = provider;
    return createModel(m);
}

Agent Store::findOrCreateAgent(const std::string& name, const std::string& platform) {
    if (auto id = findByName(Kind::Agent, name)) return *getAgent(*id);
    Agent a;
    a.name = name;
    a.platform = platform;
    return createAgent(a);
}

Tag Store::findOrCreateTag(const std::string& name) {
    if (auto id = findByName(Kind::Tag, name)) return *getTag(*id);
    Tag t;
    t.name = name;
    return createTag(t);
}

QaActivity Store::findOrCreateQaActivity(const std::string& name) {
    if (auto id = findByName(Kind::QaActivity, name)) return *getQaActivity(*id);
    QaActivity q;
    q.name = name;
    q.sortOrder = m_db.queryInt("SELECT coalesce(max(sort_order), 0) + 1 FROM qa_activities");
    return createQaActivity(q);
}

Prompt Store::findOrCreatePrompt(const std::string& title, const std::string& body) {
    // Same text = same prompt: reuse by body when given, else by title.
    auto& s = m_db.cached(
        "SELECT id FROM prompts WHERE deleted_at IS NULL AND ((?2 <> '' AND body = ?2) OR (?2 = '' AND title = ?1 COLLATE NOCASE)) "
        "ORDER BY created_at, id LIMIT 1");
    {
        sql::StmtUse use(s);
        s.bind(1, title).bind(2, body);
        if (s.step()) return *getPrompt(s.getText(0));
    }
    Prompt p;
    p.title = title.empty() ? preview(body, 80) : title;
    p.body = body;
    return createPrompt(p);
}

// ---- tombstones ------------------------------------------------------------------------------

void Store::softDelete(const RecordRef& r, DeleteMode mode) {
    const std::string table = kindTable(r.kind);
    Atomic tx(m_db);
    auto live = scalar("SELECT count(*) FROM " + table + " WHERE id = ?", r.id);
    if (live == 0) throw StoreError(std::string(kindName(r.kind)) + " '" + r.id + "' does not exist");
    const std::string stamp = tombstoneStamp();
    auto tombstone = [&](const std::string& sqlText) {
        auto& s = m_db.cached(sqlText);
        sql::StmtUse use(s);
        s.bind(1, stamp).bind(2, r.id).exec();
    };
    switch (r.kind) {
    case Kind::Prompt: {
        auto outputs = scalar("SELECT count(*) FROM outputs WHERE prompt_id = ? AND deleted_at IS NULL", r.id);
        if (outputs > 0 && mode != DeleteMode::Cascade)
            throw InUseError("prompt '" + r.id + "' has " + std::to_string(outputs) +
                                 " output(s); delete them with it (cascade) or move them to another prompt first",
                             outputs);
        tombstone("UPDATE outputs SET deleted_at = ?1 WHERE prompt_id = ?2 AND deleted_at IS NULL");
        tombstone("UPDATE prompt_tags SET deleted_at = ?1 WHERE prompt_id = ?2 AND deleted_at IS NULL");
        break;
    }
    case Kind::Model: {
        auto uses = scalar("SELECT (SELECT count(*) FROM outputs WHERE model_id = ?1 AND deleted_at IS NULL) + "
                           "(SELECT count(*) FROM agents WHERE default_model_id = ?1 AND deleted_at IS NULL)",
                           r.id);
        if (uses > 0)
            throw InUseError("model '" + r.id + "' is used by " + std::to_string(uses) + " output(s)/agent(s); merge it into another model first", uses);
        break;
    }
    case Kind::Agent: {
        auto uses = scalar("SELECT count(*) FROM outputs WHERE agent_id = ? AND deleted_at IS NULL", r.id);
        if (uses > 0)
            throw InUseError("agent '" + r.id + "' is used by " + std::to_string(uses) + " output(s); merge it into another agent first", uses);
        break;
    }
    case Kind::Tag:
        tombstone("UPDATE output_tags SET deleted_at = ?1 WHERE tag_id = ?2 AND deleted_at IS NULL");
        tombstone("UPDATE prompt_tags SET deleted_at = ?1 WHERE tag_id = ?2 AND deleted_at IS NULL");
        break;
    case Kind::QaActivity:
        tombstone("UPDATE prompt_qa_checks SET deleted_at = ?1 WHERE qa_activity_id = ?2 AND deleted_at IS NULL");
        break;
    case Kind::Lookup:
        tombstone("UPDATE output_lookup_values SET deleted_at = ?1 WHERE deleted_at IS NULL AND lookup_value_id IN "
                  "(SELECT id FROM lookup_values WHERE lookup_id = ?2 AND deleted_at IS NULL)");
        tombstone("UPDATE prompt_lookup_values SET deleted_at = ?1 WHERE deleted_at IS NULL AND lookup_value_id IN "
                  "(SELECT id FROM lookup_values WHERE lookup_id = ?2 AND deleted_at IS NULL)");
        tombstone("UPDATE lookup_values SET deleted_at = ?1 WHERE lookup_id = ?2 AND deleted_at IS NULL");
        break;
    case Kind::LookupValue:
        tombstone("UPDATE output_lookup_values SET deleted_at = ?1 WHERE lookup_value_id = ?2 AND deleted_at IS NULL");
        tombstone("UPDATE prompt_lookup_values SET deleted_at = ?1 WHERE lookup_value_id = ?2 AND deleted_at IS NULL");
        break;
    case Kind::Output: break;  // its tag links stay; they are hidden with the output and come back with it
    }
    tombstone("UPDATE " + table + " SET deleted_at = ?1 WHERE id = ?2 AND deleted_at IS NULL");
    tx.commit();
}

void Store::restore(const RecordRef& r) {
    const std::string table = kindTable(r.kind);
    Atomic tx(m_db);
    std::optional<std::string> stamp;
    {
        auto& s = m_db.cached("SELECT deleted_at FROM " + table + " WHERE id = ?");
        sql::StmtUse use(s);
        s.bind(1, r.id);
        if (!s.step()) throw StoreError(std::string(kindName(r.kind)) + " '" + r.id + "' does not exist");
        stamp = s.getOptText(0);
    }
    if (!stamp) return;  // not deleted: nothing to do
    // What the delete took along carries the same tombstone stamp; bring exactly that back.
    auto revive = [&](const std::string& sqlText) {
        auto& s = m_db.cached(sqlText);
        sql::StmtUse use(s);
        s.bind(1, *stamp).bind(2, r.id).exec();
    };
    revive("UPDATE " + table + " SET deleted_at = NULL WHERE deleted_at = ?1 AND id = ?2");
    switch (r.kind) {
    case Kind::Prompt:
        revive("UPDATE outputs SET deleted_at = NULL WHERE deleted_at = ?1 AND prompt_id = ?2");
        revive("UPDATE prompt_tags SET deleted_at = NULL WHERE deleted_at = ?1 AND prompt_id = ?2");
        break;
    case Kind::Tag:
        revive("UPDATE output_tags SET deleted_at = NULL WHERE deleted_at = ?1 AND tag_id = ?2");
        revive("UPDATE prompt_tags SET deleted_at = NULL WHERE deleted_at = ?1 AND tag_id = ?2");
        break;
    case Kind::QaActivity:
        revive("UPDATE prompt_qa_checks SET deleted_at = NULL WHERE deleted_at = ?1 AND qa_activity_id = ?2");
        break;
    case Kind::Lookup:
        revive("UPDATE lookup_values SET deleted_at = NULL WHERE deleted_at = ?1 AND lookup_id = ?2");
        revive("UPDATE output_lookup_values SET deleted_at = NULL WHERE deleted_at = ?1 AND lookup_value_id IN "
               "(SELECT id FROM lookup_values WHERE lookup_id = ?2)");
        revive("UPDATE prompt_lookup_values SET deleted_at = NULL WHERE deleted_at = ?1 AND lookup_value_id IN "
               "(SELECT id FROM lookup_values WHERE lookup_id = ?2)");
        break;
    case Kind::LookupValue:
        revive("UPDATE output_lookup_values SET deleted_at = NULL WHERE deleted_at = ?1 AND lookup_value_id = ?2");
        revive("UPDATE prompt_lookup_values SET deleted_at = NULL WHERE deleted_at = ?1 AND lookup_value_id = ?2");
        break;
    default: break;
    }
    tx.commit();
}

void Store::merge(Kind kind, const std::string& fromId, const std::string& intoId) {
    if (fromId == intoId) throw StoreError("cannot merge a record into itself");
    const std::string table = kindTable(kind);
    if (scalar("SELECT count(*) FROM " + table + " WHERE id = ? AND deleted_at IS NULL", fromId) == 0)
        throw StoreError(std::string(kindName(kind)) + " '" + fromId + "' does not exist or is deleted");
    if (scalar("SELECT count(*) FROM " + table + " WHERE id = ? AND deleted_at IS NULL", intoId) == 0)
        throw StoreError(std::string(kindName(kind)) + " '" + intoId + "' does not exist or is deleted");
    Atomic tx(m_db);
    auto run = [&](const std::string& sqlText) {
        auto& s = m_db.cached(sqlText);
        sql::StmtUse use(s);
        s.bind(1, intoId).bind(2, fromId).exec();
    };
    switch (kind) {
    case Kind::Model:
        run("UPDATE outputs SET model_id = ?1 WHERE model_id = ?2");
        run("UPDATE agents SET default_model_id = ?1 WHERE default_model_id = ?2");
        break;
    case Kind::Agent: run("UPDATE outputs SET agent_id = ?1 WHERE agent_id = ?2"); break;
    case Kind::Tag:
        for (auto [link, owner] : {std::pair{"output_tags", "output_id"}, std::pair{"prompt_tags", "prompt_id"}}) {
            const std::string l = link, o = owner;
            // Link `into` wherever `from` was linked (reviving a tombstoned link), then drop `from`'s links.
            run("INSERT INTO " + l + "(" + o + ", tag_id) SELECT " + o + ", ?1 FROM " + l + " WHERE tag_id = ?2 AND deleted_at IS NULL "
                "ON CONFLICT DO UPDATE SET deleted_at = NULL WHERE deleted_at IS NOT NULL");
            run("UPDATE " + l + " SET deleted_at = " + sqlNowIso() + " WHERE tag_id = ?2 AND deleted_at IS NULL AND ?1 IS NOT NULL");
        }
        break;
    case Kind::QaActivity:
        run("INSERT INTO prompt_qa_checks(prompt_id, qa_activity_id, done, done_at, note) SELECT prompt_id, ?1, done, done_at, note "
            "FROM prompt_qa_checks WHERE qa_activity_id = ?2 AND deleted_at IS NULL ON CONFLICT DO NOTHING");
        run("UPDATE prompt_qa_checks SET deleted_at = " + sqlNowIso() + " WHERE qa_activity_id = ?2 AND deleted_at IS NULL AND ?1 IS NOT NULL");
        break;
    default: throw StoreError(std::string("merge is for models, agents, tags and QA activities, not ") + kindName(kind));
    }
    {
        auto& s = m_db.cached("UPDATE " + table + " SET deleted_at = ? WHERE id = ?");
        sql::StmtUse use(s);
        s.bind(1, tombstoneStamp()).bind(2, fromId).exec();
    }
    tx.commit();
}

// ---- links -----------------------------------------------------------------------------------

void Store::linkTag(Kind kind, const std::string& recordId, const std::string& tagId) {
    auto [table, col] = tagLink(kind);
    requireRow(kindTable(kind), recordId, col);
    requireRow("tags", tagId, "tag_id");
    // Re-linking revives the tombstoned link row, so the same link made twice is one row.
    auto& s = m_db.cached(std::string("INSERT INTO ") + table + "(" + col + ", tag_id) VALUES (?, ?) "
                          "ON CONFLICT DO UPDATE SET deleted_at = NULL WHERE deleted_at IS NOT NULL");
    sql::StmtUse use(s);
    s.bind(1, recordId).bind(2, tagId).exec();
}

void Store::linkTags(Kind kind, const std::vector<std::pair<std::string, std::string>>& links) {
    Atomic tx(m_db);
    for (const auto& [recordId, tagId] : links) linkTag(kind, recordId, tagId);
    tx.commit();
}

void Store::unlinkTag(Kind kind, const std::string& recordId, const std::string& tagId) {
    auto [table, col] = tagLink(kind);
    auto& s = m_db.cached(std::string("UPDATE ") + table + " SET deleted_at = ? WHERE " + col + " = ? AND tag_id = ? AND deleted_at IS NULL");
    sql::StmtUse use(s);
    s.bind(1, tombstoneStamp()).bind(2, recordId).bind(3, tagId).exec();
}

std::vector<Tag> Store::tagsOf(Kind kind, const std::string& recordId) {
    auto [table, col] = tagLink(kind);
    auto& s = m_db.cached(std::string("SELECT t.id, t.name, t.color, t.created_at, t.updated_at, t.deleted_at FROM ") + table +
                          " l JOIN tags t ON t.id = l.tag_id WHERE l." + col +
                          " = ? AND l.deleted_at IS NULL AND t.deleted_at IS NULL ORDER BY t.name COLLATE NOCASE, t.id");
    sql::StmtUse use(s);
    s.bind(1, recordId);
    std::vector<Tag> out;
    while (s.step()) {
        Tag t;
        t.id = s.getText(0);
        t.name = s.getText(1);
        t.color = s.getText(2);
        readStamps(s, 3, t);
        out.push_back(t);
    }
    return out;
}

void Store::linkLookupValue(Kind kind, const std::string& recordId, const std::string& valueId) {
    auto [table, col] = valueLink(kind);
    auto value = getLookupValue(valueId);
    if (!value) throw StoreError("lookup value '" + valueId + "' does not exist");
    auto lookup = getLookup(value->lookupId);
    if (!lookup) throw StoreError("lookup '" + value->lookupId + "' does not exist");
    if (lookup->appliesTo != kindTable(kind))
        throw StoreError("lookup '" + lookup->name + "' applies to " + lookup->appliesTo + ", not " + kindTable(kind));
    requireRow(kindTable(kind), recordId, col);
    Atomic tx(m_db);
    if (!lookup->multi) {
        // Single-valued: choosing a value replaces the record's other value of this lookup.
        auto& s = m_db.cached(std::string("UPDATE ") + table + " SET deleted_at = ?1 WHERE " + col + " = ?2 AND deleted_at IS NULL AND "
                              "lookup_value_id <> ?3 AND lookup_value_id IN (SELECT id FROM lookup_values WHERE lookup_id = ?4)");
        sql::StmtUse use(s);
        s.bind(1, tombstoneStamp()).bind(2, recordId).bind(3, valueId).bind(4, lookup->id).exec();
    }
    auto& s = m_db.cached(std::string("INSERT INTO ") + table + "(" + col + ", lookup_value_id) VALUES (?, ?) "
                          "ON CONFLICT DO UPDATE SET deleted_at = NULL WHERE deleted_at IS NOT NULL");
    {
        sql::StmtUse use(s);
        s.bind(1, recordId).bind(2, valueId).exec();
    }
    tx.commit();
}

void Store::unlinkLookupValue(Kind kind, const std::string& recordId, const std::string& valueId) {
    auto [table, col] = valueLink(kind);
    auto& s = m_db.cached(std::string("UPDATE ") + table + " SET deleted_at = ? WHERE " + col +
                          " = ? AND lookup_value_id = ? AND deleted_at IS NULL");
    sql::StmtUse use(s);
    s.bind(1, tombstoneStamp()).bind(2, recordId).bind(3, valueId).exec();
}

std::vector<LookupValue> Store::lookupValuesOf(Kind kind, const std::string& recordId) {
    auto [table, col] = valueLink(kind);
    auto& s = m_db.cached(std::string("SELECT v.id, v.lookup_id, v.value, v.sort_order, v.created_at, v.updated_at, v.deleted_at FROM ") +
                          table + " l JOIN lookup_values v ON v.id = l.lookup_value_id WHERE l." + col +
                          " = ? AND l.deleted_at IS NULL AND v.deleted_at IS NULL ORDER BY v.lookup_id, v.sort_order, v.value");
    sql::StmtUse use(s);
    s.bind(1, recordId);
    std::vector<LookupValue> out;
    while (s.step()) out.push_back(readLookupValue(s));
    return out;
}

std::vector<QaCheck> Store::qaChecklist(const std::string& promptId) {
    auto& s = m_db.cached(
        "SELECT a.id, a.name, coalesce(c.done, 0), c.done_at, coalesce(c.note, '') FROM qa_activities a "
        "LEFT JOIN prompt_qa_checks c ON c.qa_activity_id = a.id AND c.prompt_id = ?1 AND c.deleted_at IS NULL "
        "WHERE a.deleted_at IS NULL ORDER BY a.sort_order, a.name COLLATE NOCASE, a.id");
    sql::StmtUse use(s);
    s.bind(1, promptId);
    std::vector<QaCheck> out;
    while (s.step()) {
        QaCheck c;
        c.promptId = promptId;
        c.qaActivityId = s.getText(0);
        c.activityName = s.getText(1);
        c.done = s.getInt(2) != 0;
        c.doneAt = s.getOptText(3);
        c.note = s.getText(4);
        out.push_back(c);
    }
    return out;
}

void Store::setQaCheck(const std::string& promptId, const std::string& activityId, bool done, const std::string& note) {
    checkText("note", note);
    requireRow("prompts", promptId, "prompt_id");
    requireRow("qa_activities", activityId, "qa_activity_id");
    auto& s = m_db.cached(
        "INSERT INTO prompt_qa_checks(prompt_id, qa_activity_id, done, done_at, note) VALUES (?1, ?2, ?3, CASE WHEN ?3 THEN ?4 END, ?5) "
        "ON CONFLICT DO UPDATE SET done = excluded.done, note = excluded.note, deleted_at = NULL, "
        "done_at = CASE WHEN excluded.done = 0 THEN NULL WHEN done = 1 THEN done_at ELSE excluded.done_at END");
    sql::StmtUse use(s);
    s.bind(1, promptId).bind(2, activityId).bind(3, int64_t(done)).bind(4, nowIso()).bind(5, note).exec();
}

// ---- settings --------------------------------------------------------------------------------

std::optional<std::string> Store::setting(const std::string& key) {
    auto& s = m_db.cached("SELECT value FROM pv_settings WHERE key = ?");
    sql::StmtUse use(s);
    s.bind(1, key);
    if (!s.step()) return std::nullopt;
    return s.getText(0);
}

void Store::setSetting(const std::string& key, const std::string& value) {
    auto& s = m_db.cached("INSERT INTO pv_settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    sql::StmtUse use(s);
    s.bind(1, key).bind(2, value).exec();
}

int64_t Store::pendingChanges() { return m_db.queryInt("SELECT count(*) FROM pv_changes WHERE status = 'pending'"); }

std::map<std::string, int64_t> Store::counts() {
    std::map<std::string, int64_t> out;
    for (const auto& t : syncedTables()) out[t.name] = m_db.queryInt("SELECT count(*) FROM " + t.name + " WHERE deleted_at IS NULL");
    return out;
}

std::string previewText(const std::string& s, size_t n) { return preview(s, n); }
std::string toFtsQuery(const std::string& text) { return ftsQuery(text); }

} // namespace pv
