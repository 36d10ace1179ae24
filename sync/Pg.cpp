#include "Pg.hpp"

#include "Trace.hpp"
#include "Keyring.hpp"

#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace pv::sync {

std::optional<std::string> PgResult::optText(int row, int col) const {
    if (isNull(row, col)) return std::nullopt;
    return text(row, col);
}

long long PgResult::integer(int row, int col) const { return std::strtoll(PQgetvalue(m_r.get(), row, col), nullptr, 10); }

namespace {

struct ConnOptionsFree {
    void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};
using ConnOptions = std::unique_ptr<PQconninfoOption, ConnOptionsFree>;

bool isUri(const std::string& s) { return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0; }

std::string quoteValue(const std::string& v) {
    std::string out = "'";
    for (char c : v) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

std::string scrub(std::string msg, const std::string& secret) {
    if (secret.size() >= 1) {
        for (size_t p = msg.find(secret); p != std::string::npos; p = msg.find(secret, p + 3)) msg.replace(p, secret.size(), "***");
    }
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return msg;
}

// libpq's complaint about a string it cannot parse quotes the text around the fault, which may be
// (part of) the password: every quoted fragment but a lone "=" is hidden.
std::string hideQuoted(const std::string& msg) {
    std::string out;
    for (size_t i = 0; i < msg.size(); ++i) {
        if (msg[i] != '"') {
            out += msg[i];
            continue;
        }
        size_t end = msg.find('"', i + 1);
        if (end == std::string::npos) {
            out += "\"...";
            break;
        }
        std::string inner = msg.substr(i + 1, end - i - 1);
        out += inner == "=" ? "\"=\"" : "\"...\"";
        i = end;
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

// The user-info part of a URI (between "scheme://" and the last '@' before the path or query),
// or npos when there is none. The last '@': an unescaped '@' in a password must not make the
// rest of the password look like a host.
size_t uriUserInfoEnd(const std::string& s) {
    auto scheme = s.find("://");
    if (scheme == std::string::npos) return std::string::npos;
    size_t stop = s.find('?', scheme + 3);
    size_t at = s.rfind('@', stop == std::string::npos ? std::string::npos : stop);
    return at == std::string::npos || at < scheme + 3 ? std::string::npos : at;
}

std::string passwordOf(const std::string& conninfo) {
    char* err = nullptr;
    ConnOptions opts(PQconninfoParse(conninfo.c_str(), &err));
    if (err) PQfreemem(err);
    if (!opts) return {};
    for (auto* o = opts.get(); o->keyword; ++o)
        if (std::strcmp(o->keyword, "password") == 0 && o->val) return o->val;
    return {};
}

} // namespace

std::string maskPasswords(const std::string& text) {
    std::string s = text;
    // URI user info: everything between "user:" and the last '@' before the host.
    for (size_t p = s.find("://"); p != std::string::npos; p = s.find("://", p + 3)) {
        size_t stop = s.find_first_of("? \t\n'\"", p + 3);
        size_t at = s.rfind('@', stop == std::string::npos ? std::string::npos : stop - 1);
        size_t colon = s.find(':', p + 3);
        if (at != std::string::npos && at > p + 3 && colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
    }
    // password=VALUE (quoted or bare), in keyword strings and URI queries.
    for (size_t p = s.find("password"); p != std::string::npos; p = s.find("password", p + 8)) {
        size_t v = p + 8;
        while (v < s.size() && s[v] == ' ') ++v;
        if (v >= s.size() || s[v] != '=') continue;
        ++v;
        while (v < s.size() && s[v] == ' ') ++v;
        size_t e = v;
        if (e < s.size() && s[e] == '\'') {
            for (++e; e < s.size() && s[e] != '\''; ++e)
                if (s[e] == '\\') ++e;
            if (e < s.size()) ++e;
        } else {
            while (e < s.size() && s[e] != ' ' && s[e] != '&') ++e;
        }
        s.replace(v, e - v, "***");
    }
    return s;
}

std::string maskConninfo(const std::string& conninfo) {
    char* err = nullptr;
    ConnOptions opts(PQconninfoParse(conninfo.c_str(), &err));
    if (err) PQfreemem(err);
    // A string libpq cannot parse has no reliable "password part" (a space or '@' in it is enough
    // to misplace it): none of it is shown.
    if (!opts) return "(a connection string that does not parse; not shown)";
    if (isUri(conninfo)) return maskPasswords(conninfo);
    // Keyword form: rebuild from the parsed options so quoting tricks cannot leak the value.
    std::string out;
    for (auto* o = opts.get(); o->keyword; ++o) {
        if (!o->val || !*o->val) continue;
        if (!out.empty()) out += ' ';
        out += std::string(o->keyword) + "=" + (std::strcmp(o->keyword, "password") == 0 ? std::string("***") : quoteValue(o->val));
    }
    return out;
}

std::string conninfoWithoutPassword(const std::string& conninfo) {
    char* err = nullptr;
    ConnOptions opts(PQconninfoParse(conninfo.c_str(), &err));
    if (err) {
        std::string e = err;
        PQfreemem(err);
        throw PgError("invalid connection string: " + hideQuoted(e) + " (the string is not shown: it may hold a password)", false);
    }
    std::string out;
    for (auto* o = opts.get(); o->keyword; ++o) {
        if (!o->val || !*o->val || std::strcmp(o->keyword, "password") == 0) continue;
        if (!out.empty()) out += ' ';
        out += std::string(o->keyword) + "=" + quoteValue(o->val);
    }
    return out;
}

std::string conninfoPassword(const std::string& conninfo) { return passwordOf(conninfo); }

std::string pgpassPath() {
    if (const char* f = std::getenv("PGPASSFILE"); f && *f) return f;
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.pgpass";
}

ServerKey serverKeyOf(const std::string& conninfo) {
    char* err = nullptr;
    ConnOptions opts(PQconninfoParse(conninfo.c_str(), &err));
    if (err || !opts) {
        if (err) PQfreemem(err);
        throw PgError("invalid connection string (not shown: it may hold a password)", false);
    }
    ServerKey k;
    for (auto* o = opts.get(); o->keyword; ++o) {
        if (!o->val || !*o->val) continue;
        if (std::strcmp(o->keyword, "host") == 0) k.host = o->val;
        else if (std::strcmp(o->keyword, "port") == 0) k.port = o->val;
        else if (std::strcmp(o->keyword, "dbname") == 0) k.dbname = o->val;
        else if (std::strcmp(o->keyword, "user") == 0) k.user = o->val;
    }
    return k;
}

void savePgpassEntry(const std::string& conninfo, const std::string& password, const std::string& path) {
    const auto [host, port, dbname, user] = serverKeyOf(conninfo);
    // The password file's fields; ':' and '\' are escaped, an unnamed field matches any value.
    auto field = [](const std::string& v) {
        if (v.empty()) return std::string("*");
        std::string out;
        for (char c : v) {
            if (c == ':' || c == '\\') out += '\\';
            out += c;
        }
        return out;
    };
    const std::string key = field(host) + ":" + field(port) + ":" + field(dbname) + ":" + field(user) + ":";
    std::string kept;
    if (std::ifstream in(path); in) {
        std::string line;
        while (std::getline(in, line))
            if (line.compare(0, key.size(), key) != 0) kept += line + "\n";
    }
    kept += key + field(password) + "\n";
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) throw PgError("could not write " + tmp + ": " + std::strerror(errno), false);
    ::fchmod(fd, 0600);
    bool ok = ::write(fd, kept.data(), kept.size()) == static_cast<ssize_t>(kept.size());
    ok = ::fsync(fd) == 0 && ok;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        ::unlink(tmp.c_str());
        throw PgError("could not write " + path + ": " + std::strerror(errno), false);
    }
}

PgConn::PgConn(const std::string& conninfo) {
    m_secret = passwordOf(conninfo);
    if (const char* envPw = std::getenv("PGPASSWORD"); m_secret.empty() && envPw) m_secret = envPw;
    // Then the desktop keyring (before libpq's own ~/.pgpass, which it reads when none is given).
    std::optional<std::string> kept;
    if (m_secret.empty()) kept = keyring::lookup(conninfo);
    if (kept) m_secret = *kept;
    if (isUri(conninfo)) {
        // libpq ends the user info at the first '@' or '/': a password holding either unescaped
        // would be cut, and the rest taken for the host (and printed in its errors).
        auto at = uriUserInfoEnd(conninfo);
        auto start = conninfo.find("://") + 3;
        if (at != std::string::npos && conninfo.find_first_of("@/", start) < at)
            throw PgError("invalid connection URI: the user name or password holds a '@' or '/'; write them as %40 and %2F "
                          "(the URI is not shown: it holds a password)",
                          false);
    }
    char* err = nullptr;
    ConnOptions opts(PQconninfoParse(conninfo.c_str(), &err));
    if (err) {
        std::string e = err;
        PQfreemem(err);
        throw PgError("invalid connection string: " + hideQuoted(scrub(e, m_secret)) + " (the string is not shown: it may hold a password)",
                      false);
    }
    bool hasTimeout = false;
    for (auto* o = opts.get(); o->keyword; ++o)
        if (std::strcmp(o->keyword, "connect_timeout") == 0 && o->val && *o->val) hasTimeout = true;
    std::string full = conninfo;
    if (!hasTimeout) full = isUri(conninfo) ? conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=5"
                                            : conninfo + " connect_timeout=5";
    if (kept) {
        // The string expanded as given, the kept password added as its own parameter.
        const char* keys[] = {"dbname", "password", nullptr};
        const char* values[] = {full.c_str(), kept->c_str(), nullptr};
        m_conn.reset(PQconnectdbParams(keys, values, 1));
    } else {
        m_conn.reset(PQconnectdb(full.c_str()));
    }
    if (!m_conn) throw PgError("cannot connect to PostgreSQL: out of memory", true);
    if (PQstatus(m_conn.get()) != CONNECTION_OK) {
        std::string e = scrub(PQerrorMessage(m_conn.get()), m_secret);
        std::string w = where();
        m_conn.reset();
        throw PgError("cannot connect to PostgreSQL (" + w + "): " + e, true);
    }
    PQsetNoticeProcessor(m_conn.get(), [](void*, const char*) {}, nullptr);
}

std::string PgConn::where() const {
    if (!m_conn) return "not connected";
    std::string host = PQhost(m_conn.get()) ? PQhost(m_conn.get()) : "";
    std::string out = std::string(PQuser(m_conn.get()) ? PQuser(m_conn.get()) : "") + "@" + host;
    if (PQport(m_conn.get()) && *PQport(m_conn.get())) out += std::string(":") + PQport(m_conn.get());
    out += std::string("/") + (PQdb(m_conn.get()) ? PQdb(m_conn.get()) : "");
    return out;
}

void PgConn::fail(PGresult* r, const std::string& sql) {
    PgResultPtr holder(r);
    bool lost = PQstatus(m_conn.get()) != CONNECTION_OK;
    std::string state;
    if (r)
        if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
    // Class 08 is connection exception; 57P0x are shutdowns: retry later, not a refusal.
    if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) lost = true;
    std::string msg = r ? PQresultErrorMessage(r) : "";
    if (msg.empty()) msg = PQerrorMessage(m_conn.get());
    std::string head = sql.substr(0, 80);
    for (char& c : head)
        if (c == '\n') c = ' ';
    throw PgError(scrub(msg, m_secret) + (lost ? "" : " (in: " + head + (sql.size() > 80 ? "..." : "") + ")"), lost, state);
}

namespace {
// Records one server round trip when pv::trace is on (benchmarks).
void tracedTrip(const std::string& sql, trace::Clock::time_point t0) noexcept {
    if (!trace::on() || t0 == trace::Clock::time_point()) return;
    try {
        std::string head = sql.substr(0, sql.find_first_of(" (\n", 14));
        trace::record({"pg", trace::threadLabel(), head.substr(0, 40), t0, trace::Clock::now(), {}});
    } catch (...) {
    }
}
trace::Clock::time_point traceStart() { return trace::on() ? trace::Clock::now() : trace::Clock::time_point(); }
} // namespace

PgTransaction::PgTransaction(PgConn& conn, const std::string& begin) : m_conn(conn) { m_conn.exec(begin); }

PgTransaction::~PgTransaction() {
    if (m_done) return;
    if (!m_conn.ok()) {
        m_conn = PgConn();
        return;
    }
    try {
        m_conn.exec("ROLLBACK");
    } catch (...) {
    }
}

bool PgTransaction::commit() {
    m_done = true;
    try {
        auto r = m_conn.exec("COMMIT");
        return std::strcmp(PQcmdStatus(r.get()), "COMMIT") == 0;
    } catch (const PgError& e) {
        if (e.connectionLost()) m_conn = PgConn();
        throw;
    }
}

PgResult PgConn::exec(const std::string& sql) {
    if (!m_conn) throw PgError("not connected to PostgreSQL", true);
    const auto t0 = traceStart();
    PGresult* r = PQexec(m_conn.get(), sql.c_str());
    tracedTrip(sql, t0);
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, sql);
    return PgResult(r);
}

