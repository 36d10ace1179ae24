#include "Pg.hpp"

#include <cstdlib>
#include <algorithm>
#include <cstring>

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

std::string maskConninfo(const std::string& conninfo) {
    std::string s = conninfo;
    if (isUri(s)) {
        auto scheme = s.find("://") + 3;
        auto at = s.find('@', scheme);
        auto colon = s.find(':', scheme);
        if (at != std::string::npos && colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
        for (auto p = s.find("password="); p != std::string::npos; p = s.find("password=", p + 1)) {
            auto end = s.find('&', p);
            s.replace(p + 9, (end == std::string::npos ? s.size() : end) - p - 9, "***");
        }
        return s;
    }
    // Keyword form: rebuild from the parsed options so quoting tricks cannot leak the value.
    char* err = nullptr;
    ConnOptions opts(PQconninfoParse(conninfo.c_str(), &err));
    if (err) PQfreemem(err);
    if (!opts) {
        // Unparsable: mask every password=VALUE by hand (quoted or bare).
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
                while (e < s.size() && s[e] != ' ') ++e;
            }
            s.replace(v, e - v, "***");
        }
        return s;
    }
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
        throw PgError("invalid connection string: " + scrub(e, passwordOf(conninfo)), false);
    }
    std::string out;
    for (auto* o = opts.get(); o->keyword; ++o) {
        if (!o->val || !*o->val || std::strcmp(o->keyword, "password") == 0) continue;
        if (!out.empty()) out += ' ';
        out += std::string(o->keyword) + "=" + quoteValue(o->val);
    }
    return out;
}

PgConn::PgConn(const std::string& conninfo) {
    m_secret = passwordOf(conninfo);
    if (const char* envPw = std::getenv("PGPASSWORD"); m_secret.empty() && envPw) m_secret = envPw;
    char* err = nullptr;
    ConnOptions opts(PQconninfoParse(conninfo.c_str(), &err));
    if (err) {
        std::string e = err;
        PQfreemem(err);
        throw PgError("invalid connection string '" + maskConninfo(conninfo) + "': " + scrub(e, m_secret), false);
    }
    bool hasTimeout = false;
    for (auto* o = opts.get(); o->keyword; ++o)
        if (std::strcmp(o->keyword, "connect_timeout") == 0 && o->val && *o->val) hasTimeout = true;
    std::string full = conninfo;
    if (!hasTimeout) full = isUri(conninfo) ? conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=5"
                                            : conninfo + " connect_timeout=5";
    m_conn.reset(PQconnectdb(full.c_str()));
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

PgResult PgConn::exec(const std::string& sql) {
    if (!m_conn) throw PgError("not connected to PostgreSQL", true);
    PGresult* r = PQexec(m_conn.get(), sql.c_str());
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, sql);
    return PgResult(r);
}

PgResult PgConn::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
    if (!m_conn) throw PgError("not connected to PostgreSQL", true);
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    PGresult* r = PQexecParams(m_conn.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, sql);
    return PgResult(r);
}

void PgConn::copyIn(const std::string& copySql, const std::string& data) {
    if (!m_conn) throw PgError("not connected to PostgreSQL", true);
    PGresult* r = PQexec(m_conn.get(), copySql.c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) fail(r, copySql);
    PQclear(r);
    constexpr size_t kChunk = 1 << 20;
    for (size_t off = 0; off < data.size(); off += kChunk) {
        size_t n = std::min(kChunk, data.size() - off);
        if (PQputCopyData(m_conn.get(), data.data() + off, static_cast<int>(n)) != 1) fail(nullptr, copySql);
    }
    if (PQputCopyEnd(m_conn.get(), nullptr) != 1) fail(nullptr, copySql);
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
