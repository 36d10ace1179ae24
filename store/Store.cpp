#include "Store.hpp"

#include "EntityTables.hpp"

#include "Migrations.hpp"
#include "Schema.hpp"

#include <algorithm>
#include <set>
#include <fcntl.h>
#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <random>
#include <sstream>

namespace pv {

namespace {
// "1 output", "3 outputs": messages name counts the way a person says them.
std::string counted(int64_t n, const std::string& noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }
} // namespace

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
    // Ids made in one process sort in the order they were made (RFC 9562, method 1): within one
    // millisecond the 12-bit field counts up from a random start; when it runs out, the next
    // millisecond is borrowed. Records created in the same millisecond (two iterations, an import)
    // keep their creation order where ids break a created_at tie.
    static std::mutex lastLock;
    static uint64_t lastMs = 0, lastSeq = 0;
    uint64_t seq;
    {
        std::lock_guard<std::mutex> hold(lastLock);
        if (ms > lastMs) {
            lastMs = ms;
            lastSeq = rng() & 0x07FF;  // the top bit is left clear: room to count
        } else if (++lastSeq > 0x0FFF) {
            ++lastMs;
            lastSeq = rng() & 0x07FF;
        }
        ms = lastMs;
        seq = lastSeq;
    }
    uint64_t hi = (ms << 16) | 0x7000 | seq;
    uint64_t lo = (rng() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xFFFF),
                  static_cast<unsigned>(hi & 0xFFFF), static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
    return buf;
}

// ---- open ------------------------------------------------------------------------------------

