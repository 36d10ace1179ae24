// Opening a vault: files readable by their owner only, the vault's application id, and another
// program's SQLite file refused byte for byte untouched (issue 20).
#include "Schema.hpp"
#include "Store.hpp"
#include "StoreInternals.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <sys/stat.h>

using namespace pv;
using pv::test::TempDir;

namespace {

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

unsigned modeOf(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

pv::test::CommandResult sqlite(const std::string& db, const std::string& sql) {
    return pv::test::runCommand(pv::test::sqliteShell() + " " + pv::test::shellQuote(db) + " " + pv::test::shellQuote(sql));
}

pv::test::CommandResult runPv(const std::string& vault, const std::string& args) {
    return pv::test::runCommand(pv::test::shellQuote(pv::test::promptvaultBinary()) + " --vault " + pv::test::shellQuote(vault) + " " + args);
}

} // namespace

TEST_CASE("a new vault and its -wal and -shm files are readable by their owner only (0600)") {
    TempDir dir;
    const mode_t before = ::umask(022);  // the usual umask, which would give 0644
    {
        Store s(dir.file("v.db"));
        Output o;
        o.output = "private text";
        s.createOutput(o);
        REQUIRE(std::filesystem::exists(dir.file("v.db-wal")));
        REQUIRE(std::filesystem::exists(dir.file("v.db-shm")));
        CHECK(modeOf(dir.file("v.db")) == 0600);
        CHECK(modeOf(dir.file("v.db-wal")) == 0600);
        CHECK(modeOf(dir.file("v.db-shm")) == 0600);
    }
    ::umask(before);
    // In a folder that does not exist yet, too.
    Store nested(dir.file("a/b/v.db"));
    CHECK(modeOf(dir.file("a/b/v.db")) == 0600);
}

TEST_CASE("application_id: set on new vaults and on older vaults opened writable") {
    TempDir dir;
    {
        Store s(dir.file("v.db"));
        CHECK(pv::StoreInternals::db(s).queryInt("PRAGMA application_id") == kApplicationId);
    }
    // A vault from before application ids (recognised by its schema) gets it at its next writable open.
    auto r = sqlite(dir.file("v.db"), "PRAGMA application_id = 0;");
    REQUIRE(r.exitCode == 0);
    REQUIRE(sqlite(dir.file("v.db"), "PRAGMA application_id;").out == "0\n");
    {
        Store ro(dir.file("v.db"), {.readOnly = true});
        CHECK(pv::StoreInternals::db(ro).queryInt("PRAGMA application_id") == 0);  // read-only: recognised, not changed
    }
    {
        Store s(dir.file("v.db"));
        CHECK(pv::StoreInternals::db(s).queryInt("PRAGMA application_id") == kApplicationId);
    }
    CHECK(sqlite(dir.file("v.db"), "PRAGMA application_id;").out == std::to_string(kApplicationId) + "\n");
}

TEST_CASE("another program's SQLite file is refused before anything is written, byte for byte untouched") {
    TempDir dir;
    struct Case {
        const char* name;
        const char* sql;
        const char* says;
    };
    const Case cases[] = {
        {"notes.db", "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('mine');", "tables 'notes'"},
        // A user_version alone does not make a vault.
        {"versioned.db", "CREATE TABLE outputs(x); CREATE TABLE prompts(y); PRAGMA user_version = 3;", "no vault tables"},
        // Another program's application id, even with no tables yet.
        {"other-app.db", "PRAGMA application_id = 1234;", "application_id 0x000004d2"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        const std::string path = dir.file(c.name);
        REQUIRE(sqlite(path, c.sql).exitCode == 0);
        const std::string bytes = pv::test::readFile(path);
        REQUIRE(bytes.size() >= 100);
        CHECK(bytes[18] == 1);  // rollback journal, not WAL
        try {
            Store s(path);
            FAIL("opened a foreign file as a vault");
        } catch (const StoreError& e) {
            CHECK(contains(e.what(), "is not a Promptvault vault"));
            CHECK(contains(e.what(), c.says));
            CHECK(contains(e.what(), "left untouched"));
        }
        CHECK_THROWS_AS(Store(path, {.readOnly = true}), StoreError);
        for (const std::string cmd : {"stats", "add output --text x", "export json"}) {
            CAPTURE(cmd);
            auto r = runPv(path, cmd);
            CHECK(r.exitCode == 1);
            CHECK(contains(r.err, "is not a Promptvault vault"));
            CHECK_FALSE(contains(r.err, "no such table"));
            CHECK(r.out.empty());
        }
        auto imp = runPv(path, "import chatgpt " + pv::test::shellQuote(dir.file("missing.json")));
        CHECK(imp.exitCode != 0);
        CHECK(contains(imp.err, "is not a Promptvault vault"));
        CHECK(pv::test::readFile(path) == bytes);
        CHECK_FALSE(std::filesystem::exists(path + "-wal"));
    }
}
