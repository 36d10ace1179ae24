#include "SyncEngine.hpp"

#include "Trace.hpp"

#include "Schema.hpp"
#include "SetAside.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <unordered_set>
#include <algorithm>
#include <sys/file.h>
#include <unistd.h>

namespace pv::sync {
namespace {

using Json = nlohmann::json;

int tableIndex(const std::string& name) {
    const auto& ts = syncedTables();
    for (size_t i = 0; i < ts.size(); ++i)
        if (ts[i].name == name) return static_cast<int>(i);
    return -1;
}

} // namespace

// One row of a push batch: the changes of one row collapsed, per column the value of the newest clock.
// Values and clocks by column index (a column without a clock is not in the row's change).
struct PushRow {
    int table = 0;
    std::string rowKey;
    std::vector<std::optional<std::string>> values;
    std::vector<std::string> clocks;  // "" = no clock
    std::vector<int64_t> seqs;
    std::string error;
};

namespace {

// Two statements per table: an UPDATE of rows the server has (a change may carry only some
// columns, and INSERT ... ON CONFLICT checks NOT NULL on the proposed row before it looks for a
// conflict), then an INSERT of new rows whose ON CONFLICT merges a row another device inserted
// meanwhile (the same tag link made on two laptops). Both keep per column the newest clock.
struct UpsertSql {
    std::string update, insert;
};

// The per-column clock rules, written into each statement (never functions in the sync schema:
// whoever owns it could replace them, and they would run with the rights of the role syncing).
// A row's _clocks (server schema 4) is compact: "*" is the clock of every column it does not
// name, a column's own key overrides it (a row written whole by one change carries one clock,
// not one per column: ~60 bytes instead of ~850 for an output). A row without "*" names every
// column it has a clock for (how schema 3 kept them all; none left after step 4 but the rows that
// never had every column). colClock: one column's clock in a clocks value ('' = none).
std::string colClock(const std::string& clocks, const std::string& col) {
    return "COALESCE(" + clocks + "->>'" + col + "', " + clocks + "->>'*', '')";
}
std::string newerCol(const std::string& cur, const std::string& inc, const std::string& col) {
    return colClock(inc, col) + " COLLATE \"C\" > " + colClock(cur, col) + " COLLATE \"C\"";
}
// mergeClocks: per column the newer of `cur` and `inc`, kept compact: "*" stays cur's (or
// becomes inc's when cur has none) and only the columns whose clock differs from it are named.
std::string mergeClocks(const TableDef& t, const std::string& cur, const std::string& inc) {
    const std::string star = "COALESCE(" + cur + "->>'*', " + inc + "->>'*')";
    std::string sql = "jsonb_strip_nulls(jsonb_build_object('*', " + star;
    for (const auto& c : t.columns) {
        const std::string merged = "CASE WHEN " + newerCol(cur, inc, c.name) + " THEN " + colClock(inc, c.name) + " ELSE " +
                                   colClock(cur, c.name) + " END";
        sql += ", '" + c.name + "', NULLIF(NULLIF(" + merged + ", " + star + "), '')";
    }
    return sql + "))";
}
// anyNewer: whether `inc` has a clock newer than cur's for some column.
std::string anyNewer(const TableDef& t, const std::string& cur, const std::string& inc) {
    std::string sql = "(";
    for (size_t i = 0; i < t.columns.size(); ++i) sql += (i ? " OR " : "") + newerCol(cur, inc, t.columns[i].name);
    return sql + ")";
}

// Where the upsert reads the batch's rows from, aliased `st`: the table's temp staging table
// (filled by COPY), or, for a few rows, a jsonb parameter ($2) expanded with the staging table's
// column types. A push that touches no temp table makes PostgreSQL truncate none at its COMMIT
// (with ON COMMIT DELETE ROWS, every staging table is truncated at the commit of any transaction
// that used one: file truncations on the commit path of every small push).
// At most this many rows of one table per batch go as a jsonb parameter instead of through staging.
constexpr size_t kParamRows = 64;
std::string stagedSource(const TableDef& t) { return "pg_temp.pv_stage_" + t.name + " st"; }
std::string paramSource(const TableDef& t) {
    std::string cols;
    for (const auto& c : t.columns) cols += c.name + " " + (c.type == ColType::Integer ? "bigint" : "text") + ", ";
    return "jsonb_to_recordset($2::jsonb) AS st(" + cols + "_clocks jsonb)";
}

UpsertSql upsertSql(const std::string& s, const TableDef& t, const std::string& source) {
    std::string cols, sets, updSets, keys, join, stageCols;
    for (const auto& c : t.columns) {
        cols += c.name + ", ";
        stageCols += "st." + c.name + ", ";
        bool isKey = std::find(t.key.begin(), t.key.end(), c.name) != t.key.end();
        if (isKey) continue;
        auto with = [&](const std::string& alias) {
            return c.name + " = CASE WHEN " + newerCol("cur._clocks", alias + "._clocks", c.name) + " THEN " + alias + "." + c.name +
                   " ELSE cur." + c.name + " END, ";
        };
        sets += with("EXCLUDED");
        updSets += with("st");
    }
    for (const auto& k : t.key) {
        keys += (keys.empty() ? "" : ", ") + k;
        join += std::string(join.empty() ? "" : " AND ") + "cur." + k + " = st." + k;
    }
    UpsertSql u;
    u.update = "UPDATE " + s + "." + t.name + " AS cur SET " + updSets + "_clocks = " + mergeClocks(t, "cur._clocks", "st._clocks") + ", "
               "_seq = $1::bigint, _xid = pg_current_xact_id() FROM " + source + " WHERE " + join + " AND " +
               anyNewer(t, "cur._clocks", "st._clocks");
    u.insert = "INSERT INTO " + s + "." + t.name + " AS cur (" + cols + "_clocks, _seq, _xid) SELECT " + stageCols +
               "st._clocks, $1::bigint, pg_current_xact_id() FROM " + source + " WHERE NOT EXISTS (SELECT 1 FROM " + s + "." + t.name +
               " cur WHERE " + join + ") ON CONFLICT (" + keys + ") DO UPDATE SET " + sets + "_clocks = " +
               mergeClocks(t, "cur._clocks", "EXCLUDED._clocks") + ", _seq = EXCLUDED._seq, _xid = EXCLUDED._xid WHERE " +
               anyNewer(t, "cur._clocks", "EXCLUDED._clocks");
    return u;
}

// A PostgreSQL text[] literal of the given values.
std::string textArray(const std::vector<std::string>& values) {
    std::string out = "{";
    for (const auto& v : values) {
        if (out.size() > 1) out += ',';
        out += '"';
        for (char ch : v) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        out += '"';
    }
    return out + '}';
}

// A JSON string (a clock or a column name: plain ASCII, escaped anyway).
void appendJsonString(std::string& out, const std::string& v) {
    out += '"';
    for (unsigned char ch : v) {
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += static_cast<char>(ch);
        } else if (ch < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", ch);
            out += buf;
        } else {
            out += static_cast<char>(ch);
        }
    }
    out += '"';
}

// The row's clocks as the server keeps them (see colClock): when the batch has a clock for every
// column (an insert), "*" is the clock most of them share and only the others are named.
std::string clocksJson(const TableDef& t, const PushRow& r) {
    std::string out = "{";
    const std::string* star = nullptr;
    if (std::none_of(r.clocks.begin(), r.clocks.end(), [](const std::string& c) { return c.empty(); })) {
        // Mostly one clock (an insert): the first, unless another one is shared by more columns.
        size_t best = 0;
        for (size_t i = 0; i < r.clocks.size() && best * 2 <= r.clocks.size(); ++i) {
            if (star && r.clocks[i] == *star) continue;
            const size_t n = static_cast<size_t>(std::count(r.clocks.begin(), r.clocks.end(), r.clocks[i]));
            if (n > best) {
                best = n;
                star = &r.clocks[i];
            }
        }
    }
    if (star) {
        out += "\"*\":";
        appendJsonString(out, *star);
    }
    for (size_t i = 0; i < r.clocks.size(); ++i) {
        const std::string& v = r.clocks[i];
        if (v.empty() || (star && v == *star)) continue;
        if (out.size() > 1) out += ',';
        appendJsonString(out, t.columns[i].name);
        out += ':';
        appendJsonString(out, v);
    }
    return out + "}";
}

// One COPY text line: the table's columns, the clocks, then `tail` (already COPY text) if any.
void appendCopyRow(std::string& out, const TableDef& t, const PushRow& r, const std::string& tail) {
    for (const auto& v : r.values) {
        appendCopyField(out, v);
        out += '\t';
    }
    appendCopyField(out, clocksJson(t, r));
    if (!tail.empty()) out += '\t' + tail;
    out += '\n';
}

std::string literal(PgConn& c, const std::string& v) {
    char* q = PQescapeLiteral(c.get(), v.c_str(), v.size());
    if (!q) throw PgError("cannot quote a value: " + std::string(PQerrorMessage(c.get())), false);
    std::string out = q;
    PQfreemem(q);
    return out;
}

} // namespace