namespace {

// Refuses, before anything is written, an SQLite file that is not a vault: another application id,
// or (files made before vaults carried one) a schema without the vault's version and tables.
void requireVault(sql::Db& db, const std::string& path) {
    const int64_t appId = db.queryInt("PRAGMA application_id");
    if (appId == kApplicationId) return;
    const int64_t objects = db.queryInt("SELECT count(*) FROM sqlite_schema");
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08llx", static_cast<unsigned long long>(static_cast<uint32_t>(appId)));
    const std::string untouched = "; it was left untouched (give --vault a new file name, or your vault)";
    if (appId != 0)
        throw StoreError("'" + path + "' is not a Promptvault vault: it is another program's SQLite database (application_id " + hex + ")" +
                         untouched);
    if (objects == 0) return;  // an empty database: it becomes a new vault
    const int64_t version = db.queryInt("PRAGMA user_version");
    const int64_t ourTables = db.queryInt(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('pv_sync_state', 'pv_changes', 'prompts', 'outputs')");
    if (version >= 1 && ourTables == 4) return;  // a vault from before application ids
    std::string names;
    {
        auto st = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name LIMIT 4");
        while (st.step()) names += (names.empty() ? "'" : ", '") + st.getText(0) + "'";
    }
    throw StoreError("'" + path + "' is not a Promptvault vault: it is an SQLite database of another program (" + std::to_string(objects) +
                     " schema objects" + (names.empty() ? std::string() : ", tables " + names) + ", no vault tables)" + untouched);
}

// The file descriptor of a file made only to choose its permissions; closed on scope exit.
struct ScopedFd {
    int fd;
    ~ScopedFd() {
        if (fd >= 0) ::close(fd);
    }
};

} // namespace

Store::Store(const std::string& path, OpenOptions options) {
    namespace fs = std::filesystem;
    std::error_code ec;
    bool exists = fs::exists(path, ec);
    if (!exists && (!options.create || options.readOnly)) throw StoreError("vault '" + path + "' does not exist");
    if (exists && fs::is_directory(path, ec)) throw StoreError("vault '" + path + "' is a directory, not a vault file");
    if (!exists) {
        auto parent = fs::path(path).parent_path();
        if (!parent.empty() && !fs::exists(parent, ec)) fs::create_directories(parent, ec);
        // Created readable by its owner only; SQLite gives the -wal and -shm files the vault's mode.
        ScopedFd made{::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600)};
    }
    auto mode = options.readOnly ? sql::Db::Mode::ReadOnly : sql::Db::Mode::ReadWriteCreate;
    m_db = sql::Db(path, mode);
    try {
        // Reading the schema is the first touch of the file: a corrupt or foreign file fails here.
        m_db.queryInt("SELECT count(*) FROM sqlite_schema");
        requireVault(m_db, path);
        if (!options.readOnly) {
            if (sqlite3_db_readonly(m_db.handle(), "main") == 1) throw StoreError("vault '" + path + "' is read-only (check file permissions)");
            // Only a new, empty file takes this (SQLite ignores it once the file has pages, and
            // WAL mode fixes it). Outputs are 0.5-8 KB texts: with 4 KB pages most rows spill
            // into overflow pages and a bulk write is mostly one read/write system call per 4 KB;
            // 64 KB pages measured 2.4x less CPU for a 100k-output insert (bench/store).
            m_db.exec("PRAGMA page_size = " + std::to_string(kPageSize));
            m_db.exec("PRAGMA journal_mode = WAL");
            m_db.exec("PRAGMA synchronous = NORMAL");
        }
        m_db.exec("PRAGMA foreign_keys = ON");
        m_db.exec("PRAGMA recursive_triggers = OFF");
        m_db.exec("PRAGMA cache_size = -65536");
        if (!options.readOnly) {
            migrate(m_db);
            if (m_db.queryInt("PRAGMA application_id") != kApplicationId)
                m_db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
            if (m_db.queryText("PRAGMA journal_mode") == "wal") {
                m_checkpointer = std::make_unique<Checkpointer>(m_db, options.checkpoint);
                // A log that grew during a big write is cut back when it restarts, not kept at its peak.
                m_db.exec("PRAGMA journal_size_limit = " + std::to_string(options.checkpoint.startBytes));
            }
        } else if (m_db.queryInt("PRAGMA user_version") != kSchemaVersion)
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

// ---- entity rows -----------------------------------------------------------------------------
// Create, update, get and the bulk paths of every entity follow from its description
// (store/EntityTables.cpp): the fields in order, bound from ?2 on (?1 is the id) and read after id.

namespace {

void requireUtf8(const char* field, const std::string& value) {
    if (!isValidUtf8(value)) throw StoreError(std::string("invalid UTF-8 in field '") + field + "'; nothing was stored");
}

template <class T, class Sink>  // Sink: sql::Stmt or sql::RowBuffer
void bindFields(Sink& s, int first, const T& v) {
    int i = first;
    for (const auto& f : entityTable<T>().fields) {
        std::visit(
            [&](auto m) {
                const auto& x = v.*m;
                if constexpr (std::is_same_v<std::decay_t<decltype(x)>, bool>) s.bind(i, static_cast<int64_t>(x));
                else s.bind(i, x);
            },
            f.member);
        ++i;
    }
}

template <class T>
void readFields(const sql::Stmt& s, int first, T& v) {
    int i = first;
    for (const auto& f : entityTable<T>().fields) {
        std::visit(
            [&](auto m) {
                auto& x = v.*m;
                using M = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<M, std::string>) x = s.getText(i);
                else if constexpr (std::is_same_v<M, std::optional<std::string>>) x = s.getOptText(i);
                else if constexpr (std::is_same_v<M, std::optional<int64_t>>) x = s.getOptInt(i);
                else if constexpr (std::is_same_v<M, bool>) x = s.getInt(i) != 0;
                else x = s.getInt(i);
            },
            f.member);
        ++i;
    }
}

// What the description says of each value: UTF-8 texts, required texts, ranges, allowed values.
template <class T>
void checkFields(const T& v) {
    for (const auto& f : entityTable<T>().fields) {
        const char* col = f.column.name.c_str();
        std::visit(
            [&](auto m) {
                const auto& x = v.*m;
                using M = std::decay_t<decltype(x)>;
                if constexpr (std::is_same_v<M, std::string> || std::is_same_v<M, std::optional<std::string>>) {
                    const std::string* text = nullptr;
                    if constexpr (std::is_same_v<M, std::string>) text = &x;
                    else if (x) text = &*x;
                    if (text) requireUtf8(col, *text);
                    if (!f.requiredMessage.empty() && (!text || text->empty())) throw StoreError(f.requiredMessage);
                    if (text && !f.oneOf.empty() && std::find(f.oneOf.begin(), f.oneOf.end(), *text) == f.oneOf.end()) {
                        std::string allowed;
                        for (size_t k = 0; k < f.oneOf.size(); ++k)
                            allowed += (k == 0 ? "'" : k + 1 == f.oneOf.size() ? " or '" : ", '") + f.oneOf[k] + "'";
                        throw StoreError(std::string("a ") + entityTable<T>().noun + "'s " + col + " is " + allowed + ", not '" + *text +
                                         "'; nothing was stored");
                    }
                    if (text && !text->empty() && f.isValidText && !f.isValidText(*text))
                        throw StoreError(std::string(col) + " '" + *text + "' is not " + f.validTextIs + "; nothing was stored");
                } else if constexpr (std::is_same_v<M, std::optional<int64_t>> || std::is_same_v<M, int64_t>) {
                    std::optional<int64_t> n = x;
                    if (n && f.range && (*n < f.range->first || *n > f.range->second))
                        throw StoreError(std::string(col) + " " + std::to_string(*n) + " is out of range " + std::to_string(f.range->first) +
                                         ".." + std::to_string(f.range->second) + "; nothing was stored");
                }
            },
            f.member);
    }
}

// "a.id, a.col..., a.created_at, a.updated_at, a.deleted_at": what readRow() reads.
template <class T>
std::string selectList(const std::string& alias = "") {
    const std::string p = alias.empty() ? "" : alias + ".";
    std::string s = p + "id";
    for (const auto& f : entityTable<T>().fields) s += ", " + p + f.column.name;
    return s + ", " + p + "created_at, " + p + "updated_at, " + p + "deleted_at";
}

template <class T>
T readRow(const sql::Stmt& s) {
    T v;
    v.id = s.getText(0);
    readFields(s, 1, v);
    readStamps(s, 1 + static_cast<int>(entityTable<T>().fields.size()), v);
    return v;
}

template <class T>
std::optional<T> getRow(sql::Db& db, const std::string& id) {
    static const std::string sqlText = "SELECT " + selectList<T>() + " FROM " + entityTable<T>().table + " WHERE id = ?";
    auto& s = db.cached(sqlText);
    sql::StmtUse use(s);
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return readRow<T>(s);
}

template <class T>
std::string insertSql() {
    std::string cols = "id", params = "?";
    for (const auto& f : entityTable<T>().fields) cols += ", " + f.column.name, params += ",?";
    return std::string("INSERT INTO ") + entityTable<T>().table + "(" + cols + ") VALUES (" + params + ")";
}

template <class T>
void insertRow(sql::Db& db, const T& v) {
    static const std::string sqlText = insertSql<T>();
    auto& s = db.cached(sqlText);
    sql::StmtUse use(s);
    s.bind(1, v.id);
    bindFields(s, 2, v);
    s.exec();
}

// The two UPDATEs of updateRow(). Parameters keep their insert numbering (?1 is the id), so
// bindFields() serves every statement.
template <class T>
struct UpdateSql {
    std::string keepingIndexed;  // empty for a table without a full-text index
    std::string full;
};

template <class T>
UpdateSql<T> updateSql() {
    const auto& e = entityTable<T>();
    const std::vector<std::string> searched = searchIndexedColumns(e.table);
    std::string set, setOthers, same;
    for (size_t i = 0; i < e.fields.size(); ++i) {
        const auto& f = e.fields[i];
        if (f.createOnly) continue;
        const std::string assign = f.column.name + " = ?" + std::to_string(i + 2);
        set += (set.empty() ? "" : ", ") + assign;
        if (std::find(searched.begin(), searched.end(), f.column.name) != searched.end())
            same += " AND " + f.column.name + " IS ?" + std::to_string(i + 2) + " COLLATE BINARY";
        else
            setOthers += (setOthers.empty() ? "" : ", ") + assign;
    }
    UpdateSql<T> u;
    if (!searched.empty()) u.keepingIndexed = std::string("UPDATE ") + e.table + " SET " + setOthers + " WHERE id = ?1" + same;
    u.full = std::string("UPDATE ") + e.table + " SET " + set + " WHERE id = ?1";
    return u;
}

template <class T>
void updateRow(sql::Db& db, const T& v) {
    static const UpdateSql<T> u = updateSql<T>();
    // A table with a full-text index: first without its indexed columns, for the row whose indexed
    // text is already what it is given (an edit of the notes, the rating...). An UPDATE that names
    // them makes the search trigger take the row's whole text out of the index and tokenize it in
    // again (at times merging index segments: the most CPU a write of one row can cost, with the
    // vault's write lock held). When the text differs (or there is no row), the full UPDATE.
    if (!u.keepingIndexed.empty()) {
        auto& s = db.cached(u.keepingIndexed);
        sql::StmtUse use(s);
        s.bind(1, v.id);
        bindFields(s, 2, v);
        s.exec();
        if (db.changes() > 0) return;
    }
    auto& s = db.cached(u.full);
    sql::StmtUse use(s);
    s.bind(1, v.id);
    bindFields(s, 2, v);
    s.exec();
    if (db.changes() == 0) throw StoreError(std::string(entityTable<T>().noun) + " '" + v.id + "' does not exist");
}

template <class T>
std::vector<T> readAll(sql::Stmt& s) {
    std::vector<T> out;
    while (s.step()) out.push_back(readRow<T>(s));
    return out;
}

} // namespace

template <class T>
T Store::createRow(T v) {
    checkFields(v);
    if (v.id.empty()) v.id = newUuidV7();
    insertRow(m_db, v);
    return *getRow<T>(m_db, v.id);
}

template <class T>
void Store::updateRowChecked(const T& v) {
    checkFields(v);
    updateRow(m_db, v);
}

// ---- prompts ---------------------------------------------------------------------------------

Prompt Store::createPrompt(Prompt p) {
    requireRow("prompts", p.derivedFromId, "derived_from_id");
    return createRow(std::move(p));
}

void Store::updatePrompt(const Prompt& p) {
    checkFields(p);
    requireRow("prompts", p.derivedFromId, "derived_from_id");
    if (p.derivedFromId && *p.derivedFromId == p.id) throw StoreError("prompt '" + p.id + "' cannot be derived from itself");
    updateRow(m_db, p);
}

std::optional<Prompt> Store::getPrompt(const std::string& id) { return getRow<Prompt>(m_db, id); }

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
    // The same checklist, every check open again: the new wording has not been checked yet.
    std::vector<std::string> activities;
    for (const auto& c : qaChecklist(promptId)) activities.push_back(c.qaActivityId);
    addQaChecks({p.id}, activities);
    tx.commit();
    return p;
}

