// The desktop keyring (sync/Keyring): a real Secret Service (GNOME Keyring on a private D-Bus
// session) and a real PostgreSQL that takes the password kept there.
#include "KeyringSession.hpp"
#include "PgServer.hpp"
#include "Store.hpp"
#include "SyncTestUtil.hpp"
#include "TestUtil.hpp"
#include "sync/Keyring.hpp"
#include "sync/Pg.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>

using namespace pv;
using namespace pv::test;
namespace keyring = pv::sync::keyring;

namespace {

// Sets or clears an environment variable for one scope.
class EnvVar {
public:
    EnvVar(const char* name, const char* value) : m_name(name) {
        if (const char* v = std::getenv(name)) m_old = v;
        if (value) ::setenv(name, value, 1);
        else ::unsetenv(name);
    }
    ~EnvVar() {
        if (m_old) ::setenv(m_name, m_old->c_str(), 1);
        else ::unsetenv(m_name);
    }

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

} // namespace

TEST_CASE("without a desktop session bus the keyring is not asked, and says why") {
    EnvVar bus("DBUS_SESSION_BUS_ADDRESS", nullptr);
    std::string why;
    CHECK(!keyring::available(&why));
    CHECK(why.find("DBUS_SESSION_BUS_ADDRESS") != std::string::npos);
    CHECK(!keyring::lookup("host=db.example.org user=pv").has_value());
    CHECK_THROWS_WITH_AS(keyring::store("host=db.example.org user=pv", "pw"), doctest::Contains("desktop keyring"), sync::PgError);
}

TEST_CASE("a password kept in the keyring is found by server, database and user, replaced, and forgotten") {
    KeyringSession::shared();
    std::string why;
    REQUIRE_MESSAGE(keyring::available(&why), why);
    const std::string server = "host=db.example.org port=5433 dbname=vaults user=pv";
    CHECK(!keyring::lookup(server).has_value());
    // A password written in the string itself is not what is kept: the one given is.
    keyring::store(server + " password=in-the-string", "first 🔑 pw");
    CHECK(keyring::lookup(server) == std::optional<std::string>("first 🔑 pw"));
    CHECK(keyring::lookup(server + " password=anything") == std::optional<std::string>("first 🔑 pw"));
    CHECK(!keyring::lookup("host=db.example.org port=5433 dbname=vaults user=someone-else").has_value());
    CHECK(!keyring::lookup("host=db.example.org port=5434 dbname=vaults user=pv").has_value());
    keyring::store(server, "second");
    CHECK(keyring::lookup(server) == std::optional<std::string>("second"));
    CHECK(keyring::forget(server));
    CHECK(!keyring::lookup(server).has_value());
    CHECK(!keyring::forget(server));
}

TEST_CASE("PostgreSQL gets the password from the keyring: a connection and the CLI's sync need nothing else") {
    auto& pg = PgServer::shared();
    const std::string db = pg.createDatabase();
    const std::string withoutPassword = sync::conninfoWithoutPassword(pg.conninfo(db));
    REQUIRE(withoutPassword.find("password") == std::string::npos);
    TempDir dir;
    EnvVar noEnvPassword("PGPASSWORD", nullptr);
    EnvVar noPgpass("PGPASSFILE", dir.file("no-pgpass").c_str());
    KeyringSession::shared();
    // Nothing kept yet: the server refuses.
    CHECK_THROWS_AS(sync::PgConn{withoutPassword}, sync::PgError);
    keyring::store(withoutPassword, PgServer::kPassword);
    sync::PgConn conn(withoutPassword);
    CHECK(conn.ok());

    const std::string vault = dir.file("v.db");
    const std::string bin = promptvaultBinary();
    REQUIRE(runCommand(bin + " --vault " + shellQuote(vault) + " add output --prompt 'kept' --text 'synced with a keyring password'").exitCode == 0);
    auto r = runCommand(bin + " --vault " + shellQuote(vault) + " sync --pg " + shellQuote(withoutPassword));
    INFO(r.err);
    CHECK(r.exitCode == 0);
    CHECK(pg.adminQuery(db, "SELECT count(*) FROM promptvault.outputs") == "1");
    CHECK(r.out.find(PgServer::kPassword) == std::string::npos);
    CHECK(r.err.find(PgServer::kPassword) == std::string::npos);
}