std::string resolveConninfo(Store& store, const std::string& explicitConninfo) {
    if (!explicitConninfo.empty()) return explicitConninfo;
    if (auto saved = store.setting(kConninfoSetting)) return *saved;
    return {};
}

std::string resolveSchema(Store& store, const std::string& explicitSchema) {
    if (!explicitSchema.empty()) return explicitSchema;
    if (auto saved = store.setting(kSchemaSetting)) return *saved;
    if (const char* env = std::getenv("PV_PG_SCHEMA"); env && *env) return env;
    return "promptvault";
}

VaultSyncLock::VaultSyncLock(const std::string& vaultPath) {
    std::string path = vaultPath + "-sync.lock";
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_fd < 0) throw StoreError("cannot open the sync lock file '" + path + "': " + std::strerror(errno));
    while (::flock(m_fd, LOCK_EX) != 0) {
        if (errno != EINTR) throw StoreError("cannot lock '" + path + "': " + std::strerror(errno));
    }
}

VaultSyncLock::~VaultSyncLock() {
    if (m_fd >= 0) ::close(m_fd);
}

SyncEngine::SyncEngine(Store& store, SyncOptions options) : m_store(store), m_opt(std::move(options)) {
    if (m_opt.schema.empty()) m_opt.schema = "promptvault";
    m_s = quoteIdent(m_opt.schema);
    m_deviceId = m_store.deviceId();
}

std::string SyncEngine::channel() const {
    // A channel name is an identifier: at most 63 bytes (pg_notify refuses a longer one). A long
    // schema name gets a channel named by a hash of it instead (FNV-1a, the same on every device).
    std::string plain = "pv_changes_" + m_opt.schema;
    if (plain.size() <= 63) return plain;
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : m_opt.schema) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return "pv_changes_h" + std::string(hex);
}

void SyncEngine::step(const char* name) {
    if (onStep) onStep(name);
    if (const char* fp = std::getenv("PV_FAILPOINT"); fp && std::strcmp(fp, name) == 0) {
        std::raise(SIGKILL);
    }
}

void SyncEngine::connect() {
    if (m_conn.ok()) return;
    if (m_opt.schema.size() > 63)
        throw PgError("schema name '" + m_opt.schema.substr(0, 20) + "...' is " + std::to_string(m_opt.schema.size()) +
                          " bytes; PostgreSQL names are at most 63 bytes: choose a shorter --schema. Nothing was synced.",
                      false);
    m_conn = PgConn();
    m_conn = PgConn(m_opt.conninfo);
    // Only built-in names: nothing another role created (in public, in the sync schema) can stand
    // in for a function or operator the statements use. Temp tables are always named pg_temp.
    m_conn.exec("SET search_path = pg_catalog, pg_temp");
    m_serverId = ensureServerSchema(m_conn, m_opt.schema);
    createStaging();
}

void SyncEngine::disconnect() { m_conn = PgConn(); }

void SyncEngine::createStaging() {
    // Staging tables have no constraints: the upsert decides, so a refused row is reported by the
    // statement that applies it, not by COPY. A staged row lives for one statement: it is not
    // compressed or moved out of line (toast_tuple_target at its maximum), so a long text is
    // compressed once, by the table that keeps it. temp_buffers (settable before the session's
    // first temp table) holds a whole batch in memory.
    std::string sql = "SET temp_buffers = '64MB';\n";
    for (const auto& t : syncedTables()) {
        sql += "CREATE TEMP TABLE IF NOT EXISTS pv_stage_" + t.name + " (";
        for (const auto& c : t.columns) sql += c.name + " " + (c.type == ColType::Integer ? "bigint" : "text") + ", ";
        sql += "_clocks jsonb) WITH (toast_tuple_target = 8160) ON COMMIT DELETE ROWS;\n";
    }
    m_conn.exec(sql);
}

SyncReport SyncEngine::syncOnce() {
    VaultSyncLock lock(m_store.path());
    connect();
    SyncReport r;
    r.push = push();
    r.pull = pull();
    if (r.push.deviceNote.empty()) r.push.deviceNote = r.pull.deviceNote;
    return r;
}

// ---- push ------------------------------------------------------------------------------------

std::optional<std::string> SyncEngine::frozenInsert(const ChangeEntry& c) {
    // A set-aside entry no longer protects its row from pulls, so by the time it is retried the row
    // may hold another device's values; the entry keeps the values this device wrote instead.
    const TableDef* t = findTable(c.table);
    if (!t || c.cols.empty() || c.cols.front() != '[') return std::nullopt;
    auto values = m_store.readRow(*t, splitRowKey(*t, c.rowKey));
    if (!values) return std::nullopt;
    return frozenInsertColumns(*t, *values);
}