std::vector<Prompt> Store::iterationsOf(const std::string& promptId) {
    auto& s = m_db.cached("SELECT " + selectList<Prompt>() + " FROM prompts WHERE derived_from_id = ? AND deleted_at IS NULL ORDER BY created_at, id");
    sql::StmtUse use(s);
    s.bind(1, promptId);
    return readAll<Prompt>(s);
}

IterationInfo Store::iterationOf(const std::string& promptId) {
    IterationInfo info;
    // Up to the root; a cycle (two laptops each deriving the other's prompt) stops where it closes.
    std::set<std::string> seen{promptId};
    std::string root = promptId;
    {
        auto& up = m_db.cached("SELECT derived_from_id FROM prompts WHERE id = ?");
        for (;;) {
            sql::StmtUse use(up);
            up.bind(1, root);
            if (!up.step() || up.isNull(0)) break;
            std::string parent = up.getText(0);
            if (!seen.insert(parent).second) break;
            root = std::move(parent);
        }
    }
    info.rootId = root;
    // Down from the root: every member with its creation stamp.
    std::vector<std::pair<std::string, std::string>> members;  // (created_at, id)
    std::set<std::string> inFamily{root};
    std::vector<std::string> frontier{root};
    auto& self = m_db.cached("SELECT created_at FROM prompts WHERE id = ?");
    {
        sql::StmtUse use(self);
        self.bind(1, root);
        members.emplace_back(self.step() ? self.getText(0) : std::string(), root);
    }
    auto& down = m_db.cached("SELECT id, created_at FROM prompts WHERE derived_from_id = ?");
    while (!frontier.empty()) {
        std::string at = std::move(frontier.back());
        frontier.pop_back();
        sql::StmtUse use(down);
        down.bind(1, at);
        while (down.step()) {
            std::string id = down.getText(0);
            if (!inFamily.insert(id).second) continue;
            members.emplace_back(down.getText(1), id);
            frontier.push_back(std::move(id));
        }
    }
    // The root is v1 whatever its stamp (an import may have stamped it after its iterations).
    std::sort(members.begin() + 1, members.end());
    info.familySize = static_cast<int64_t>(members.size());
    for (size_t i = 0; i < members.size(); ++i)
        if (members[i].second == promptId) info.number = static_cast<int64_t>(i) + 1;
    return info;
}

