// Issue 14: what people do with vault files and servers (restore a backup, copy a vault, run a slow
// clock, pick a long schema name, mistype a connection string, sync as a superuser) ends in
// convergence or a clear message, never in silent loss, a stuck queue or a leaked secret.
// Real PostgreSQL (tests/support/PgServer), real vault files, a real slow clock (libfaketime).
#include "PgServer.hpp"
#include "SetAside.hpp"
#include "Store.hpp"
#include "StoreInternals.hpp"
#include "SyncEngine.hpp"
#include "SyncTestUtil.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

using namespace pv;
using namespace pv::test;

namespace {

// Copies a closed vault file (a backup, or a second laptop's copy). WAL files go with it when present.
void copyVault(const std::string& from, const std::string& to) {
    namespace fs = std::filesystem;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        fs::remove(to + suffix);
        if (fs::exists(from + suffix)) fs::copy_file(from + suffix, to + suffix);
    }
}

Output outputUnder(const std::string& promptId, const std::string& text) {
    Output o;
    o.promptId = promptId;
    o.output = text;
    return o;
}

void converged(std::initializer_list<Store*> vaults, const std::string& ci) {
    for (int round = 0; round < 2; ++round)
        for (Store* s : vaults) syncVault(*s, ci);
    const std::string server = serverExport(ci);
    for (Store* s : vaults) {
        CHECK(s->pendingChanges() == 0);
        CHECK(pv::StoreInternals::db(*s).queryInt("SELECT count(*) FROM pv_changes WHERE status = 'set_aside'") == 0);
        CHECK(exportOf(*s) == server);
    }
}

} // namespace

// ---- 1. restored backups and copied vaults ------------------------------------------------------

TEST_CASE("a vault restored from a backup pushes its new changes, gets its later ones back, and does not get stuck") {
    auto& pg = PgServer::shared();
    const std::string db = pg.createDatabase();
    auto ci = pg.conninfo(db);
    TempDir dir;
    const std::string path = dir.file("a.db"), backup = dir.file("a-backup.db");
    std::string promptId, firstOutput;
    std::vector<std::string> later;
    {
        Store a(path);
        promptId = a.createPrompt({.title = "p", .body = "b"}).id;
        firstOutput = a.createOutput(outputUnder(promptId, "first")).id;
        syncVault(a, ci);
    }
    copyVault(path, backup);
    {
        Store a(path);
        for (int i = 0; i < 3; ++i) later.push_back(a.createOutput(outputUnder(promptId, "later " + std::to_string(i))).id);
        syncVault(a, ci);
    }
    copyVault(backup, path);  // the restore
    Store a(path);
    const std::string oldDevice = a.deviceId();
    auto added = a.createOutput(outputUnder(promptId, "after the restore"));
    auto o = *a.getOutput(firstOutput);
    o.notes = "edited after the restore";
    a.updateOutput(o);

    auto r = syncVault(a, ci);
    CHECK(r.push.pushed == 2);
    CHECK(r.push.alreadyApplied == 0);
    CHECK(r.push.deviceNote.find("restored from a backup or copied") != std::string::npos);
    CHECK(a.deviceId() != oldDevice);
    CHECK(pg.adminQuery(db, "SELECT notes FROM promptvault.outputs WHERE id = '" + firstOutput + "'") == "edited after the restore");
    CHECK(pg.adminQuery(db, "SELECT count(*) FROM promptvault.outputs WHERE id = '" + added.id + "'") == "1");
    for (const auto& id : later) CHECK(a.getOutput(id).has_value());  // its own later outputs came back

    // Another vault tags one of those outputs: the restored vault keeps syncing.
    Store b(dir.file("b.db"));
    syncVault(b, ci);
    auto tag = b.createTag({.name = "from b"});
    b.linkTag(Kind::Output, later[1], tag.id);
    syncVault(b, ci);
    CHECK_NOTHROW(syncVault(a, ci));
    CHECK(a.tagsOf(Kind::Output, later[1]).size() == 1);
    converged({&a, &b}, ci);
}