namespace {
// Thrown inside a push transaction (rolled back) when the server's record of this device's
// changes turns out to be another history than the vault's.
struct HistoryMismatch {
    std::string why;
};
} // namespace

std::optional<std::string> SyncEngine::historyMismatch(int64_t serverPushedSeq, const std::optional<std::string>& serverMark) {
    if (serverPushedSeq <= 0) return std::nullopt;
    const int64_t localLast = m_store.changeLog().lastSeq();
    if (serverPushedSeq > localLast)
        return "the server has applied changes up to " + std::to_string(serverPushedSeq) + " from device " + m_deviceId +
               " but this vault's log ends at " + std::to_string(localLast);
    if (serverMark && m_store.changeLog().mark(serverPushedSeq) != *serverMark)
        return "change " + std::to_string(serverPushedSeq) + " of device " + m_deviceId + " is not the one the server applied";
    return std::nullopt;
}

void SyncEngine::becomeNewDevice(const std::string& why, std::string* noteOut) {
    // A restored backup or a copied vault file: the server's record of this device id (pushed_seq)
    // counts changes this vault never made, or made differently. Everything this vault has marked
    // pushed was acknowledged before the histories parted (the log is pushed in seq order and
    // marked only after the server committed), so the server lacks exactly the pending and
    // set-aside changes: they go out under a new device id, with clocks of that id, and the rows
    // the old id wrote since are no longer taken for this vault's own by the pull.
    const std::string old = m_deviceId;
    std::string fresh, note;
    m_store.transaction([&] {
        int64_t moved = 0;
        fresh = m_store.changeLog().renewDevice(moved);
        note = "this vault no longer matches what the server recorded for its device " + old + " (" + why +
               "): it was restored from a backup or copied. It continues as new device " + fresh + " and pushes its " +
               std::to_string(moved) + " unpushed change(s) again; nothing was lost";
        m_store.setSetting("sync.device_history", note);
    });
    m_deviceId = fresh;
    m_appliedXids.clear();  // rows the old id wrote were left out of reads as this device's own
    if (noteOut) *noteOut = note;
}

PushResult SyncEngine::push() {
    connect();
    PushResult result;
    // (A vault with nothing to push that is a restored backup or a copy is found by the pull.)
    int64_t afterSeq = 0;
    bool more = true;
    bool forked = false;
    std::unique_ptr<PushPrep> next;  // the next batch, read while the server applied this one
    while (more) {
        try {
            pushBatch(result, afterSeq, more, next);
        } catch (const HistoryMismatch& m) {
            // Another copy of this vault pushed under the same device id meanwhile.
            if (forked) throw PgError("sync: " + m.why + ", again after taking a new device id; nothing was pushed", false);
            forked = true;
            becomeNewDevice(m.why, &result.deviceNote);
            afterSeq = 0;
            more = true;
        }
    }
    return result;
}

// One batch of the log as this vault has it: its changes, and the rows they make (values read
// from the vault now). Read before the batch's server transaction, or while the server applies
// the batch before it; the server's answers (changes an interrupted push applied, clocks too far
// ahead) only ever take changes out, and then the rows are made again without them.
struct SyncEngine::PushPrep {
    int64_t afterSeq = 0;
    std::string deviceId;  // the device the clocks name (a new device id makes another batch)
    std::vector<ChangeEntry> changes;
    std::map<std::pair<int, std::string>, PushRow> rows;  // parents before children, then by key
    std::map<int64_t, std::string> refused;               // seq -> why (this vault's own reasons)
};

std::unique_ptr<SyncEngine::PushPrep> SyncEngine::preparePush(int64_t afterSeq) {
    auto prep = std::make_unique<PushPrep>();
    prep->afterSeq = afterSeq;
    prep->deviceId = m_deviceId;
    prep->changes = m_store.changeLog().pending(afterSeq, m_opt.batchSize);
    buildPushRows(*prep, std::numeric_limits<int64_t>::max() / 4, {});
    return prep;
}

// The rows of prep's changes, leaving out `skip` and refusing a clock ahead of serverNow.
void SyncEngine::buildPushRows(PushPrep& prep, int64_t serverNow, const std::set<int64_t>& skip) {
    const auto& tables = syncedTables();
    auto& changes = prep.changes;
    auto& rows = prep.rows;
    auto& refused = prep.refused;
    rows.clear();
    refused.clear();
    // An insert's column list is the same text for every insert of a table: parsed once.
    std::map<std::pair<int, std::string>, std::vector<size_t>> insertColumns;
    for (const auto& c : changes) {
        if (skip.count(c.seq)) continue;
        int ti = tableIndex(c.table);
        if (ti < 0) {
            refused[c.seq] = "unknown table '" + c.table + "'";
            continue;
        }
        if (clockMs(c.clock) > serverNow + m_opt.maxClockAheadMs) {
            refused[c.seq] = "clock of this change (" + c.clock.substr(0, c.clock.find('@')) + ") is " +
                             std::to_string((clockMs(c.clock) - serverNow) / 1000) +
                             " s ahead of the server's; check this device's clock";
            continue;
        }
        const TableDef& t = tables[ti];
        const std::vector<size_t>* named = nullptr;  // an insert's columns, by index
        ChangeColumns cols;
        if (auto known = insertColumns.find({ti, c.cols}); known != insertColumns.end()) {
            named = &known->second;
        } else {
            cols = parseChangeColumns(c.cols);
            if (cols.form == ChangeColumns::Form::Unreadable) {
                refused[c.seq] = "unreadable change: " + cols.error;
                continue;
            }
            if (cols.form == ChangeColumns::Form::Names) {
                std::vector<size_t> idx;
                for (const auto& name : cols.names)
                    for (size_t i = 0; i < t.columns.size(); ++i)
                        if (t.columns[i].name == name) idx.push_back(i);
                named = &insertColumns.emplace(std::make_pair(ti, c.cols), std::move(idx)).first->second;
            }
        }
        const std::vector<std::string> keyValues = splitRowKey(t, c.rowKey);
        // An insert names its columns (a JSON array) and the values are the row's own; an
        // update carries the values it wrote (a JSON object).
        std::optional<std::vector<std::optional<std::string>>> current;
        if (named) {
            current = m_store.readRow(t, keyValues);
            if (!current) {
                refused[c.seq] = "the row " + t.name + " '" + c.rowKey + "' is no longer in this vault";
                continue;
            }
        }
        auto& row = rows[{ti, c.rowKey}];
        row.seqs.push_back(c.seq);
        if (row.seqs.size() == 1) {
            row.table = ti;
            row.rowKey = c.rowKey;
            row.values.resize(t.columns.size());
            row.clocks.resize(t.columns.size());
            for (size_t k = 0; k < t.key.size(); ++k)
                for (size_t i = 0; i < t.columns.size(); ++i)
                    if (t.columns[i].name == t.key[k]) row.values[i] = keyValues[k];
        }
        auto take = [&](size_t i, auto&& value) {
            if (c.clock > row.clocks[i]) {
                row.clocks[i] = c.clock;
                row.values[i] = value();
            }
        };
        if (current) {
            for (size_t i : *named) take(i, [&] { return (*current)[i]; });
        } else {
            for (size_t v = 0; v < cols.names.size(); ++v)
                for (size_t i = 0; i < t.columns.size(); ++i)
                    if (t.columns[i].name == cols.names[v]) take(i, [&] { return cols.values[v]; });
        }
    }
}

