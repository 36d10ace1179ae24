// Thin RAII layer over libpq: one owner per PGconn / PGresult, errors that never carry a password.
#pragma once
#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <functional>
#include <string>
#include <vector>

namespace pv::sync {

// A failure talking to PostgreSQL. connectionLost: the link broke (retry later); otherwise the
// server refused a statement (sqlState says why).
class PgError : public std::runtime_error {
public:
    PgError(const std::string& what, bool connectionLost, std::string sqlState = {})
        : std::runtime_error(what), m_lost(connectionLost), m_state(std::move(sqlState)) {}
    bool connectionLost() const { return m_lost; }
    const std::string& sqlState() const { return m_state; }

private:
    bool m_lost;
    std::string m_state;
};

struct PgResultFree {
    void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultFree>;

class PgResult {
public:
    PgResult() = default;
    explicit PgResult(PGresult* r) : m_r(r) {}
    int rows() const { return PQntuples(m_r.get()); }
    int cols() const { return PQnfields(m_r.get()); }
    bool isNull(int row, int col) const { return PQgetisnull(m_r.get(), row, col) != 0; }
    std::string text(int row, int col) const { return std::string(PQgetvalue(m_r.get(), row, col), PQgetlength(m_r.get(), row, col)); }
    const char* raw(int row, int col) const { return PQgetvalue(m_r.get(), row, col); }
    int length(int row, int col) const { return PQgetlength(m_r.get(), row, col); }
    std::optional<std::string> optText(int row, int col) const;
    long long integer(int row, int col) const;
    PGresult* get() const { return m_r.get(); }

private:
    PgResultPtr m_r;
};

// Replaces password=... (keyword form) and user:password@ (URI form) with ***.
// A string that does not parse is not shown at all.
std::string maskConninfo(const std::string& conninfo);
// Masks whatever looks like a password inside any text (an error message, a stray argument).
std::string maskPasswords(const std::string& text);
// The conninfo without its password, for saving in the vault (a .pgpass or service file serves it).
std::string conninfoWithoutPassword(const std::string& conninfo);
// The password a conninfo carries ("" when none or when it does not parse).
std::string conninfoPassword(const std::string& conninfo);
// Which server, database and user a conninfo names (each "" when not written), the key a kept
// password is found by. Throws PgError (without the string) when it does not parse.
struct ServerKey {
    std::string host, port, dbname, user;
};
ServerKey serverKeyOf(const std::string& conninfo);
// Where libpq looks for passwords: $PGPASSFILE, else ~/.pgpass.
std::string pgpassPath();
// Keeps `password` for the server `conninfo` names in the password file (created, or made, mode
// 0600: libpq ignores a file others can read); a line for the same host, port, database and user
// is replaced. Throws with a message on failure.
void savePgpassEntry(const std::string& conninfo, const std::string& password, const std::string& path = pgpassPath());

class PgConn {
public:
    PgConn() = default;
    // Connects (connect_timeout defaults to 5 s); throws PgError with a masked message.
    explicit PgConn(const std::string& conninfo);
    PgConn(PgConn&&) noexcept = default;
    PgConn& operator=(PgConn&&) noexcept = default;

    bool ok() const { return m_conn && PQstatus(m_conn.get()) == CONNECTION_OK; }
    PGconn* get() const { return m_conn.get(); }
    std::string where() const;  // user@host:port/db, for messages

    PgResult exec(const std::string& sql);
    PgResult exec(const std::string& sql, const std::vector<std::optional<std::string>>& params);
    // One statement in two halves: send() returns at once, receive() waits for its result, so the
    // server can work on it meanwhile. Nothing else may be sent in between.
    void send(const std::string& sql);
    PgResult receive(const std::string& sql);
    // COPY ... FROM STDIN with data already in COPY text format.
    // whileApplying (if any) runs once the data is sent, while the server applies it; it must not
    // use this connection.
    void copyIn(const std::string& copySql, const std::string& data, const std::function<void()>& whileApplying = {});
    // Pending NOTIFYs: consumes input, returns payloads received.
    std::vector<std::string> notifications();
    int socket() const { return PQsocket(m_conn.get()); }

private:
    [[noreturn]] void fail(PGresult* r, const std::string& sql);
    struct ConnFree {
        void operator()(PGconn* c) const { PQfinish(c); }
    };
    std::unique_ptr<PGconn, ConnFree> m_conn;
    std::string m_secret;  // the password, scrubbed out of any message
};

// One server transaction: `begin` (BEGIN, or BEGIN with options) on construction; ROLLBACK in the
// destructor unless commit() was called (a connection that broke is dropped instead: nothing to
// roll back). commit() is final: whatever it throws, the destructor sends nothing more.
class PgTransaction {
public:
    explicit PgTransaction(PgConn& conn, const std::string& begin = "BEGIN");
    ~PgTransaction();
    PgTransaction(const PgTransaction&) = delete;
    PgTransaction& operator=(const PgTransaction&) = delete;
    // Sends COMMIT. Returns false when the server answered with a rollback (the transaction had
    // failed). Throws PgError; with connectionLost() the outcome is unknown ("uncertain commit"):
    // the caller settles it, and the connection is dropped.
    bool commit();

private:
    PgConn& m_conn;
    bool m_done = false;
};

// Escapes a value for COPY text format (tab-separated, \N is NULL).
void appendCopyField(std::string& out, const std::optional<std::string>& v);
std::string quoteIdent(const std::string& s);

} // namespace pv::sync