// ---- outputs ---------------------------------------------------------------------------------

void Store::prepareOutput(Output& o) {
    checkFields(o);
    if (o.id.empty()) o.id = newUuidV7();
    if (o.capturedAt.empty()) o.capturedAt = nowIso();
    requireRow("prompts", o.promptId, "prompt_id");
    requireRow("models", o.modelId, "model_id");
    requireRow("agents", o.agentId, "agent_id");
}

void Store::insertOutput(Output& o) {
    prepareOutput(o);
    insertRow(m_db, o);
}

Output Store::createOutput(Output o) {
    insertOutput(o);
    return *getOutput(o.id);
}

namespace {
template <class T>
std::string bulkColumnsOf() {
    std::string cols = "id";
    for (const auto& f : entityTable<T>().fields) cols += ", " + f.column.name;
    return cols;
}
} // namespace

std::string Store::bulkColumns(Kind kind) {
    if (kind == Kind::Prompt) return bulkColumnsOf<Prompt>();
    if (kind == Kind::Output) return bulkColumnsOf<Output>();
    throw StoreError("bulk rows are made for prompts and outputs only");
}

void Store::addBulkRow(sql::RowBuffer& rows, const Prompt& p) {
    rows.addRow().bind(1, p.id);
    bindFields(rows, 2, p);
}