// One batch on its way to the server: what the named steps of pushBatch hand each other.
struct SyncEngine::PushBatch {
    std::unique_ptr<PushPrep> prep;
    int64_t firstSeq = 0, lastSeq = 0;
    std::set<int64_t> skip;                          // already applied by an interrupted push
    std::map<int64_t, std::string> serverRefused;    // recorded by an interrupted push
    std::string seqText;                             // the batch's server_seq
    std::string xidText;                             // its transaction id, for rows COPYed straight into their table
    std::function<void()> overlap;                   // reads the next batch while the server applies this one
    int64_t rowsChanged = 0;
};

// read → (server transaction: check the device, fold, log, apply, record) → commit → mark.
void SyncEngine::pushBatch(PushResult& result, int64_t& afterSeq, bool& more, std::unique_ptr<PushPrep>& next) {
    const auto traceRead = trace::on() ? trace::Clock::now() : trace::Clock::time_point();
    PushBatch b;
    b.prep = readBatch(afterSeq, next);
    const std::vector<ChangeEntry>& changes = b.prep->changes;
    if (changes.empty()) {
        more = false;
        return;
    }
    more = static_cast<int>(changes.size()) == m_opt.batchSize;
    b.firstSeq = changes.front().seq;
    b.lastSeq = changes.back().seq;
    afterSeq = b.lastSeq;
    if (more)
        b.overlap = [this, &next, lastSeq = b.lastSeq] {
            try {
                next = preparePush(lastSeq);
            } catch (...) {
                next.reset();  // read again, with its error, when its turn comes
            }
        };

    step("push-begin");
    PgTransaction tx(m_conn);
    foldBatch(b, checkDevice(b));
    logBatch(b);
    applyBatch(b);
    step("push-after-apply");
    recordBatch(b);
    step("push-before-commit");
    const bool committed = commitBatch(tx, b);
    step("push-after-commit");
    if (b.rowsChanged > 0 && committed) notifyDevices();
    const auto traceCommitted = trace::on() ? trace::Clock::now() : trace::Clock::time_point();
    markBatch(b, result);
    ++result.batches;
    if (trace::on() && traceRead != trace::Clock::time_point())
        trace::record({"push", trace::threadLabel(), std::to_string(changes.size()), traceRead, traceCommitted, trace::Clock::now()});
    step("push-after-mark");
}

std::unique_ptr<SyncEngine::PushPrep> SyncEngine::readBatch(int64_t afterSeq, std::unique_ptr<PushPrep>& next) {
    std::unique_ptr<PushPrep> prep;
    if (next && next->afterSeq == afterSeq && next->deviceId == m_deviceId) prep = std::move(next);
    else prep = preparePush(afterSeq);
    next.reset();
    return prep;
}

int64_t SyncEngine::checkDevice(PushBatch& b) {
    // The device row serialises pushes of one vault and holds its high-water mark: a device
    // pushes in seq order, so "mutation device:seq applied" is exactly "seq <= pushed_seq".
    m_conn.exec("INSERT INTO " + m_s + ".devices(device_id) VALUES ($1) ON CONFLICT DO NOTHING", {m_deviceId});
    auto dev = m_conn.exec("SELECT pushed_seq, (extract(epoch from clock_timestamp()) * 1000)::bigint, pushed_mark FROM " + m_s +
                               ".devices WHERE device_id = $1 FOR UPDATE",
                           {m_deviceId});
    const int64_t pushedSeq = dev.integer(0, 0);
    const int64_t serverNow = dev.integer(0, 1);
    // "seq <= pushed_seq is applied" holds only while the server's record is this vault's own
    // history: a restored backup or a copied vault reuses seqs for other changes.
    if (auto why = historyMismatch(pushedSeq, dev.optText(0, 2))) throw HistoryMismatch{*why};
    if (pushedSeq >= b.firstSeq) {
        auto r = m_conn.exec("SELECT seq, error FROM " + m_s + ".refused_changes WHERE device_id = $1 AND seq BETWEEN $2 AND $3",
                             {m_deviceId, std::to_string(b.firstSeq), std::to_string(b.lastSeq)});
        for (int i = 0; i < r.rows(); ++i) b.serverRefused[r.integer(i, 0)] = r.text(i, 1);
        for (const auto& c : b.prep->changes)
            if (c.seq <= pushedSeq) b.skip.insert(c.seq);
    }
    return serverNow;
}

void SyncEngine::foldBatch(PushBatch& b, int64_t serverNow) {
    // Rows built before the server answered: made again when it takes a change out.
    const auto& changes = b.prep->changes;
    const bool ahead = std::any_of(changes.begin(), changes.end(),
                                   [&](const ChangeEntry& c) { return clockMs(c.clock) > serverNow + m_opt.maxClockAheadMs; });
    if (!b.skip.empty() || ahead) buildPushRows(*b.prep, serverNow, b.skip);
    for (const auto& [seq, why] : b.serverRefused) b.prep->refused[seq] = why;
}

void SyncEngine::logBatch(PushBatch& b) {
    auto log = m_conn.exec("INSERT INTO " + m_s + ".change_log(device_id, first_seq, last_seq, changes) VALUES ($1, $2, $3, $4) "
                           "RETURNING server_seq",
                           {m_deviceId, std::to_string(b.firstSeq), std::to_string(b.lastSeq), std::to_string(b.prep->changes.size())});
    b.seqText = std::to_string(log.integer(0, 0));
    b.xidText = m_conn.exec("SELECT pg_current_xact_id()::text").text(0, 0);
}

