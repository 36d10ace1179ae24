#include "ChangeLog.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>

namespace pv {
namespace {

using Json = nlohmann::json;

std::optional<std::string> jsonToText(const Json& v) {
    switch (v.type()) {
    case Json::value_t::null: return std::nullopt;
    case Json::value_t::string: return v.get<std::string>();
    case Json::value_t::boolean: return std::string(v.get<bool>() ? "1" : "0");
    case Json::value_t::number_integer: return std::to_string(v.get<int64_t>());
    case Json::value_t::number_unsigned: return std::to_string(v.get<uint64_t>());
    default: return v.dump();
    }
}

// The columns every read of an entry selects, in ChangeEntry order (error last).
constexpr const char* kEntryColumns = "seq, tbl, row_key, op, cols, hlc || '@' || device_id, coalesce(error, '')";

ChangeEntry readEntry(const sql::Stmt& s) {
    return {s.getInt(0), s.getText(1), s.getText(2), s.getText(3), s.getText(4), s.getText(5), s.getText(6)};
}

} // namespace

int64_t clockMs(const std::string& clock) { return std::strtoll(clock.c_str(), nullptr, 10); }
int64_t clockCounter(const std::string& clock) {
    auto dot = clock.find('.');
    return dot == std::string::npos ? 0 : std::strtoll(clock.c_str() + dot + 1, nullptr, 10);
}

ChangeColumns parseChangeColumns(const std::string& cols) {
    ChangeColumns out;
    Json j;
    try {
        j = Json::parse(cols);
    } catch (const std::exception& e) {
        out.error = e.what();
        return out;
    }
    if (j.is_array()) {
        out.form = ChangeColumns::Form::Names;
        for (const auto& name : j)
            if (name.is_string()) out.names.push_back(name.get<std::string>());
    } else if (j.is_object()) {
        out.form = ChangeColumns::Form::Values;
        for (auto it = j.begin(); it != j.end(); ++it) {
            out.names.push_back(it.key());
            out.values.push_back(jsonToText(it.value()));
        }
    } else {
        out.error = "neither a column list nor column values";
    }
    return out;
}

std::string frozenInsertColumns(const TableDef& t, const std::vector<std::optional<std::string>>& values) {
    Json frozen = Json::object();
    for (size_t i = 0; i < t.columns.size() && i < values.size(); ++i) {
        const auto& v = values[i];
        if (!v) frozen[t.columns[i].name] = nullptr;
        else if (t.columns[i].type == ColType::Integer) frozen[t.columns[i].name] = std::strtoll(v->c_str(), nullptr, 10);
        else frozen[t.columns[i].name] = *v;
    }
    return frozen.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::vector<std::string> splitRowKey(const TableDef& t, const std::string& rowKey) {
    std::vector<std::string> values;
    size_t start = 0;
    for (size_t k = 0; k < t.key.size(); ++k) {
        size_t end = k + 1 < t.key.size() ? rowKey.find(kKeySeparator, start) : std::string::npos;
        values.push_back(rowKey.substr(start, end == std::string::npos ? std::string::npos : end - start));
        start = end == std::string::npos ? rowKey.size() : end + 1;
    }
    return values;
}

std::vector<ChangeEntry> ChangeLog::pending(int64_t afterSeq, int limit) {
    auto& s = m_db.cached(std::string("SELECT ") + kEntryColumns + " FROM pv_changes WHERE status = 'pending' AND seq > ? ORDER BY seq LIMIT ?");
    sql::StmtUse use(s);
    s.bind(1, afterSeq).bind(2, static_cast<int64_t>(limit));
    std::vector<ChangeEntry> out;
    while (s.step()) out.push_back(readEntry(s));
    return out;
}

std::vector<ChangeEntry> ChangeLog::pendingFor(const std::string& table, const std::string& rowKey) {
    auto& s = m_db.cached(std::string("SELECT ") + kEntryColumns + " FROM pv_changes WHERE tbl = ? AND row_key = ? AND status = 'pending'");
    sql::StmtUse use(s);
    s.bind(1, table).bind(2, rowKey);
    std::vector<ChangeEntry> out;
    while (s.step()) out.push_back(readEntry(s));
    return out;
}

std::map<std::string, std::vector<std::string>> ChangeLog::pendingRows() {
    std::map<std::string, std::vector<std::string>> out;
    auto s = m_db.prepare("SELECT DISTINCT tbl, row_key FROM pv_changes INDEXED BY pv_changes_pending WHERE status = 'pending'");
    while (s.step()) out[s.getText(0)].push_back(s.getText(1));
    return out;
}

bool ChangeLog::anyPending() { return m_db.queryInt("SELECT EXISTS (SELECT 1 FROM pv_changes WHERE status = 'pending')") != 0; }

bool ChangeLog::anySetAside() {
    return m_db.queryInt("SELECT EXISTS (SELECT 1 FROM pv_changes INDEXED BY pv_changes_set_aside WHERE status = 'set_aside')") != 0;
}

std::vector<ChangeEntry> ChangeLog::setAside(std::optional<int64_t> seq, int limit) {
    auto& s = m_db.cached(std::string("SELECT ") + kEntryColumns +
                          " FROM pv_changes WHERE status = 'set_aside' AND (?1 IS NULL OR seq = ?1) ORDER BY seq LIMIT ?2");
    sql::StmtUse use(s);
    s.bind(1, seq).bind(2, static_cast<int64_t>(limit));
    std::vector<ChangeEntry> out;
    while (s.step()) out.push_back(readEntry(s));
    return out;
}

int64_t ChangeLog::lastSeq() { return m_db.queryInt("SELECT coalesce(max(seq), 0) FROM pv_changes"); }

std::string ChangeLog::mark(int64_t seq) {
    auto& q = m_db.cached("SELECT hlc || '@' || device_id || ' ' || tbl || ':' || row_key FROM pv_changes WHERE seq = ?");
    sql::StmtUse use(q);
    q.bind(1, seq);
    return q.step() ? q.getText(0) : std::string();
}

void ChangeLog::markSetAside(int64_t seq, const std::string& error, const std::optional<std::string>& cols) {
    if (cols) {
        auto& s = m_db.cached("UPDATE pv_changes SET cols = ? WHERE seq = ?");
        sql::StmtUse use(s);
        s.bind(1, *cols).bind(2, seq).exec();
    }
    auto& mark = m_db.cached("UPDATE pv_changes SET status = ?, error = ? WHERE seq = ? AND status = 'pending'");
    sql::StmtUse use(mark);
    mark.bind(1, "set_aside").bind(2, error).bind(3, seq).exec();
}

void ChangeLog::markPushed(int64_t firstSeq, int64_t lastSeq) {
    auto& rest = m_db.cached("UPDATE pv_changes SET status = 'pushed', error = NULL WHERE seq BETWEEN ? AND ? AND status = 'pending'");
    sql::StmtUse use(rest);
    rest.bind(1, firstSeq).bind(2, lastSeq).exec();
}

int64_t ChangeLog::requeue(int64_t seq) {
    auto& copy = m_db.cached("INSERT INTO pv_changes(tbl, row_key, op, cols, hlc, device_id) "
                             "SELECT tbl, row_key, op, cols, hlc, device_id FROM pv_changes WHERE seq = ?");
    {
        sql::StmtUse use(copy);
        copy.bind(1, seq).exec();
    }
    const int64_t copySeq = m_db.lastInsertRowid();
    auto& retired = m_db.cached("UPDATE pv_changes SET status = 'pushed', error = 'retried as change ' || ? WHERE seq = ?");
    sql::StmtUse use(retired);
    retired.bind(1, copySeq).bind(2, seq).exec();
    return copySeq;
}

void ChangeLog::retire(int64_t seq, const std::string& why) {
    auto& retired = m_db.cached("UPDATE pv_changes SET status = 'pushed', error = ? WHERE seq = ?");
    sql::StmtUse use(retired);
    retired.bind(1, why).bind(2, seq).exec();
}

std::string ChangeLog::renewDevice(int64_t& moved) {
    m_db.exec("UPDATE pv_sync_state SET device_id = lower(hex(randomblob(8)))");
    const std::string fresh = m_db.queryText("SELECT device_id FROM pv_sync_state");
    auto& move = m_db.cached("UPDATE pv_changes SET device_id = ? WHERE status IN ('pending', 'set_aside')");
    {
        sql::StmtUse use(move);
        move.bind(1, fresh).exec();
    }
    moved = m_db.changes();
    return fresh;
}

void ChangeLog::mergeClock(const std::string& clock) {
    auto& s = m_db.cached("UPDATE pv_sync_state SET hlc_ms = ?1, hlc_counter = ?2 WHERE hlc_ms < ?1 OR (hlc_ms = ?1 AND hlc_counter < ?2)");
    sql::StmtUse use(s);
    s.bind(1, clockMs(clock)).bind(2, clockCounter(clock)).exec();
}

int64_t ChangeLog::nowMs() { return m_db.queryInt("SELECT " + sqlNowMs()); }

} // namespace pv