void Store::addBulkRow(sql::RowBuffer& rows, const Output& o) {
    rows.addRow().bind(1, o.id);
    bindFields(rows, 2, o);
}

void Store::createOutputs(std::vector<Output>& outputs) {
    // One INSERT ... SELECT per chunk reads the rows from memory (pv_rows): SQLite 3.40's FTS5
    // flushes its pending index at every statement savepoint, so a statement per row doubles the
    // indexing cost. The search index, change log entries and counters are written for the chunk
    // set-based right after it (insertStaged), all in this transaction.
    const std::string cols = bulkColumns(Kind::Output);
    sql::RowBuffer rows(static_cast<int>(entityTable<Output>().fields.size()) + 1);
    Atomic tx(m_db);
    // Large chunks: every statement ends an FTS5 index segment, and every segment is merged again
    // later (fewer statements, fewer segments; the measured gain was within this box's noise).
    constexpr size_t kChunkRows = 20000, kChunkBytes = 48u << 20;
    for (size_t first = 0, last = 0; first < outputs.size(); first = last) {
        size_t bytes = 0;
        for (last = first; last < outputs.size() && last - first < kChunkRows && bytes < kChunkBytes; ++last)
            bytes += outputs[last].output.size() + (outputs[last].outputEdited ? outputs[last].outputEdited->size() : 0) + outputs[last].notes.size();
        rows.clear();
        rows.reserve(last - first);
        for (size_t i = first; i < last; ++i) {
            prepareOutput(outputs[i]);
            addBulkRow(rows, outputs[i]);
        }
        try {
            insertStaged(m_db, *findTable("outputs"), cols, rows);
        } catch (const sql::Error& e) {
            // A refused row (a constraint): the move undid itself; redo the chunk row by row so the
            // error names its row. Anything else (a busy or full disk, or a failure after the move,
            // when the rows are in) is not a row's fault and goes to the caller as it is.
            const int code = e.code() & 0xFF;
            if (code != SQLITE_CONSTRAINT && code != SQLITE_MISMATCH && code != SQLITE_TOOBIG) throw;
            if (scalar("SELECT EXISTS (SELECT 1 FROM outputs WHERE id = ?)", outputs[first].id) != 0) throw;
            for (size_t i = first; i < last; ++i) {
                try {
                    insertOutput(outputs[i]);
                } catch (const sql::Error& rowError) {
                    throw StoreError("output " + std::to_string(i + 1) + " of " + std::to_string(outputs.size()) + " ('" + outputs[i].id +
                                         "') was refused: " + rowError.what() + "; nothing was stored",
                                     rowError.code());
                }
            }
        }
    }
    tx.commit();
}

void Store::updateOutput(const Output& o) {
    checkFields(o);
    requireRow("prompts", o.promptId, "prompt_id");
    requireRow("models", o.modelId, "model_id");
    requireRow("agents", o.agentId, "agent_id");
    if (!o.capturedAt.empty()) return updateRow(m_db, o);
    Output withTime = o;
    withTime.capturedAt = nowIso();
    updateRow(m_db, withTime);
}

std::optional<Output> Store::getOutput(const std::string& id) { return getRow<Output>(m_db, id); }