// direct: rows of a single-key table that the server does not have yet are COPYed straight
// into the table (what the upsert would insert, without staging them first); the rest go
// through staging and the set-based upsert. A key inserted meanwhile by another device
// makes the COPY fail and the caller retry the batch row by row through staging.
int64_t SyncEngine::applyRows(PushBatch& b, const std::vector<const PushRow*>& batch, bool direct) {
    const auto& tables = syncedTables();
    int64_t changed = 0;
    for (size_t ti = 0; ti < tables.size(); ++ti) {
        const TableDef& t = tables[ti];
        std::vector<const PushRow*> mine;
        for (const auto* r : batch)
            if (r->table == static_cast<int>(ti)) mine.push_back(r);
        if (mine.empty()) continue;
        std::vector<const PushRow*> staged;
        if (direct && t.key.size() == 1) {
            std::vector<std::string> keys;
            for (const auto* r : mine) keys.push_back(r->rowKey);
            auto have = m_conn.exec("SELECT " + t.key[0] + " FROM " + m_s + "." + t.name + " WHERE " + t.key[0] + " = ANY($1::text[])",
                                    {textArray(keys)});
            std::unordered_set<std::string> existing;
            for (int i = 0; i < have.rows(); ++i) existing.insert(have.text(i, 0));
            std::string data, cols;
            for (const auto& c : t.columns) cols += c.name + ", ";
            int64_t fresh = 0;
            for (const auto* r : mine) {
                if (existing.count(r->rowKey)) {
                    staged.push_back(r);
                    continue;
                }
                appendCopyRow(data, t, *r, b.seqText + '\t' + b.xidText);
                ++fresh;
            }
            if (fresh > 0) {
                m_conn.copyIn("COPY " + m_s + "." + t.name + " (" + cols + "_clocks, _seq, _xid) FROM STDIN", data, b.overlap);
                b.overlap = nullptr;
                step("push-after-copy");
                changed += fresh;
            }
        } else {
            staged = std::move(mine);
        }
        if (staged.empty()) continue;
        // A few rows (a person's edits): sent with the statements as one jsonb parameter,
        // no temp table touched. Text that is not valid UTF-8 cannot be JSON: it goes
        // through staging like a large batch (and is refused there as before).
        std::optional<std::string> asJson;
        if (staged.size() <= kParamRows) {
            Json rowsJson = Json::array();
            for (const auto* r : staged) {
                Json o = Json::object();
                for (size_t i = 0; i < t.columns.size(); ++i) o[t.columns[i].name] = r->values[i] ? Json(*r->values[i]) : Json(nullptr);
                o["_clocks"] = Json::parse(clocksJson(t, *r));
                rowsJson.push_back(std::move(o));
            }
            try {
                asJson = rowsJson.dump();
            } catch (const Json::exception&) {
            }
        }
        if (asJson) {
            step("push-after-copy");
            auto up = upsertSql(m_s, t, paramSource(t));
            auto r1 = m_conn.exec(up.update, {b.seqText, *asJson});
            auto r2 = m_conn.exec(up.insert, {b.seqText, *asJson});
            changed += std::strtoll(PQcmdTuples(r1.get()), nullptr, 10) + std::strtoll(PQcmdTuples(r2.get()), nullptr, 10);
            continue;
        }
        // Staging: COPY the rows into the table's staging table, then one set-based upsert.
        std::string data;
        for (const auto* r : staged) appendCopyRow(data, t, *r, {});
        m_conn.copyIn("COPY pg_temp.pv_stage_" + t.name + " FROM STDIN", data, b.overlap);
        b.overlap = nullptr;
        step("push-after-copy");
        auto up = upsertSql(m_s, t, stagedSource(t));
        auto r1 = m_conn.exec(up.update, {b.seqText});
        auto r2 = m_conn.exec(up.insert, {b.seqText});
        changed += std::strtoll(PQcmdTuples(r1.get()), nullptr, 10) + std::strtoll(PQcmdTuples(r2.get()), nullptr, 10);
        m_conn.exec("TRUNCATE pg_temp.pv_stage_" + t.name);
    }
    return changed;
}

void SyncEngine::applyBatch(PushBatch& b) {
    auto& rows = b.prep->rows;
    std::vector<const PushRow*> all;
    for (const auto& [k, r] : rows) all.push_back(&r);
    if (all.empty()) return;
    m_conn.exec("SAVEPOINT pv_batch");
    try {
        b.rowsChanged = applyRows(b, all, true);
    } catch (const PgError& e) {
        if (e.connectionLost()) throw;
        // Something in the batch was refused: find it row by row, set it aside, keep the rest.
        m_conn.exec("ROLLBACK TO SAVEPOINT pv_batch");
        // Row by row, foreign keys are checked at once, and key order is not creation
        // order (a prompt derived from one made in the same millisecond may sort first):
        // a row refused in one pass is tried again after every row that went through,
        // until a pass applies nothing more. Only then is what is left set aside.
        std::vector<PushRow*> left;
        for (auto& [k, r] : rows) left.push_back(&r);
        std::map<const PushRow*, std::string> lastError;
        for (;;) {
            std::vector<PushRow*> still;
            for (PushRow* r : left) {
                m_conn.exec("SAVEPOINT pv_row");
                try {
                    b.rowsChanged += applyRows(b, {r}, false);
                    m_conn.exec("RELEASE SAVEPOINT pv_row");
                } catch (const PgError& e2) {
                    if (e2.connectionLost()) throw;
                    m_conn.exec("ROLLBACK TO SAVEPOINT pv_row");
                    lastError[r] = e2.what();
                    still.push_back(r);
                }
            }
            const bool progress = still.size() < left.size();
            left = std::move(still);
            if (left.empty() || !progress) break;
        }
        for (const PushRow* r : left)
            for (int64_t seq : r->seqs) b.prep->refused[seq] = lastError[r];
    }
}

void SyncEngine::recordBatch(PushBatch& b) {
    const auto& refused = b.prep->refused;
    for (const auto& [seq, why] : refused) {
        if (b.skip.count(seq)) continue;
        const ChangeEntry* c = nullptr;
        for (const auto& lc : b.prep->changes)
            if (lc.seq == seq) c = &lc;
        m_conn.exec("INSERT INTO " + m_s + ".refused_changes(device_id, seq, tbl, row_key, error) VALUES ($1, $2, $3, $4, $5) "
                    "ON CONFLICT DO NOTHING",
                    {m_deviceId, std::to_string(seq), c ? c->table : "", c ? c->rowKey : "", why});
    }
    m_conn.exec("UPDATE " + m_s + ".change_log SET rows_changed = $2, refused = $3 WHERE server_seq = $1",
                {b.seqText, std::to_string(b.rowsChanged), std::to_string(refused.size())});
    m_conn.exec("UPDATE " + m_s + ".devices SET pushed_mark = CASE WHEN $2::bigint >= pushed_seq THEN $3 ELSE pushed_mark END, "
                "pushed_seq = GREATEST(pushed_seq, $2::bigint), last_push_at = now() WHERE device_id = $1",
                {m_deviceId, std::to_string(b.lastSeq), m_store.changeLog().mark(b.lastSeq)});
}

bool SyncEngine::commitBatch(PgTransaction& tx, const PushBatch& b) {
    // A connection lost during COMMIT leaves the outcome unknown: settle it by looking up the
    // device's high-water mark on a new connection.
    try {
        if (!tx.commit()) throw PgError("the server rolled the push back", false);
        return true;
    } catch (const PgError& e) {
        if (!e.connectionLost()) throw;
        m_conn = PgConn();
        bool committed = false;
        try {
            connect();
            auto r = m_conn.exec("SELECT pushed_seq FROM " + m_s + ".devices WHERE device_id = $1", {m_deviceId});
            committed = r.rows() == 1 && r.integer(0, 0) >= b.lastSeq;
        } catch (const PgError&) {
        }
        if (!committed) throw;
        return true;
    }
}