TEST_CASE("two laptops holding copies of one vault file both converge") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    const std::string p1 = dir.file("laptop1.db"), p2 = dir.file("laptop2.db");
    std::string shared;
    {
        Store s(p1);
        auto p = s.createPrompt({.title = "p", .body = "b"});
        shared = s.createOutput(outputUnder(p.id, "shared")).id;
        syncVault(s, ci);
    }
    copyVault(p1, p2);  // a synced folder, a cloned disk
    Store one(p1), two(p2);
    REQUIRE(one.deviceId() == two.deviceId());

    // The same number of changes on both: the seqs line up, only what they are differs.
    auto o1 = *one.getOutput(shared);
    o1.notes = "notes from laptop 1";
    one.updateOutput(o1);
    one.createTag({.name = "tag from 1"});
    auto o2 = *two.getOutput(shared);
    o2.rating = 4;
    two.updateOutput(o2);
    two.createTag({.name = "tag from 2"});

    auto r1 = syncVault(one, ci);
    CHECK(r1.push.pushed == 2);
    CHECK(r1.push.deviceNote.empty());
    auto r2 = syncVault(two, ci);
    CHECK(r2.push.pushed == 2);
    CHECK(r2.push.alreadyApplied == 0);
    CHECK(!r2.push.deviceNote.empty());
    CHECK(one.deviceId() != two.deviceId());
    converged({&one, &two}, ci);
    auto merged = *one.getOutput(shared);
    CHECK(merged.notes == "notes from laptop 1");
    CHECK(merged.rating == std::optional<int64_t>(4));
    CHECK(pv::StoreInternals::db(one).queryInt("SELECT count(*) FROM tags") == 2);
}

TEST_CASE("a restored vault that made no change since gets back what it pushed after the backup") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    const std::string path = dir.file("a.db"), backup = dir.file("backup.db");
    std::string laterId;
    {
        Store a(path);
        a.createPrompt({.title = "before", .body = ""});
        syncVault(a, ci);
    }
    copyVault(path, backup);
    {
        Store a(path);
        laterId = a.createPrompt({.title = "after the backup", .body = ""}).id;
        syncVault(a, ci);
    }
    copyVault(backup, path);
    Store a(path);
    sync::SyncOptions opt;
    opt.conninfo = ci;
    sync::SyncEngine e(a, opt);
    e.pull();  // a pull alone must already see it
    CHECK(a.getPrompt(laterId).has_value());
    converged({&a}, ci);
}

// ---- 2. a slow clock ----------------------------------------------------------------------------

namespace {
// Runs a command with the machine's clock 6 minutes slow (libfaketime, Debian package faketime).
std::string slowClock(const std::string& cmd) {
    const std::string lib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
    REQUIRE_MESSAGE(std::filesystem::exists(lib), "libfaketime is missing: apt-get install faketime (scripts/install-deps.sh does)");
    // Under AddressSanitizer the preloaded library comes before ASan's runtime, which ASan refuses
    // by default; the order is harmless here (libfaketime only wraps clock calls).
    return "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 LD_PRELOAD=" + lib + " FAKETIME=-360 " + cmd;
}
} // namespace

TEST_CASE("a laptop whose clock is 6 minutes slow merges the clocks it pulls, so its later edit wins, and is warned") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    const std::string cPath = dir.file("c.db");
    const std::string bin = promptvaultBinary();
    Store a(dir.file("a.db"));
    auto p = a.createPrompt({.title = "p", .body = ""});
    auto o = a.createOutput(outputUnder(p.id, "text"));
    syncVault(a, ci);

    auto sync = [&] { return runCommand(slowClock(bin + " --vault " + shellQuote(cPath) + " sync --pg " + shellQuote(ci))); };
    auto first = sync();
    INFO(first.err);
    REQUIRE(first.exitCode == 0);
    CHECK(first.err.find("clock is 6 min behind the server's") != std::string::npos);

    auto edit = a.getOutput(o.id).value();
    edit.notes = "from A";
    a.updateOutput(edit);
    syncVault(a, ci);
    REQUIRE(sync().exitCode == 0);  // C pulls A's edit
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // C edits the same column afterwards, with the sqlite3 shell (its triggers stamp the change).
    auto w = runCommand(slowClock(sqliteShell() + " " + shellQuote(cPath) + " " +
                                  shellQuote("UPDATE outputs SET notes = 'from C, later' WHERE id = '" + o.id + "'")));
    REQUIRE(w.exitCode == 0);
    REQUIRE(sync().exitCode == 0);
    syncVault(a, ci);
    REQUIRE(sync().exitCode == 0);
    CHECK(a.getOutput(o.id)->notes == "from C, later");
    CHECK(readFileOrExport(cPath) == serverExport(ci));
    CHECK(exportOf(a) == serverExport(ci));
}