PgResult PgConn::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
    if (!m_conn) throw PgError("not connected to PostgreSQL", true);
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    const auto t0 = traceStart();
    PGresult* r = PQexecParams(m_conn.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    tracedTrip(sql, t0);
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, sql);
    return PgResult(r);
}

void PgConn::copyIn(const std::string& copySql, const std::string& data, const std::function<void()>& whileApplying) {
    if (!m_conn) throw PgError("not connected to PostgreSQL", true);
    struct Traced {
        const std::string& sql;
        trace::Clock::time_point t0 = traceStart();
        ~Traced() { tracedTrip(sql, t0); }
    } traced{copySql};
    PGresult* r = PQexec(m_conn.get(), copySql.c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) fail(r, copySql);
    PQclear(r);
    constexpr size_t kChunk = 1 << 20;
    for (size_t off = 0; off < data.size(); off += kChunk) {
        size_t n = std::min(kChunk, data.size() - off);
        if (PQputCopyData(m_conn.get(), data.data() + off, static_cast<int>(n)) != 1) fail(nullptr, copySql);
    }
    if (PQputCopyEnd(m_conn.get(), nullptr) != 1) fail(nullptr, copySql);
    // The server is still applying the rows (their triggers run at the statement's end).
    if (whileApplying) whileApplying();
    PGresult* last = nullptr;
    while (PGresult* res = PQgetResult(m_conn.get())) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            if (last) PQclear(last);
            // Drain what remains so the connection stays usable for ROLLBACK.
            while (PGresult* more = PQgetResult(m_conn.get())) PQclear(more);
            fail(res, copySql);
        }
        if (last) PQclear(last);
        last = res;
    }
    if (last) PQclear(last);
    if (PQstatus(m_conn.get()) != CONNECTION_OK) fail(nullptr, copySql);
}