void SyncEngine::notifyDevices() {
    // Wake the other devices once the rows are committed. Not inside the push's transaction: a
    // transaction that notifies holds PostgreSQL's one notification-queue lock from its commit's
    // start to its end, its WAL flush included, so every pushing device's commit waited for the
    // others' flushes. Here the NOTIFY commits on its own without waiting for its flush (it is a
    // wake-up: a lost one delays a pull until the next periodic sync, and the push is durable
    // already); the lock is held for microseconds.
    try {
        m_conn.exec("BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_notify(" + literal(m_conn, channel()) + ", " +
                    literal(m_conn, m_deviceId) + "); COMMIT");
    } catch (const PgError& e) {
        if (m_conn.ok()) {
            try {
                m_conn.exec("ROLLBACK");
            } catch (...) {
            }
        }
        if (e.connectionLost()) m_conn = PgConn();
    }
}

void SyncEngine::markBatch(const PushBatch& b, PushResult& result) {
    const auto& refused = b.prep->refused;
    m_store.transaction([&] {
        auto log = m_store.changeLog();
        for (const auto& c : b.prep->changes) {
            auto it = refused.find(c.seq);
            if (it != refused.end()) {
                log.markSetAside(c.seq, it->second, frozenInsert(c));
                result.setAside.push_back({c.seq, c.table, c.rowKey, it->second});
            } else {
                if (b.skip.count(c.seq)) ++result.alreadyApplied;
                else ++result.pushed;
            }
        }
        // The rest at once: every change of the batch is pending and in [firstSeq, lastSeq] (the log
        // grows at its end, and the batch took every pending change of that range).
        log.markPushed(b.firstSeq, b.lastSeq);
    });
}

// ---- pull ------------------------------------------------------------------------------------

// ---- pull ----------------------------------------------------------------------------------

namespace {

// A fetch of pulled rows as the vault's writer reads them (columns first, then the clocks).
class PgRows final : public PulledRows {
public:
    explicit PgRows(const PgResult& r) : m_r(r) {}
    int rows() const override { return m_r.rows(); }
    bool isNull(int row, int col) const override { return m_r.isNull(row, col); }
    std::string_view text(int row, int col) const override { return {m_r.raw(row, col), static_cast<size_t>(m_r.length(row, col))}; }

private:
    const PgResult& m_r;
};

} // namespace

struct SyncEngine::PullState {
    explicit PullState(Store& store) : changeLog(store.changeLog()) {}
    ChangeLog changeLog;
    std::string cursorKey, from, to;
    uint64_t toXid = 0;
    bool anySetAside = false;
    std::string skipXids;               // "{…}": transactions an earlier pull read in full
    std::set<int> tablesToRead;         // indexes into syncedTables()
    int64_t serverNow = 0;
    std::string changed;                // the WHERE of rows written since the cursor
    char clockBound[32] = {};           // a remote clock at or above this is not merged
    std::string boundLiteral;
    std::map<std::string, std::set<std::string>> refetch;  // rows whose refused change was discarded: table -> row keys
    bool small = false;                 // a few rows, read before the vault's lock
    std::map<int, PgResult> prefetched; // table index -> its rows (small)
    std::map<std::string, std::vector<std::string>> pendingRows;  // rows with local edits waiting: table -> keys
    std::map<std::string, std::unordered_set<std::string>> pendingSet;
    std::vector<std::pair<const TableDef*, std::string>> absent;  // refetched rows the server does not have
    std::string maxClock;
    std::set<uint64_t> readXids;        // transactions at or after the new cursor whose rows were read
    bool firstFetch = true;

    void readRefetch(Store& store) {
        refetch.clear();
        if (auto listed = store.setting(kRefetchSetting)) {
            auto j = Json::parse(*listed, nullptr, false);
            if (j.is_array())
                for (const auto& e : j)
                    if (e.is_array() && e.size() == 2 && e[0].is_string() && e[1].is_string())
                        refetch[e[0].get<std::string>()].insert(e[1].get<std::string>());
        }
    }
};