// ---- 3. one bad change among rows that depend on each other -------------------------------------

TEST_CASE("one refused change does not set aside a prompt derived from one that sorts after it, nor what hangs on it") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    Store a(dir.file("a.db"));
    // UUIDv7 order is random within a millisecond: the derived prompt's id sorts before its parent's.
    pv::StoreInternals::db(a).exec("INSERT INTO prompts(id, title, body) VALUES ('p-z-parent', 'parent', '')");
    pv::StoreInternals::db(a).exec("INSERT INTO prompts(id, title, body, derived_from_id) VALUES ('p-a-child', 'child', '', 'p-z-parent')");
    pv::StoreInternals::db(a).exec("INSERT INTO prompts(id, title, body, derived_from_id) VALUES ('p-0-grandchild', 'grandchild', '', 'p-a-child')");
    pv::StoreInternals::db(a).exec("INSERT INTO outputs(id, prompt_id, output) VALUES ('o-1', 'p-0-grandchild', 'out')");
    pv::StoreInternals::db(a).exec("INSERT INTO tags(id, name) VALUES ('t-1', 'tag')");
    pv::StoreInternals::db(a).exec("INSERT INTO output_tags(output_id, tag_id) VALUES ('o-1', 't-1')");
    pv::StoreInternals::db(a).exec("PRAGMA foreign_keys = OFF");
    pv::StoreInternals::db(a).exec("INSERT INTO output_tags(output_id, tag_id) VALUES ('no-such-output', 't-1')");
    pv::StoreInternals::db(a).exec("PRAGMA foreign_keys = ON");
    auto r = syncVault(a, ci);
    REQUIRE(r.push.setAside.size() == 1);
    CHECK(r.push.setAside[0].rowKey == "no-such-output|t-1");
    CHECK(r.push.pushed == 6);
    Store b(dir.file("b.db"));
    syncVault(b, ci);
    CHECK(b.getPrompt("p-0-grandchild").has_value());
    CHECK(b.tagsOf(Kind::Output, "o-1").size() == 1);
}

// ---- 4. a long schema name ----------------------------------------------------------------------