void PgConn::send(const std::string& sql) {
    if (!m_conn) throw PgError("not connected to PostgreSQL", true);
    if (PQsendQuery(m_conn.get(), sql.c_str()) != 1) fail(nullptr, sql);
}

PgResult PgConn::receive(const std::string& sql) {
    if (!m_conn) throw PgError("not connected to PostgreSQL", true);
    struct Traced {
        const std::string& sql;
        trace::Clock::time_point t0 = traceStart();
        ~Traced() { tracedTrip("(wait) " + sql, t0); }
    } traced{sql};
    PGresult* last = nullptr;
    while (PGresult* res = PQgetResult(m_conn.get())) {
        auto st = PQresultStatus(res);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            if (last) PQclear(last);
            while (PGresult* more = PQgetResult(m_conn.get())) PQclear(more);
            fail(res, sql);
        }
        if (last) PQclear(last);
        last = res;
    }
    if (!last) fail(nullptr, sql);
    return PgResult(last);
}

std::vector<std::string> PgConn::notifications() {
    std::vector<std::string> out;
    if (!m_conn) return out;
    if (PQconsumeInput(m_conn.get()) != 1) throw PgError("lost the PostgreSQL connection: " + scrub(PQerrorMessage(m_conn.get()), m_secret), true);
    while (PGnotify* n = PQnotifies(m_conn.get())) {
        out.emplace_back(n->extra ? n->extra : "");
        PQfreemem(n);
    }
    return out;
}

void appendCopyField(std::string& out, const std::optional<std::string>& v) {
    if (!v) {
        out += "\\N";
        return;
    }
    // Runs of plain bytes are appended at once: a long text is copied, not grown byte by byte.
    const char* p = v->data();
    const char* end = p + v->size();
    while (p < end) {
        const char* run = p;
        while (p < end && *p != '\\' && *p != '\n' && *p != '\r' && *p != '\t') ++p;
        out.append(run, static_cast<size_t>(p - run));
        if (p == end) break;
        switch (*p++) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        default: out += "\\t"; break;
        }
    }
}

std::string quoteIdent(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

} // namespace pv::sync