PullResult SyncEngine::pull() {
    connect();
    PullResult result;
    PullState p(m_store);
    p.cursorKey = "sync.pull_cursor." + m_serverId;
    p.from = m_store.setting(p.cursorKey).value_or("0");
    p.anySetAside = p.changeLog.anySetAside();
    const auto traceStart = trace::on() ? trace::Clock::now() : trace::Clock::time_point();
    const double traceCpu = trace::on() ? trace::threadCpuMs() : 0;
    // Transactions whose rows an earlier pull of this engine read and committed to the vault, at
    // or after the cursor (see m_appliedXids): not read again. Not while a change is set aside
    // (the filter on this device's own rows is off then, so their rows were not all read).
    if (m_appliedServer != m_serverId || p.anySetAside) m_appliedXids.clear();
    m_appliedServer = m_serverId;
    const uint64_t fromXid = std::strtoull(p.from.c_str(), nullptr, 10);
    p.skipXids = "{";
    for (uint64_t x : m_appliedXids)
        if (x >= fromXid) p.skipXids += (p.skipXids.size() > 1 ? "," : "") + std::to_string(x);
    p.skipXids += "}";

    step("pull-begin");
    PgTransaction server(m_conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const auto traceCut = trace::on() ? trace::Clock::now() : trace::Clock::time_point();
    readSnapshot(p, result);
    prefetchSmall(p);
    PullWriter writer(m_store);
    if (!p.small) p.readRefetch(m_store);
    // The rows that have local edits waiting to be pushed, read once per pull (keys only) under
    // the vault's lock: only their columns need comparing with the pending clocks.
    if (p.changeLog.anyPending()) {
        p.pendingRows = p.changeLog.pendingRows();
        for (const auto& [tbl, keys] : p.pendingRows) p.pendingSet[tbl].insert(keys.begin(), keys.end());
    }
    for (const auto& t : syncedTables()) applyTable(p, writer, t, result);
    dropAbsent(p, writer, result);
    finishPull(p, writer);
    // Every row of these transactions that this vault takes from the server is in it now.
    for (auto it = m_appliedXids.begin(); it != m_appliedXids.end();) it = *it < p.toXid ? m_appliedXids.erase(it) : std::next(it);
    m_appliedXids.insert(p.readXids.begin(), p.readXids.end());
    step("pull-after-commit");
    if (trace::on() && traceStart != trace::Clock::time_point())
        trace::record({"pull", trace::threadLabel(), std::to_string(result.rows) + " " + std::to_string(trace::threadCpuMs() - traceCpu),
                       traceStart, traceCut, trace::Clock::now()});
    server.commit();  // read only: nothing to settle
    return result;
}

void SyncEngine::readSnapshot(PullState& p, PullResult& result) {
    const auto& tables = syncedTables();
    // Every transaction with an xid below the snapshot's xmin has finished. Reading every visible
    // row last written by an xid >= cursor and then moving the cursor only to xmin never skips a
    // write that commits late: it carries an xid >= xmin and is read next time. Rows committed by
    // xids >= xmin are applied now too (low latency even while some unrelated transaction stays
    // open). The next pull of this engine leaves out the transactions it has read in full
    // (m_appliedXids); another reads them once more, which is harmless: a row carries its state,
    // not a delta.
    // One round trip: the snapshot's xmin, the server's clock, the server's record of this device,
    // and which tables have rows written since the cursor (only those are read).
    const std::string sinceCursor = "_xid >= $2::xid8 AND NOT (_xid = ANY($3::xid8[]))";
    std::string changedTables;
    for (size_t i = 0; i < tables.size(); ++i)
        changedTables += std::string(i ? " UNION ALL " : "") + "SELECT " + std::to_string(i) + " WHERE EXISTS (SELECT 1 FROM " + m_s + "." +
                         tables[i].name + " WHERE " + sinceCursor + ")";
    const int64_t localBefore = p.changeLog.nowMs();
    auto snap = m_conn.exec("SELECT pg_snapshot_xmin(pg_current_snapshot())::text, (extract(epoch from clock_timestamp()) * 1000)::bigint, "
                            "d.pushed_seq, d.pushed_mark, ARRAY(" + changedTables + ")::text FROM (SELECT 1) one LEFT JOIN " + m_s +
                                ".devices d ON d.device_id = $1",
                            {m_deviceId, p.from, p.skipXids});
    // This device's clock as its change log stamps it (SQLite's time), against the server's,
    // taken halfway through the round trip.
    const int64_t localNow = (localBefore + p.changeLog.nowMs()) / 2;
    p.to = snap.text(0, 0);
    p.toXid = std::strtoull(p.to.c_str(), nullptr, 10);
    p.serverNow = snap.integer(0, 1);
    bool forked = false;
    // A vault that is a restored backup or a copy must stop taking the rows its old device id
    // wrote since for its own before it reads any (its cursor would move past them).
    if (!snap.isNull(0, 2))
        if (auto why = historyMismatch(snap.integer(0, 2), snap.optText(0, 3))) {
            becomeNewDevice(*why, &result.deviceNote);
            forked = true;
        }
    if (forked) {
        // The rows its old id wrote, left out until now as its own, are read too: every table that
        // has rows since the cursor, whatever an earlier pull read (the list above left those
        // transactions out).
        p.skipXids = "{}";
        for (size_t i = 0; i < tables.size(); ++i) p.tablesToRead.insert(static_cast<int>(i));
    } else {
        const std::string list = snap.text(0, 4);  // "{0,3}"
        for (size_t at = 1; at < list.size();) {
            size_t end = list.find_first_of(",}", at);
            if (end == std::string::npos || end == at) break;
            p.tablesToRead.insert(std::atoi(list.substr(at, end - at).c_str()));
            at = end + 1;
        }
    }
    result.clockSkewMs = localNow - p.serverNow;
    if (result.clockSkewMs > kClockWarnMs || result.clockSkewMs < -kClockWarnMs) {
        const int64_t s = (result.clockSkewMs < 0 ? -result.clockSkewMs : result.clockSkewMs) / 1000;
        const bool behind = result.clockSkewMs < 0;
        result.clockWarning = "this device's clock is " + (s >= 120 ? std::to_string((s + 30) / 60) + " min " : std::to_string(s) + " s ") +
                              (behind ? "behind" : "ahead of") + " the server's; set it right (automatic date and time). Until then " +
                              (behind ? "an edit made here before a sync may lose to an older edit from another device"
                                      : "edits stamped more than 5 min ahead of the server are set aside");
    }
    // Rows whose every column was last written by this device hold what this vault already has,
    // unless one of its changes was set aside (then the server's value must come back).
    const std::string ownFilter = p.anySetAside ? "" : " AND EXISTS (SELECT 1 FROM jsonb_each_text(_clocks) e WHERE split_part(e.value, '@', 2) <> " +
                                                         literal(m_conn, m_deviceId) + ")";
    // The newest remote clock is merged into this device's clock, unless it is too far ahead of the
    // server's clock (not this device's: a laptop whose clock is slow must still merge the clocks
    // of the edits it pulls, or its next edit would order before them).
    std::snprintf(p.clockBound, sizeof p.clockBound, "%015lld.", static_cast<long long>(p.serverNow + m_opt.maxClockAheadMs + 1));
    p.changed = "_xid >= " + literal(m_conn, p.from) + "::xid8 AND NOT (_xid = ANY(" + literal(m_conn, p.skipXids) + "::xid8[]))" + ownFilter;
    p.boundLiteral = literal(m_conn, p.clockBound);
}

// Per row: its columns; its clocks (all of them, or only those of the rows in $1: rows with local
// edits waiting, which are the only ones that need them); its newest clock below the bound (the
// server works that out while this side applies rows); its transaction.
std::string SyncEngine::pullSelect(const PullState& p, const TableDef& t, bool allClocks) const {
    std::string cols, keyExpr;
    for (const auto& c : t.columns) cols += c.name + ", ";
    for (const auto& k : t.key) keyExpr += (keyExpr.empty() ? "" : " || '|' || ") + k;
    return "SELECT " + cols + (allClocks ? std::string("_clocks::text") : "CASE WHEN " + keyExpr + " = ANY($1::text[]) THEN _clocks::text END") +
           ", (SELECT max(e.value COLLATE \"C\") FROM jsonb_each_text(_clocks) e WHERE e.value COLLATE \"C\" < " +
           (allClocks ? p.boundLiteral : std::string("$2")) + "), _xid::text FROM " + m_s + "." + t.name;
}

// A pull of a few rows (another device's edits) reads them all before it takes the vault's write
// lock, with every row's clocks (a local edit may be made in the meantime), so the app's own
// writes never wait for this pull's server round trips. A larger one (a first download, a device
// back from a long time offline) streams them under the lock.
void SyncEngine::prefetchSmall(PullState& p) {
    constexpr int kPrefetchRows = 2000;
    const auto& tables = syncedTables();
    p.readRefetch(m_store);
    if (!p.refetch.empty()) return;
    p.small = true;
    int total = 0;
    for (int ti : p.tablesToRead) {
        if (ti < 0 || ti >= static_cast<int>(tables.size())) continue;
        auto r = m_conn.exec(pullSelect(p, tables[static_cast<size_t>(ti)], true) + " WHERE " + p.changed + " LIMIT " +
                             std::to_string(kPrefetchRows - total + 1));
        total += r.rows();
        if (total > kPrefetchRows) {
            p.small = false;
            p.prefetched.clear();
            return;
        }
        p.prefetched.emplace(ti, std::move(r));
    }
}

void SyncEngine::applyTable(PullState& p, PullWriter& writer, const TableDef& t, PullResult& result) {
    const int tIndex = tableIndex(t.name);
    static const std::set<std::string> none;
    const auto listed = p.refetch.find(t.name);
    const std::set<std::string>& again = listed == p.refetch.end() ? none : listed->second;
    if (p.small ? !p.prefetched.count(tIndex) : (!p.tablesToRead.count(tIndex) && again.empty())) return;
    const int nc = static_cast<int>(t.columns.size());
    std::vector<int> keyIdx;
    for (const auto& k : t.key)
        for (int i = 0; i < nc; ++i)
            if (t.columns[static_cast<size_t>(i)].name == k) keyIdx.push_back(i);
    PullWriter::Table& out = writer.table(t, p.small);
    const auto& pendingKeys = p.pendingRows[t.name];
    const auto& pendingHere = p.pendingSet[t.name];
    std::set<std::string> seen;
    // Rows are applied in the server's order (a self-reference, such as a prompt derived from
    // another, needs its parent first).
    auto applyRows = [&](const PgResult& r) {
        const PgRows rows(r);
        auto rowKeyOf = [&](int i) {
            std::string rowKey;
            for (size_t k = 0; k < keyIdx.size(); ++k) rowKey += (k ? "|" : "") + r.text(i, keyIdx[k]);
            return rowKey;
        };
        for (int i = 0; i < r.rows(); ++i) {
            ++result.rows;
            if (!again.empty()) {
                std::string rowKey = rowKeyOf(i);
                if (again.count(rowKey)) {
                    seen.insert(rowKey);
                    ++result.refetched;
                }
            }
            if (!r.isNull(i, nc + 1)) {
                std::string_view newest(r.raw(i, nc + 1), static_cast<size_t>(r.length(i, nc + 1)));
                if (newest > p.maxClock) p.maxClock = newest;
            }
            if (const uint64_t xid = std::strtoull(r.raw(i, nc + 2), nullptr, 10); xid >= p.toXid) p.readXids.insert(xid);
            // No local edit waits for this row (the set was read under this transaction's lock, so
            // none can appear before it commits): it takes every column.
            if (r.isNull(i, nc) || pendingHere.empty()) {
                out.takeAll(rows, i);
                continue;
            }
            const std::string rowKey = rowKeyOf(i);
            if (!pendingHere.count(rowKey)) {
                out.takeAll(rows, i);
                continue;
            }
            Json clocks = Json::parse(r.raw(i, nc), nullptr, false);
            if (!clocks.is_object()) throw PgError("row of " + t.name + " has unreadable clocks", false);
            std::map<std::string, std::string> localClock;
            // Every column a pending entry names (an insert: all it lists; an update: what it wrote).
            for (const auto& pc : p.changeLog.pendingFor(t.name, rowKey))
                for (const auto& column : parseChangeColumns(pc.cols).names)
                    if (pc.clock > localClock[column]) localClock[column] = pc.clock;
            if (localClock.empty()) {
                out.takeAll(rows, i);
                continue;
            }
            // A row with a protected column: per column, keep the local value or take the pulled one.
            std::vector<bool> take(static_cast<size_t>(nc), true);
            for (int c = 0; c < nc; ++c) {
                const auto& col = t.columns[static_cast<size_t>(c)];
                // The column's own clock, else the row's "*" (see colClock).
                std::string remote;
                if (clocks.contains(col.name) && clocks[col.name].is_string()) remote = clocks[col.name].get<std::string>();
                else if (clocks.contains("*") && clocks["*"].is_string()) remote = clocks["*"].get<std::string>();
                if (auto lc = localClock.find(col.name); lc != localClock.end() && lc->second >= remote) {
                    take[static_cast<size_t>(c)] = false;  // a newer local edit of this column waits to be pushed
                    ++result.protectedCols;
                }
            }
            out.takeSome(rows, i, take);
        }
        out.flush(rows);
        if (p.firstFetch && r.rows() > 0) {
            p.firstFetch = false;
            step("pull-after-fetch");
        }
    };

    if (p.small) {
        applyRows(p.prefetched.at(tIndex));
        return;
    }
    const std::string select = pullSelect(p, t, false);
    std::string keyExpr;
    for (const auto& k : t.key) keyExpr += (keyExpr.empty() ? "" : " || '|' || ") + k;
    if (again.empty()) {
        m_conn.exec("DECLARE pv_pull NO SCROLL CURSOR FOR " + select + " WHERE " + p.changed, {textArray(pendingKeys), std::string(p.clockBound)});
    } else {
        m_conn.exec("DECLARE pv_pull NO SCROLL CURSOR FOR " + select + " WHERE " + p.changed + " UNION ALL " + select + " WHERE " + keyExpr +
                        " = ANY($3::text[]) AND NOT (" + p.changed + ")",
                    {textArray(pendingKeys), std::string(p.clockBound), textArray(std::vector<std::string>(again.begin(), again.end()))});
    }
    const std::string fetch = "FETCH 2000 FROM pv_pull";
    m_conn.send(fetch);
    for (;;) {
        auto r = m_conn.receive(fetch);
        if (r.rows() == 0) break;
        m_conn.send(fetch);  // the server reads the next rows while these are applied
        applyRows(r);
    }
    m_conn.exec("CLOSE pv_pull");
    for (const auto& k : again)
        if (!seen.count(k)) p.absent.emplace_back(&t, k);
}

// A discarded insert the server never took: the server's value is "no such row". Children first;
// a row something else here still refers to stays (and is reported).
void SyncEngine::dropAbsent(PullState& p, PullWriter& writer, PullResult& result) {
    for (auto it = p.absent.rbegin(); it != p.absent.rend(); ++it) {
        if (writer.dropUnlessReferenced(*it->first, splitRowKey(*it->first, it->second))) ++result.refetched;
        else result.keptRows.push_back(it->first->name + " " + it->second);
    }
}

void SyncEngine::finishPull(PullState& p, PullWriter& writer) {
    bool anyRefetch = false;
    for (const auto& [table, keys] : p.refetch) anyRefetch = anyRefetch || !keys.empty();
    if (anyRefetch) m_store.setSetting(kRefetchSetting, "[]");
    // Merge the remote clocks into this device's HLC so its next edit orders after what it saw.
    // A clock too far ahead of real time is not merged: one wrong clock cannot drag every device
    // into the future.
    if (!p.maxClock.empty()) p.changeLog.mergeClock(p.maxClock);
    m_store.setSetting(p.cursorKey, p.to);
    step("pull-before-commit");
    writer.commit();
}

} // namespace pv::sync