TEST_CASE("a schema name of 53 to 63 characters syncs, and its NOTIFY reaches a listener") {
    auto& pg = PgServer::shared();
    const std::string db = pg.createDatabase();
    const std::string schema(60, 's');
    pg.adminQuery(db, "CREATE SCHEMA " + schema + " AUTHORIZATION pv");
    TempDir dir;
    Store a(dir.file("a.db"));
    a.createPrompt({.title = "p", .body = ""});
    sync::SyncOptions opt;
    opt.conninfo = pg.conninfo(db);
    opt.schema = schema;
    sync::SyncEngine e(a, opt);
    e.connect();
    sync::PgConn listener(pg.conninfo(db));
    listener.exec("LISTEN " + sync::quoteIdent(e.channel()));
    auto r = e.push();
    CHECK(r.pushed == 1);
    CHECK(a.pendingChanges() == 0);
    std::vector<std::string> got;
    for (int i = 0; i < 100 && got.empty(); ++i) {
        got = listener.notifications();
        if (got.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(got.size() == 1);

    sync::SyncOptions tooLong = opt;
    tooLong.schema = std::string(64, 'x');
    sync::SyncEngine bad(a, tooLong);
    CHECK_THROWS_WITH_AS(bad.connect(), doctest::Contains("at most 63 bytes"), sync::PgError);
}

// ---- 5. connection strings that do not parse ----------------------------------------------------

TEST_CASE("a connection string that does not parse never shows its password") {
    struct Case {
        std::string conninfo, secret;
    };
    const Case cases[] = {
        {"postgresql://pv:p%zzsecretpw@localhost/db", "zzsecretpw"},   // invalid percent-encoded token
        {"host=localhost password=first secondsecret dbname=x", "secondsecret"},  // missing "=" after ...
        {"postgresql://pv:unclosedsecret@[::1/db", "unclosedsecret"},  // an unclosed [
        {"postgresql://pv:at@signsecret@localhost:1/db", "signsecret"},  // an unescaped @ in the password
        {"postgresql://pv:slash/secret@localhost:1/db", "secret"},      // an unescaped / in the password
    };
    for (const auto& c : cases) {
        CAPTURE(c.conninfo);
        std::string message;
        try {
            sync::PgConn conn(c.conninfo);
        } catch (const sync::PgError& e) {
            message = e.what();
        }
        CAPTURE(message);
        CHECK(!message.empty());
        CHECK(message.find(c.secret) == std::string::npos);
        CHECK(message.find("invalid connection") != std::string::npos);
        CHECK(sync::maskConninfo(c.conninfo).find(c.secret) == std::string::npos);
        try {
            sync::conninfoWithoutPassword(c.conninfo);
        } catch (const sync::PgError& e) {
            CHECK(std::string(e.what()).find(c.secret) == std::string::npos);
        }
    }
    // Through the command line too.
    TempDir dir;
    auto r = runCommand(promptvaultBinary() + " --vault " + shellQuote(dir.file("v.db")) + " sync --pg " +
                        shellQuote("postgresql://pv:p%zzsecretpw@localhost/db"));
    CHECK(r.exitCode == 1);
    CHECK(r.err.find("zzsecretpw") == std::string::npos);
    CHECK(r.out.find("zzsecretpw") == std::string::npos);
}

// ---- 6. a superuser's sync and code owned by the schema's owner ---------------------------------

TEST_CASE("a superuser's sync never runs code that the schema's owner can replace") {
    auto& pg = PgServer::shared();
    const std::string db = pg.createDatabase();
    auto ci = pg.conninfo(db);
    TempDir dir;
    Store a(dir.file("a.db"));
    auto p = a.createPrompt({.title = "p", .body = ""});
    syncVault(a, ci);
    // The owner (pv, no superuser) plants code that makes it superuser when a superuser runs it:
    // in the clock-merge helper the push calls, and in a trigger on a synced table.
    sync::PgConn owner(ci);
    const std::string escalate = "LANGUAGE plpgsql AS $f$ BEGIN IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN "
                                 "EXECUTE 'ALTER ROLE pv SUPERUSER'; END IF; ";
    owner.exec("CREATE OR REPLACE FUNCTION promptvault.pv_merge_clocks(cur jsonb, inc jsonb) RETURNS jsonb " + escalate +
               "RETURN cur || inc; END $f$");
    owner.exec("CREATE OR REPLACE FUNCTION promptvault.pv_any_newer(cur jsonb, inc jsonb) RETURNS boolean " + escalate +
               "RETURN true; END $f$");
    owner.exec("CREATE FUNCTION promptvault.planted() RETURNS trigger " + escalate + "RETURN NEW; END $f$");
    owner.exec("CREATE TRIGGER planted BEFORE INSERT OR UPDATE ON promptvault.prompts FOR EACH ROW EXECUTE FUNCTION promptvault.planted()");

    auto edit = *a.getPrompt(p.id);
    edit.title = "edited";
    a.updatePrompt(edit);
    std::string message;
    try {
        syncVault(a, pg.adminConninfo(db));  // a superuser syncs
    } catch (const sync::PgError& e) {
        message = e.what();
    }
    const std::string super = pg.adminQuery("postgres", "SELECT rolsuper FROM pg_roles WHERE rolname = 'pv'");
    pg.adminQuery("postgres", "ALTER ROLE pv NOSUPERUSER");  // whatever happened, leave the server as it was
    CHECK(super == "f");
    CHECK(message.find("is a superuser but PostgreSQL schema 'promptvault'") != std::string::npos);
    CHECK(message.find("Sync as 'pv'") != std::string::npos);
    CHECK(a.pendingChanges() == 1);  // nothing lost: the owner's sync pushes it
    owner.exec("DROP TRIGGER planted ON promptvault.prompts");
    syncVault(a, ci);
    CHECK(pg.adminQuery(db, "SELECT title FROM promptvault.prompts WHERE id = '" + p.id + "'") == "edited");
}

TEST_CASE("the push does not call functions that live in the sync schema") {
    auto& pg = PgServer::shared();
    const std::string db = pg.createDatabase();
    auto ci = pg.conninfo(db);
    TempDir dir;
    Store a(dir.file("a.db")), b(dir.file("b.db"));
    auto p = a.createPrompt({.title = "p", .body = ""});
    syncVault(a, ci);
    syncVault(b, ci);
    sync::PgConn owner(ci);
    for (const char* f : {"pv_merge_clocks(cur jsonb, inc jsonb) RETURNS jsonb", "pv_any_newer(cur jsonb, inc jsonb) RETURNS boolean",
                          "pv_only_device(clocks jsonb, dev text) RETURNS boolean"})
        owner.exec(std::string("CREATE OR REPLACE FUNCTION promptvault.") + f +
                   " LANGUAGE plpgsql AS $f$ BEGIN RAISE EXCEPTION 'planted code ran'; END $f$");
    auto edit = *a.getPrompt(p.id);
    edit.title = "edited on a";
    a.updatePrompt(edit);
    auto r = syncVault(a, ci);
    CHECK(r.push.setAside.empty());
    syncVault(b, ci);
    CHECK(b.getPrompt(p.id)->title == "edited on a");
}

// ---- 7. smaller ones ----------------------------------------------------------------------------

TEST_CASE("a refused first contact leaves the vault's schema as it was") {
    auto& pg = PgServer::shared();
    const std::string db = pg.createDatabase();
    TempDir dir;
    const std::string v = dir.file("v.db");
    auto schemaOf = [&] {
        Store s(v);
        return pv::StoreInternals::db(s).queryText("SELECT group_concat(type || ' ' || name, ', ') FROM (SELECT type, name FROM sqlite_schema ORDER BY name)");
    };
    const std::string before = schemaOf();
    auto r = runCommand(promptvaultBinary() + " --vault " + shellQuote(v) + " sync --pg " + shellQuote(pg.conninfo(db, "wrong-password")));
    CHECK(r.exitCode == 1);
    CHECK(schemaOf() == before);
}

TEST_CASE("sync options that are not numbers get a message naming the option") {
    TempDir dir;
    for (const char* args : {"--batch x", "--batch 0", "--batch 12abc", "--retry x", "--discard -1"}) {
        CAPTURE(args);
        auto r = runCommand(promptvaultBinary() + " --vault " + shellQuote(dir.file("v.db")) + " sync " + args);
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("stoi") == std::string::npos);
        CHECK(r.err.find(std::string(args).substr(0, std::string(args).find(' ')) + ": expected ") != std::string::npos);
    }
}

TEST_CASE("a refused change can be discarded: the vault takes the server's value and the change leaves the list") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    Store a(dir.file("a.db")), b(dir.file("b.db"));
    auto p = a.createPrompt({.title = "server title", .body = ""});
    syncVault(a, ci);
    // Refused: an edit stamped a day ahead of the server's clock, and a link to records that exist nowhere.
    pv::StoreInternals::db(a).exec("UPDATE pv_sync_state SET hlc_ms = hlc_ms + 86400000");
    auto edit = *a.getPrompt(p.id);
    edit.title = "title from the future";
    a.updatePrompt(edit);
    pv::StoreInternals::db(a).exec("PRAGMA foreign_keys = OFF");
    pv::StoreInternals::db(a).exec("INSERT INTO output_tags(output_id, tag_id) VALUES ('no-such-output', 'no-such-tag')");
    pv::StoreInternals::db(a).exec("PRAGMA foreign_keys = ON");
    auto r = syncVault(a, ci);
    REQUIRE(r.push.setAside.size() == 2);
    CHECK(exportOf(a) != serverExport(ci));

    SUBCASE("from the library, one by one") {
        auto listed = sync::listSetAside(a);
        REQUIRE(listed.size() == 2);
        CHECK(sync::discardSetAside(a, listed[0].seq) == 1);
        CHECK(sync::discardSetAside(a, listed[0].seq) == 0);
        CHECK(sync::listSetAside(a).size() == 1);
        CHECK(sync::discardSetAside(a) == 1);
    }
    SUBCASE("from the command line") {
        const std::string vault = a.path();
        auto bin = promptvaultBinary();
        auto list = runCommand(bin + " --vault " + shellQuote(vault) + " sync --list");
        CHECK(list.exitCode == 0);
        CHECK(list.out.find("2 refused change(s)") != std::string::npos);
        auto d = runCommand(bin + " --vault " + shellQuote(vault) + " sync --discard all");
        INFO(d.err);
        CHECK(d.exitCode == 0);
        CHECK(d.out.find("discarded 2 refused change(s)") != std::string::npos);
        CHECK(runCommand(bin + " --vault " + shellQuote(vault) + " sync --discard 1").exitCode == 1);  // nothing left to discard
    }
    CHECK(sync::listSetAside(a).empty());
    auto after = syncVault(a, ci);
    CHECK(after.pull.refetched == 2);
    CHECK(a.getPrompt(p.id)->title == "server title");
    CHECK(pv::StoreInternals::db(a).queryInt("SELECT count(*) FROM output_tags") == 0);
    converged({&a, &b}, ci);
}
