// A throwaway PostgreSQL cluster for tests: initdb + pg_ctl on a free port in a temp folder (as the
// postgres user when run as root), stopped and deleted on destruction. Never a mock.
#pragma once
#include "TestUtil.hpp"

#include <string>

namespace pv::test {

class PgServer {
public:
    PgServer();
    ~PgServer();
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    // One server per test executable, started on first use.
    static PgServer& shared();

    int port() const { return m_port; }
    // A fresh database; schema `promptvault` in it is owned by the non-superuser role `pv`.
    // Returns its name.
    std::string createDatabase();
    // TCP connection string for role pv (password auth) to a database.
    std::string conninfo(const std::string& db, const std::string& password = kPassword) const;
    // Unix-socket superuser connection string (trust auth), for test setup and inspection.
    std::string adminConninfo(const std::string& db = "postgres") const;
    // Runs SQL as the superuser in a database; returns the first column of the first row ("" if none).
    std::string adminQuery(const std::string& db, const std::string& sql) const;

    void stop(bool immediate = true);
    void start();
    bool running() const { return m_running; }

    static constexpr const char* kPassword = "pv-s3cret-pw";

private:
    std::string asPostgres(const std::string& cmd) const;
    TempDir m_dir;
    std::string m_bin;
    int m_port = 0;
    int m_dbCounter = 0;
    bool m_running = false;
};

} // namespace pv::test
