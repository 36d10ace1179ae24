#include "PgServer.hpp"

#include <libpq-fe.h>

#include <arpa/inet.h>
#include <memory>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace pv::test {
namespace {

int freePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free TCP port");
    }
    int port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

struct ConnFree {
    void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResFree {
    void operator()(PGresult* r) const { PQclear(r); }
};

} // namespace

std::string PgServer::asPostgres(const std::string& cmd) const {
    if (::geteuid() == 0) return "runuser -u postgres -- " + cmd;
    return cmd;
}

PgServer::PgServer() {
    m_bin = "/usr/lib/postgresql/15/bin";
    if (const char* b = std::getenv("PV_PG_BIN"); b && *b) m_bin = b;
    m_port = freePort();
    auto data = m_dir.file("data");
    auto r = runCommand(asPostgres(m_bin + "/initdb -D " + shellQuote(data) +
                                   " -U postgres --auth-local=trust --auth-host=scram-sha-256 --no-sync -E UTF8 --locale=C.UTF-8"));
    if (r.exitCode != 0) throw std::runtime_error("initdb failed: " + r.err + r.out);
    start();
    adminQuery("postgres", std::string("CREATE ROLE pv LOGIN PASSWORD '") + kPassword + "'");
}

PgServer::~PgServer() {
    if (m_running) {
        try {
            stop(true);
        } catch (...) {
        }
    }
}

PgServer& PgServer::shared() {
    static PgServer server;
    return server;
}

void PgServer::start() {
    auto data = m_dir.file("data");
    // fsync=off is safe here: an immediate stop kills processes, not the OS, so written WAL survives.
    // synchronous_commit stays on: an acknowledged commit must survive pg_ctl stop -m immediate.
    std::string opts = "-p " + std::to_string(m_port) + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" +
                       m_dir.path().string() + " -c fsync=off -c full_page_writes=off -c max_connections=60";
    auto r = runCommand(asPostgres(m_bin + "/pg_ctl -D " + shellQuote(data) + " -l " + shellQuote(m_dir.file("log")) + " -w -t 60 -o " +
                                   shellQuote(opts) + " start"));
    if (r.exitCode != 0) throw std::runtime_error("pg_ctl start failed: " + r.err + r.out + readFile(m_dir.file("log")));
    m_running = true;
}

void PgServer::stop(bool immediate) {
    auto r = runCommand(asPostgres(m_bin + "/pg_ctl -D " + shellQuote(m_dir.file("data")) + " -w -t 60 -m " +
                                   (immediate ? "immediate" : "fast") + " stop"));
    m_running = false;
    if (r.exitCode != 0) throw std::runtime_error("pg_ctl stop failed: " + r.err + r.out);
}

std::string PgServer::conninfo(const std::string& db, const std::string& password) const {
    return "host=127.0.0.1 port=" + std::to_string(m_port) + " dbname=" + db + " user=pv password=" + password;
}

std::string PgServer::adminConninfo(const std::string& db) const {
    return "host=" + m_dir.path().string() + " port=" + std::to_string(m_port) + " dbname=" + db + " user=postgres";
}

std::string PgServer::adminQuery(const std::string& db, const std::string& sql) const {
    std::unique_ptr<PGconn, ConnFree> c(PQconnectdb(adminConninfo(db).c_str()));
    if (PQstatus(c.get()) != CONNECTION_OK) throw std::runtime_error(std::string("admin connect failed: ") + PQerrorMessage(c.get()));
    std::unique_ptr<PGresult, ResFree> r(PQexec(c.get(), sql.c_str()));
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        throw std::runtime_error("admin query failed: " + std::string(PQresultErrorMessage(r.get())) + " in: " + sql);
    if (st == PGRES_TUPLES_OK && PQntuples(r.get()) > 0 && PQnfields(r.get()) > 0 && !PQgetisnull(r.get(), 0, 0))
        return PQgetvalue(r.get(), 0, 0);
    return "";
}

std::string PgServer::createDatabase() {
    std::string name = "pvt" + std::to_string(++m_dbCounter);
    adminQuery("postgres", "CREATE DATABASE " + name);
    // The sync role owns only its schema: no superuser, no CREATE on the database.
    adminQuery(name, "CREATE SCHEMA promptvault AUTHORIZATION pv");
    return name;
}

} // namespace pv::test