// ---- models / agents / tags / QA activities / lookups -------------------------------------

Model Store::createModel(Model m) { return createRow(std::move(m)); }
void Store::updateModel(const Model& m) { updateRowChecked(m); }
std::optional<Model> Store::getModel(const std::string& id) { return getRow<Model>(m_db, id); }

Agent Store::createAgent(Agent a) {
    requireRow("models", a.defaultModelId, "default_model_id");
    return createRow(std::move(a));
}
void Store::updateAgent(const Agent& a) {
    checkFields(a);
    requireRow("models", a.defaultModelId, "default_model_id");
    updateRow(m_db, a);
}
std::optional<Agent> Store::getAgent(const std::string& id) { return getRow<Agent>(m_db, id); }

Tag Store::createTag(Tag t) { return createRow(std::move(t)); }
void Store::updateTag(const Tag& t) { updateRowChecked(t); }
std::optional<Tag> Store::getTag(const std::string& id) { return getRow<Tag>(m_db, id); }

QaActivity Store::createQaActivity(QaActivity q) { return createRow(std::move(q)); }
void Store::updateQaActivity(const QaActivity& q) { updateRowChecked(q); }
std::optional<QaActivity> Store::getQaActivity(const std::string& id) { return getRow<QaActivity>(m_db, id); }

Lookup Store::createLookup(Lookup l) { return createRow(std::move(l)); }
void Store::updateLookup(const Lookup& l) { updateRowChecked(l); }
std::optional<Lookup> Store::getLookup(const std::string& id) { return getRow<Lookup>(m_db, id); }

std::vector<Lookup> Store::lookups(const std::string& appliesTo) {
    auto& s = m_db.cached("SELECT " + selectList<Lookup>() +
                          " FROM lookups WHERE deleted_at IS NULL AND (?1 = '' OR applies_to = ?1 OR applies_to = 'both') ORDER BY sort_order, name COLLATE NOCASE, id");
    sql::StmtUse use(s);
    s.bind(1, appliesTo);
    return readAll<Lookup>(s);
}

LookupValue Store::createLookupValue(LookupValue v) {
    checkFields(v);
    requireRow("lookups", v.lookupId, "lookup_id");
    return createRow(std::move(v));
}
void Store::updateLookupValue(const LookupValue& v) { updateRowChecked(v); }
std::optional<LookupValue> Store::getLookupValue(const std::string& id) { return getRow<LookupValue>(m_db, id); }

std::vector<LookupValue> Store::lookupValues(const std::string& lookupId) {
    auto& s = m_db.cached("SELECT " + selectList<LookupValue>() +
                          " FROM lookup_values WHERE lookup_id = ? AND deleted_at IS NULL ORDER BY sort_order, value COLLATE NOCASE, id");
    sql::StmtUse use(s);
    s.bind(1, lookupId);
    return readAll<LookupValue>(s);
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
            throw InUseError("prompt '" + labelOf(r) + "' has " + counted(outputs, "live output") +
                                 "; delete them with it (cascade) or move them to another prompt first",
                             outputs);
        tombstone("UPDATE outputs SET deleted_at = ?1 WHERE prompt_id = ?2 AND deleted_at IS NULL");
        tombstone("UPDATE prompt_tags SET deleted_at = ?1 WHERE prompt_id = ?2 AND deleted_at IS NULL");
        break;
    }
    case Kind::Model: {
        auto outputs = scalar("SELECT count(*) FROM outputs WHERE model_id = ?1 AND deleted_at IS NULL", r.id);
        auto agents = scalar("SELECT count(*) FROM agents WHERE default_model_id = ?1 AND deleted_at IS NULL", r.id);
        if (outputs + agents > 0)
            throw InUseError("model '" + labelOf(r) + "' is used by " +
                                 (outputs && agents ? counted(outputs, "output") + " and " + counted(agents, "agent")
                                  : outputs      ? counted(outputs, "output")
                                                 : counted(agents, "agent")) +
                                 "; merge it into another model first",
                             outputs + agents);
        break;
    }
    case Kind::Agent: {
        auto uses = scalar("SELECT count(*) FROM outputs WHERE agent_id = ? AND deleted_at IS NULL", r.id);
        if (uses > 0)
            throw InUseError("agent '" + labelOf(r) + "' is used by " + counted(uses, "output") + "; merge it into another agent first", uses);
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
    auto& s = m_db.cached("SELECT " + selectList<Tag>("t") + " FROM " + table + " l JOIN tags t ON t.id = l.tag_id WHERE l." + col +
                          " = ? AND l.deleted_at IS NULL AND t.deleted_at IS NULL ORDER BY t.name COLLATE NOCASE, t.id");
    sql::StmtUse use(s);
    s.bind(1, recordId);
    return readAll<Tag>(s);
}

