// Thin RAII layer over the SQLite C API: one owner per handle, errors that name the statement.
#pragma once
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pv::sql {

// Every failure of the store surfaces as this: what failed, and where (file or statement).
class Error : public std::runtime_error {
public:
    Error(const std::string& what, int code = 0, int sysErrno = 0) : std::runtime_error(what), m_code(code), m_sysErrno(sysErrno) {}
    int code() const { return m_code; }
    // The operating system's errno behind an I/O failure (ENOSPC, EROFS, EDQUOT...), 0 when none.
    int sysErrno() const { return m_sysErrno; }

private:
    int m_code;
    int m_sysErrno;
};

class Db;

class Stmt {
public:
    Stmt() = default;
    Stmt(sqlite3* db, std::string_view sql);
    Stmt(Stmt&& other) noexcept : m_stmt(other.m_stmt), m_db(other.m_db) { other.m_stmt = nullptr; }
    Stmt& operator=(Stmt&& other) noexcept;
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    ~Stmt();

    // Binding is 1-based, like sqlite3_bind_*.
    Stmt& bind(int i, std::nullptr_t);
    Stmt& bind(int i, int64_t v);
    Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
    Stmt& bind(int i, double v);
    Stmt& bind(int i, std::string_view v);
    Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    Stmt& bind(int i, const std::optional<std::string>& v);
    Stmt& bind(int i, const std::optional<int64_t>& v);

    bool step();            // true while a row is available
    void exec();            // step to completion, reset
    void reset();           // reset and clear bindings, ready for reuse

    bool isNull(int col) const { return sqlite3_column_type(m_stmt, col) == SQLITE_NULL; }
    int64_t getInt(int col) const { return sqlite3_column_int64(m_stmt, col); }
    double getDouble(int col) const { return sqlite3_column_double(m_stmt, col); }
    std::string getText(int col) const;
    std::optional<std::string> getOptText(int col) const;
    std::optional<int64_t> getOptInt(int col) const;
    int columnCount() const { return sqlite3_column_count(m_stmt); }
    const char* columnName(int col) const { return sqlite3_column_name(m_stmt, col); }
    int columnType(int col) const { return sqlite3_column_type(m_stmt, col); }
    sqlite3_stmt* handle() const { return m_stmt; }

private:
    [[noreturn]] void fail(const char* what) const;
    sqlite3_stmt* m_stmt = nullptr;
    sqlite3* m_db = nullptr;
};

// Resets the statement on scope exit so a cached statement never stays mid-step.
class StmtUse {
public:
    explicit StmtUse(Stmt& s) : m_stmt(s) {}
    ~StmtUse() { m_stmt.reset(); }
    Stmt* operator->() { return &m_stmt; }
    Stmt& operator*() { return m_stmt; }

private:
    Stmt& m_stmt;
};

class Db {
public:
    enum class Mode { ReadWriteCreate, ReadWrite, ReadOnly };
    Db() = default;
    explicit Db(const std::string& path, Mode mode = Mode::ReadWriteCreate);
    Db(Db&&) noexcept;
    Db& operator=(Db&&) noexcept;
    ~Db();

    void exec(std::string_view sql);
    // A statement compiled once per connection and reused (house rule: prepared statements reused).
    Stmt& cached(const std::string& sql);
    Stmt prepare(std::string_view sql) { return Stmt(m_db, sql); }
    int64_t changes() const { return sqlite3_changes64(m_db); }
    int64_t lastInsertRowid() const { return sqlite3_last_insert_rowid(m_db); }
    bool inTransaction() const { return !sqlite3_get_autocommit(m_db); }
    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }
    // Scalar helpers for one-off queries.
    int64_t queryInt(std::string_view sql);
    std::string queryText(std::string_view sql);

private:
    sqlite3* m_db = nullptr;
    std::string m_path;
    std::unordered_map<std::string, std::unique_ptr<Stmt>> m_cache;
};

// BEGIN IMMEDIATE on construction; rolls back on destruction unless commit() was called.
class Transaction {
public:
    explicit Transaction(Db& db, bool immediate = true);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

private:
    void traced();  // records the transaction when pv::trace is on
    Db& m_db;
    bool m_done = false;
    std::chrono::steady_clock::time_point m_begin, m_locked;  // set only when tracing
};

} // namespace pv::sql
