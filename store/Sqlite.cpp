#include "Sqlite.hpp"

#include "RowBuffer.hpp"
#include "Trace.hpp"

#include <utility>

namespace pv::sql {

Stmt::Stmt(sqlite3* db, std::string_view sql) : m_db(db) {
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, &tail);
    if (rc != SQLITE_OK) {
        std::string msg = "SQL prepare failed: ";
        msg += sqlite3_errmsg(db);
        msg += " in: ";
        msg += std::string(sql.substr(0, 200));
        throw Error(msg, rc);
    }
}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_db = other.m_db;
    }
    return *this;
}

Stmt::~Stmt() { sqlite3_finalize(m_stmt); }

void Stmt::fail(const char* what) const {
    std::string msg = what;
    msg += ": ";
    msg += sqlite3_errmsg(m_db);
    if (const char* sql = sqlite3_sql(m_stmt)) {
        std::string s(sql);
        if (s.size() > 160) s = s.substr(0, 160) + "...";
        msg += " in: " + s;
    }
    throw Error(msg, sqlite3_extended_errcode(m_db), sqlite3_system_errno(m_db));
}

Stmt& Stmt::bind(int i, std::nullptr_t) {
    if (sqlite3_bind_null(m_stmt, i) != SQLITE_OK) fail("bind failed");
    return *this;
}
Stmt& Stmt::bind(int i, int64_t v) {
    if (sqlite3_bind_int64(m_stmt, i, v) != SQLITE_OK) fail("bind failed");
    return *this;
}
Stmt& Stmt::bind(int i, double v) {
    if (sqlite3_bind_double(m_stmt, i, v) != SQLITE_OK) fail("bind failed");
    return *this;
}
Stmt& Stmt::bind(int i, std::string_view v) {
    if (sqlite3_bind_text64(m_stmt, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK) fail("bind failed");
    return *this;
}
Stmt& Stmt::bind(int i, const std::optional<std::string>& v) {
    return v ? bind(i, std::string_view(*v)) : bind(i, nullptr);
}
Stmt& Stmt::bind(int i, const std::optional<int64_t>& v) { return v ? bind(i, *v) : bind(i, nullptr); }

bool Stmt::step() {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail("SQL step failed");
}

void Stmt::exec() {
    while (step()) {
    }
    reset();
}

void Stmt::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

std::string Stmt::getText(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
    int n = sqlite3_column_bytes(m_stmt, col);
    return p ? std::string(p, static_cast<size_t>(n)) : std::string();
}

std::optional<std::string> Stmt::getOptText(int col) const {
    if (isNull(col)) return std::nullopt;
    return getText(col);
}

std::optional<int64_t> Stmt::getOptInt(int col) const {
    if (isNull(col)) return std::nullopt;
    return getInt(col);
}

Db::Db(const std::string& path, Mode mode) : m_path(path) {
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (mode) {
    case Mode::ReadWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    case Mode::ReadWrite: flags |= SQLITE_OPEN_READWRITE; break;
    case Mode::ReadOnly: flags |= SQLITE_OPEN_READONLY; break;
    }
    int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = "cannot open vault '" + path + "': " + (m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc));
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        throw Error(msg, rc);
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, 5000);
    try {
        registerRowBufferModule(m_db);
    } catch (...) {
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        throw;
    }
}

Db::Db(Db&& o) noexcept : m_db(std::exchange(o.m_db, nullptr)), m_path(std::move(o.m_path)), m_cache(std::move(o.m_cache)) {}

Db& Db::operator=(Db&& o) noexcept {
    if (this != &o) {
        m_cache.clear();
        sqlite3_close_v2(m_db);
        m_db = std::exchange(o.m_db, nullptr);
        m_path = std::move(o.m_path);
        m_cache = std::move(o.m_cache);
    }
    return *this;
}

Db::~Db() {
    m_cache.clear(); // statements first, then the connection
    sqlite3_close_v2(m_db);
}

void Db::exec(std::string_view sql) {
    char* err = nullptr;
    std::string s(sql);
    int rc = sqlite3_exec(m_db, s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = std::string("SQL failed: ") + (err ? err : sqlite3_errstr(rc));
        if (s.size() > 160) s = s.substr(0, 160) + "...";
        msg += " in: " + s + " (vault '" + m_path + "')";
        sqlite3_free(err);
        throw Error(msg, sqlite3_extended_errcode(m_db), sqlite3_system_errno(m_db));
    }
}

Stmt& Db::cached(const std::string& sql) {
    auto it = m_cache.find(sql);
    if (it != m_cache.end()) return *it->second;
    auto stmt = std::make_unique<Stmt>(m_db, sql);
    auto& ref = *stmt;
    m_cache.emplace(sql, std::move(stmt));
    return ref;
}

int64_t Db::queryInt(std::string_view sql) {
    Stmt s(m_db, sql);
    return s.step() ? s.getInt(0) : 0;
}

std::string Db::queryText(std::string_view sql) {
    Stmt s(m_db, sql);
    return s.step() ? s.getText(0) : std::string();
}

Transaction::Transaction(Db& db, bool immediate) : m_db(db) {
    if (trace::on()) m_begin = trace::Clock::now();
    m_db.exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
    if (trace::on()) m_locked = trace::Clock::now();
}

Transaction::~Transaction() {
    if (!m_done) {
        try {
            m_db.exec("ROLLBACK");
        } catch (...) {
            // A failed rollback leaves SQLite to roll back on close; nothing more to do here.
        }
        traced();
    }
}

void Transaction::commit() {
    const auto t0 = trace::on() ? trace::Clock::now() : trace::Clock::time_point();
    m_db.exec("COMMIT");
    m_done = true;
    if (trace::on() && t0 != trace::Clock::time_point()) {
        try {
            trace::record({"commit", trace::threadLabel(), m_db.path(), t0, trace::Clock::now(), {}});
        } catch (...) {
        }
    }
    traced();
}

void Transaction::traced() {
    if (!trace::on() || m_locked == trace::Clock::time_point()) return;
    try {
        trace::record({"tx", trace::threadLabel(), m_db.path(), m_begin, m_locked, trace::Clock::now()});
    } catch (...) {
        // Tracing never fails a transaction.
    }
}

} // namespace pv::sql