void Store::linkLookupValue(Kind kind, const std::string& recordId, const std::string& valueId) {
    auto [table, col] = valueLink(kind);
    auto value = getLookupValue(valueId);
    if (!value) throw StoreError("lookup value '" + valueId + "' does not exist");
    auto lookup = getLookup(value->lookupId);
    if (!lookup) throw StoreError("lookup '" + value->lookupId + "' does not exist");
    if (lookup->appliesTo != kindTable(kind) && lookup->appliesTo != "both")
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
    auto& s = m_db.cached("SELECT " + selectList<LookupValue>("v") + " FROM " + table + " l JOIN lookup_values v ON v.id = l.lookup_value_id WHERE l." +
                          col + " = ? AND l.deleted_at IS NULL AND v.deleted_at IS NULL ORDER BY v.lookup_id, v.sort_order, v.value");
    sql::StmtUse use(s);
    s.bind(1, recordId);
    return readAll<LookupValue>(s);
}

std::vector<QaCheck> Store::qaChecklist(const std::string& promptId) {
    auto& s = m_db.cached(
        "SELECT a.id, a.name, c.done, c.done_at, c.note FROM prompt_qa_checks c JOIN qa_activities a ON a.id = c.qa_activity_id "
        "WHERE c.prompt_id = ?1 AND c.deleted_at IS NULL AND a.deleted_at IS NULL ORDER BY a.sort_order, a.name COLLATE NOCASE, a.id");
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

int64_t Store::addQaChecks(const std::vector<std::string>& promptIds, const std::vector<std::string>& activityIds) {
    for (const auto& a : activityIds) requireRow("qa_activities", a, "qa_activity_id");
    Atomic tx(m_db);
    // A removed check comes back open and without its old note: adding it again starts it afresh.
    auto& s = m_db.cached(
        "INSERT INTO prompt_qa_checks(prompt_id, qa_activity_id) VALUES (?1, ?2) "
        "ON CONFLICT DO UPDATE SET done = 0, done_at = NULL, note = '', deleted_at = NULL WHERE deleted_at IS NOT NULL");
    int64_t added = 0;
    for (const auto& p : promptIds) {
        requireRow("prompts", p, "prompt_id");
        for (const auto& a : activityIds) {
            sql::StmtUse use(s);
            s.bind(1, p).bind(2, a).exec();
            added += sqlite3_changes(m_db.handle());
        }
    }
    tx.commit();
    return added;
}

int64_t Store::addQaActivityToPrompts(const std::string& activityId, const std::optional<std::string>& tagId) {
    requireRow("qa_activities", activityId, "qa_activity_id");
    requireRow("tags", tagId, "tag_id");
    std::vector<std::string> ids;
    {
        auto& s = m_db.cached(
            "SELECT p.id FROM prompts p WHERE p.deleted_at IS NULL AND (?1 IS NULL OR p.id IN "
            "(SELECT prompt_id FROM prompt_tags WHERE tag_id = ?1 AND deleted_at IS NULL)) AND NOT EXISTS "
            "(SELECT 1 FROM prompt_qa_checks c WHERE c.prompt_id = p.id AND c.qa_activity_id = ?2 AND c.deleted_at IS NULL)");
        sql::StmtUse use(s);
        if (tagId) s.bind(1, *tagId);
        s.bind(2, activityId);
        while (s.step()) ids.push_back(s.getText(0));
    }
    return addQaChecks(ids, {activityId});
}

void Store::removeQaCheck(const std::string& promptId, const std::string& activityId) {
    auto& s = m_db.cached("UPDATE prompt_qa_checks SET deleted_at = ? WHERE prompt_id = ? AND qa_activity_id = ? AND deleted_at IS NULL");
    sql::StmtUse use(s);
    s.bind(1, tombstoneStamp()).bind(2, promptId).bind(3, activityId).exec();
}

int64_t Store::qaActivityPromptCount(const std::string& activityId) {
    return scalar("SELECT count(*) FROM prompt_qa_checks c JOIN prompts p ON p.id = c.prompt_id WHERE c.qa_activity_id = ? "
                  "AND c.deleted_at IS NULL AND p.deleted_at IS NULL",
                  activityId);
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

// ---- drafts ----------------------------------------------------------------------------------

void Store::saveDraft(const Draft& d) {
    // The fields as one JSON object built by SQLite itself: json_object(k1, v1, k2, v2, ...).
    std::string obj = "json_object(";
    for (size_t i = 0; i < d.fields.size(); ++i) obj += std::string(i ? ", " : "") + "?, ?";
    obj += ")";
    sql::Stmt st = m_db.prepare("INSERT INTO pv_drafts(slot, kind, record_id, fields, saved_at) VALUES (?, ?, ?, " + obj +
                           ", ?) ON CONFLICT(slot) DO UPDATE SET kind = excluded.kind, record_id = excluded.record_id, "
                           "fields = excluded.fields, saved_at = excluded.saved_at");
    st.bind(1, d.slot);
    st.bind(2, d.kind);
    int i = 3;
    st.bind(i++, d.recordId.empty() ? std::optional<std::string>() : std::optional<std::string>(d.recordId));
    for (const auto& [k, v] : d.fields) {
        st.bind(i++, k);
        st.bind(i++, v);
    }
    st.bind(i++, nowIso()).exec();
}

std::vector<Draft> Store::drafts() {
    std::vector<Draft> out;
    {
        auto& s = m_db.cached("SELECT slot, kind, coalesce(record_id, ''), saved_at FROM pv_drafts ORDER BY saved_at DESC, slot");
        sql::StmtUse use(s);
        while (s.step()) out.push_back({.slot = s.getText(0), .kind = s.getText(1), .recordId = s.getText(2), .fields = {}, .savedAt = s.getText(3)});
    }
    for (auto& d : out) {
        auto& s = m_db.cached("SELECT j.key, j.value, j.type FROM pv_drafts, json_each(pv_drafts.fields) AS j WHERE slot = ?");
        sql::StmtUse use(s);
        s.bind(1, d.slot);
        while (s.step()) d.fields[s.getText(0)] = s.getText(2) == "null" ? std::nullopt : std::optional<std::string>(s.getText(1));
    }
    return out;
}

void Store::deleteDraft(const std::string& slot) {
    auto& s = m_db.cached("DELETE FROM pv_drafts WHERE slot = ?");
    sql::StmtUse use(s);
    s.bind(1, slot).exec();
}

int64_t Store::pendingChanges() { return m_db.queryInt("SELECT count(*) FROM pv_changes WHERE status = 'pending'"); }
std::optional<std::vector<std::optional<std::string>>> Store::readRow(const TableDef& t, const std::vector<std::string>& keyValues) {
    std::string sql = "SELECT ";
    for (size_t i = 0; i < t.columns.size(); ++i) sql += (i ? ", " : "") + t.columns[i].name;
    sql += " FROM " + t.name + " WHERE ";
    for (size_t k = 0; k < t.key.size(); ++k) sql += (k ? " AND " : "") + t.key[k] + " = ?";
    auto& s = m_db.cached(sql);
    sql::StmtUse use(s);
    for (size_t k = 0; k < keyValues.size(); ++k) s.bind(static_cast<int>(k + 1), keyValues[k]);
    if (!s.step()) return std::nullopt;
    std::vector<std::optional<std::string>> values(t.columns.size());
    for (size_t i = 0; i < t.columns.size(); ++i)
        if (!s.isNull(static_cast<int>(i))) values[i] = s.getText(static_cast<int>(i));
    return values;
}

int64_t Store::setAsideChanges() {
    return m_db.queryInt("SELECT count(*) FROM pv_changes WHERE status = 'set_aside'");
}

std::map<std::string, int64_t> Store::counts() {
    std::map<std::string, int64_t> out;
    for (const auto& t : syncedTables()) out[t.name] = m_db.queryInt("SELECT count(*) FROM " + t.name + " WHERE deleted_at IS NULL");
    return out;
}

std::string previewText(const std::string& s, size_t n) { return preview(s, n); }
std::string toFtsQuery(const std::string& text) { return ftsQuery(text); }

void validate(const Prompt& p) { checkFields(p); }
void validate(const Output& o) { checkFields(o); }

} // namespace pv
