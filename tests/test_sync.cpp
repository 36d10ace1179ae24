// Sync engine against a real throwaway PostgreSQL: push/pull, convergence of several vaults,
// conflict rules, the CLI, clear errors.
#include "Migrations.hpp"
#include "OldVault.hpp"
#include "PgServer.hpp"
#include "Store.hpp"
#include "StoreInternals.hpp"
#include "SyncEngine.hpp"
#include "SyncTestUtil.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>

using namespace pv;
using namespace pv::test;

TEST_CASE("two vaults editing offline converge with each other and the server") {
    auto& pg = PgServer::shared();
    auto db = pg.createDatabase();
    auto ci = pg.conninfo(db);
    TempDir dir;
    Store a(dir.file("a.db")), b(dir.file("b.db"));

    auto pa = a.createPrompt({.title = "Summarise", .body = "Summarise this"});
    Output oa;
    oa.promptId = pa.id;
    oa.output = "raw\tanswer with \\ backslash\nand newline";
    oa.rating = 4;
    oa = a.createOutput(oa);
    auto ta = a.createTag({.name = "summary"});
    a.linkTag(Kind::Output, oa.id, ta.id);

    auto pb = b.createPrompt({.title = "Translate", .body = "Translate to French: 'élan' ✓"});
    auto mb = b.createModel({.name = "gpt-4o", .provider = "openai"});
    Output ob;
    ob.promptId = pb.id;
    ob.modelId = mb.id;
    ob.output = "Bonjour";
    ob = b.createOutput(ob);

    auto ra = syncVault(a, ci);
    CHECK(ra.push.pushed == pv::StoreInternals::db(a).queryInt("SELECT count(*) FROM pv_changes"));
    CHECK(ra.push.setAside.empty());
    auto rb = syncVault(b, ci);
    CHECK(rb.pull.rows == 4);  // A's prompt, output, tag, link
    syncVault(a, ci);
    CHECK(a.pendingChanges() == 0);
    CHECK(b.pendingChanges() == 0);

    auto ea = exportOf(a), eb = exportOf(b), es = serverExport(ci);
    CHECK(ea == eb);
    CHECK(ea == es);
    REQUIRE(b.getOutput(oa.id));
    CHECK(b.getOutput(oa.id)->output == oa.output);
    CHECK(b.getOutput(oa.id)->rating == 4);
    CHECK(b.tagsOf(Kind::Output, oa.id).size() == 1);
    CHECK(a.getPrompt(pb.id)->body == "Translate to French: 'élan' ✓");

    // Pulled rows are not captured again: nothing new waits to be pushed on either side.
    CHECK(pv::StoreInternals::db(b).queryInt("SELECT count(*) FROM pv_changes WHERE device_id <> '" + b.deviceId() + "'") == 0);

    // Edits after the first sync flow too, and a second sync with nothing to do changes nothing.
    auto got = b.getOutput(oa.id);
    got->outputEdited = "edited on B";
    b.updateOutput(*got);
    syncVault(b, ci);
    syncVault(a, ci);
    CHECK(a.getOutput(oa.id)->outputEdited == std::optional<std::string>("edited on B"));
    auto again = syncVault(a, ci);
    CHECK(again.push.pushed == 0);
    CHECK(exportOf(a) == exportOf(b));
    CHECK(exportOf(a) == exportOf(b));
    CHECK(exportOf(a) == serverExport(ci));
}

TEST_CASE("a lookup for both outputs and prompts, its value and both links reach the server and the other vault") {
    auto& pg = PgServer::shared();
    auto db = pg.createDatabase();
    auto ci = pg.conninfo(db);
    TempDir dir;
    Store a(dir.file("a.db")), b(dir.file("b.db"));
    auto audience = a.createLookup({.name = "Audience", .appliesTo = "both"});
    auto students = a.createLookupValue({.lookupId = audience.id, .value = "students"});
    auto p = a.createPrompt({.title = "For the class"});
    auto o = a.createOutput({.promptId = p.id, .output = "simply put"});
    a.linkLookupValue(Kind::Prompt, p.id, students.id);
    a.linkLookupValue(Kind::Output, o.id, students.id);
    auto ra = syncVault(a, ci);
    CHECK(ra.push.setAside.empty());
    syncVault(b, ci);
    REQUIRE(b.getLookup(audience.id));
    CHECK(b.getLookup(audience.id)->appliesTo == "both");
    CHECK(b.lookupValuesOf(Kind::Prompt, p.id).size() == 1);
    CHECK(b.lookupValuesOf(Kind::Output, o.id).size() == 1);
    CHECK(exportOf(a) == serverExport(ci));
    CHECK(exportOf(b) == serverExport(ci));
}

TEST_CASE("three vaults syncing in different orders end byte-identical") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    Store v1(dir.file("1.db")), v2(dir.file("2.db")), v3(dir.file("3.db"));
    Store* vs[] = {&v1, &v2, &v3};
    for (int i = 0; i < 3; ++i) {
        auto p = vs[i]->createPrompt({.title = "P" + std::to_string(i), .body = "body"});
        auto t = vs[i]->findOrCreateTag("shared-name");
        Output o;
        o.promptId = p.id;
        o.output = "out " + std::to_string(i);
        o = vs[i]->createOutput(o);
        vs[i]->linkTag(Kind::Output, o.id, t.id);
    }
    syncVault(v2, ci);
    syncVault(v3, ci);
    syncVault(v1, ci);
    // Second round, different order, with edits in between.
    auto rows = v1.listOutputs({});
    REQUIRE(rows.rows.size() >= 2);
    auto o = *v1.getOutput(rows.rows[0].id);
    o.notes = "note from v1";
    v1.updateOutput(o);
    syncVault(v1, ci);
    syncVault(v3, ci);
    syncVault(v2, ci);
    syncVault(v1, ci);
    syncVault(v3, ci);
    auto e1 = exportOf(v1);
    CHECK(e1 == exportOf(v2));
    CHECK(e1 == exportOf(v3));
    CHECK(e1 == serverExport(ci));
    CHECK(v3.counts()["outputs"] == 3);
}

TEST_CASE("CLI sync prints what it did, saves the connection without the password") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    auto va = dir.file("a.db"), vb = dir.file("b.db");
    auto bin = promptvaultBinary();
    auto add = runCommand(bin + " --vault " + shellQuote(va) + " add output --prompt 'Explain CRDTs' --tag x --text 'A CRDT is'");
    REQUIRE(add.exitCode == 0);
    auto r = runCommand(bin + " --vault " + shellQuote(va) + " sync --pg " + shellQuote(ci) + " --save");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.out.find("pushed ") != std::string::npos);
    CHECK(r.out.find("saved the connection") != std::string::npos);
    CHECK(r.out.find(PgServer::kPassword) == std::string::npos);
    CHECK(r.err.find(PgServer::kPassword) == std::string::npos);
    {
        Store s(va);
        auto saved = s.setting(sync::kConninfoSetting);
        REQUIRE(saved);
        CHECK(saved->find(PgServer::kPassword) == std::string::npos);
        CHECK(saved->find("port=") != std::string::npos);
        CHECK(s.pendingChanges() == 0);
    }
    runCommand(bin + " --vault " + shellQuote(vb) + " stats");
    auto rb = runCommand(bin + " --vault " + shellQuote(vb) + " sync --pg " + shellQuote(ci));
    REQUIRE(rb.exitCode == 0);
    CHECK(rb.out.find("pulled 4 row(s)") != std::string::npos);  // prompt, output, tag, link
    CHECK(readFileOrExport(va) == readFileOrExport(vb));
    // With the saved connection and the password from PGPASSWORD, a bare `sync` works.
    auto again = runCommand("PGPASSWORD=" + std::string(PgServer::kPassword) + " " + bin + " --vault " + shellQuote(va) + " sync");
    INFO(again.err);
    CHECK(again.exitCode == 0);
}

namespace {
struct VaultSnapshot {
    std::string exported;
    int64_t pending, total;
};
VaultSnapshot snapshotOf(const std::string& path) {
    Store s(path);
    return {exportOf(s), s.pendingChanges(), pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM pv_changes")};
}
} // namespace

TEST_CASE("wrong password, unreachable host, newer server schema: clear error, vault untouched") {
    auto& pg = PgServer::shared();
    auto db = pg.createDatabase();
    TempDir dir;
    auto v = dir.file("v.db");
    auto bin = promptvaultBinary();
    REQUIRE(runCommand(bin + " --vault " + shellQuote(v) + " add output --prompt 'p' --text 'kept'").exitCode == 0);
    auto before = snapshotOf(v);
    REQUIRE(before.pending > 0);

    SUBCASE("wrong password") {
        auto r = runCommand(bin + " --vault " + shellQuote(v) + " sync --pg " + shellQuote(pg.conninfo(db, "not-the-password")));
        CHECK(r.exitCode == 1);
        CHECK(r.err.find("password authentication failed") != std::string::npos);
        CHECK(r.err.find("not-the-password") == std::string::npos);
        CHECK(r.out.find("not-the-password") == std::string::npos);
    }
    SUBCASE("unreachable host") {
        auto r = runCommand(bin + " --vault " + shellQuote(v) + " sync --pg 'host=127.0.0.1 port=1 dbname=x user=pv password=hunter2 connect_timeout=2'");
        CHECK(r.exitCode == 1);
        CHECK(r.err.find("cannot connect to PostgreSQL") != std::string::npos);
        CHECK(r.err.find("hunter2") == std::string::npos);
    }
    SUBCASE("server schema at a newer version") {
        // First contact creates the schema; then a newer build "migrates" it.
        TempDir other;
        Store o(other.file("o.db"));
        syncVault(o, pg.conninfo(db));
        pg.adminQuery(db, "UPDATE promptvault.schema_version SET version = 99");
        auto r = runCommand(bin + " --vault " + shellQuote(v) + " sync --pg " + shellQuote(pg.conninfo(db)));
        CHECK(r.exitCode == 1);
        CHECK(r.err.find("version 99, newer than this build") != std::string::npos);
        CHECK(pg.adminQuery(db, "SELECT count(*) FROM promptvault.outputs") == "0");
    }
    SUBCASE("a malformed connection string") {
        auto r = runCommand(bin + " --vault " + shellQuote(v) + " sync --pg 'host=x password=zzsecret bogus_option=1'");
        CHECK(r.exitCode == 1);
        CHECK(r.err.find("invalid connection string") != std::string::npos);
        CHECK(r.err.find("zzsecret") == std::string::npos);
    }
    auto after = snapshotOf(v);
    CHECK(after.exported == before.exported);
    CHECK(after.pending == before.pending);
    CHECK(after.total == before.total);
    // Still usable.
    CHECK(runCommand(bin + " --vault " + shellQuote(v) + " add output --prompt 'p2' --text 'more'").exitCode == 0);
}

TEST_CASE("a change the server refuses is set aside and does not block the changes after it") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    Store a(dir.file("a.db")), b(dir.file("b.db"));
    auto p1 = a.createPrompt({.title = "before", .body = ""});
    // A sqlite3-shell style write with foreign keys off: a tag link to records that exist nowhere.
    pv::StoreInternals::db(a).exec("PRAGMA foreign_keys = OFF");
    pv::StoreInternals::db(a).exec("INSERT INTO output_tags(output_id, tag_id) VALUES ('no-such-output', 'no-such-tag')");
    pv::StoreInternals::db(a).exec("PRAGMA foreign_keys = ON");
    auto p2 = a.createPrompt({.title = "after", .body = ""});
    auto r = syncVault(a, ci, 2);  // small batches: the refusal sits mid-queue
    REQUIRE(r.push.setAside.size() == 1);
    CHECK(r.push.setAside[0].table == "output_tags");
    CHECK(r.push.setAside[0].error.find("foreign key") != std::string::npos);
    CHECK(r.push.pushed == 2);
    CHECK(a.pendingChanges() == 0);
    CHECK(pv::StoreInternals::db(a).queryInt("SELECT count(*) FROM pv_changes WHERE status = 'set_aside' AND error LIKE '%foreign key%'") == 1);
    syncVault(b, ci);
    CHECK(b.getPrompt(p1.id));
    CHECK(b.getPrompt(p2.id));
    CHECK(pv::StoreInternals::db(b).queryInt("SELECT count(*) FROM output_tags") == 0);
}

TEST_CASE("a change stamped far ahead of the server's clock is refused") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    Store a(dir.file("a.db"));
    auto ok = a.createPrompt({.title = "normal", .body = ""});
    // This laptop's clock jumps a day ahead.
    pv::StoreInternals::db(a).exec("UPDATE pv_sync_state SET hlc_ms = hlc_ms + 86400000");
    auto bad = a.createPrompt({.title = "from the future", .body = ""});
    auto r = syncVault(a, ci);
    REQUIRE(r.push.setAside.size() == 1);
    CHECK(r.push.setAside[0].rowKey == bad.id);
    CHECK(r.push.setAside[0].error.find("ahead of the server") != std::string::npos);
    CHECK(pg.adminQuery(pg.adminConninfo().empty() ? "" : "postgres", "SELECT 1") == "1");
    auto es = serverExport(ci);
    CHECK(es.find(ok.id) != std::string::npos);
    CHECK(es.find(bad.id) == std::string::npos);
}

TEST_CASE("an insert pushes the row's values: edits before the push, and inserts logged by an older schema") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    auto path = dir.file("a.db");
    {
        // Version 4 copied an insert's values into its change entry; such entries may be pending.
        sql::Db db(path);
        makeVersion4(db);
        db.exec("INSERT INTO prompts(id, title, body) VALUES ('p-v4', 'logged by version 4', 'with \"quotes\" and\ttabs')");
    }
    Store a(path), b(dir.file("b.db"));
    REQUIRE(a.schemaVersion() == kSchemaVersion);
    Output o;
    o.promptId = "p-v4";
    o.output = "first draft";
    o = a.createOutput(o);
    o.output = "second draft";
    o.rating = 2;
    a.updateOutput(o);
    auto t = a.createTag({.name = "inserted then renamed"});
    t.name = "renamed before any push";
    a.updateTag(t);
    a.linkTag(Kind::Output, o.id, t.id);

    auto r = syncVault(a, ci, 1);  // one change per batch: an insert goes up before its later edit
    CHECK(r.push.setAside.empty());
    syncVault(b, ci);
    auto got = b.getOutput(o.id);
    REQUIRE(got);
    CHECK(got->output == "second draft");
    CHECK(got->rating == 2);
    CHECK(b.getPrompt("p-v4")->body == "with \"quotes\" and\ttabs");
    CHECK(b.getTag(t.id)->name == "renamed before any push");
    CHECK(exportOf(a) == exportOf(b));
    CHECK(serverExport(ci) == exportOf(a));
}

TEST_CASE("an engine pulling again while the server's xmin is held back: reads each change once, keeps a waiting local edit, search index intact") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    Store a(dir.file("a.db")), b(dir.file("b.db"));
    auto p = a.createPrompt({.title = "Plan", .body = "Plan the week"});
    Output o;
    o.promptId = p.id;
    o.output = "apples and pears";
    o = a.createOutput(o);
    syncVault(a, ci);
    syncVault(b, ci);
    auto ftsOk = [](Store& s) {
        pv::StoreInternals::db(s).exec("INSERT INTO outputs_fts(outputs_fts) VALUES ('integrity-check')");
        pv::StoreInternals::db(s).exec("INSERT INTO prompts_fts(prompts_fts) VALUES ('integrity-check')");
        return true;
    };
    auto matches = [](Store& s, const std::string& word) {
        return pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM outputs_fts WHERE outputs_fts MATCH '" + word + "'");
    };

    // A transaction left open keeps every later pull's cursor (the snapshot's xmin) behind it.
    sync::PgConn holder(ci);
    holder.exec("BEGIN");
    holder.exec("SELECT pg_current_xact_id()");
    sync::SyncOptions opt;
    opt.conninfo = ci;
    sync::SyncEngine eb(b, opt);
    eb.connect();

    auto x = *a.getOutput(o.id);
    x.rating = 3;
    a.updateOutput(x);  // the text is unchanged: the search index keeps the row as it was
    CHECK(ftsOk(a));
    syncVault(a, ci);
    auto r1 = eb.pull();
    CHECK(r1.rows == 1);
    CHECK(b.getOutput(o.id)->rating == 3);
    // Behind the cursor still, but applied by this engine already: not read again.
    CHECK(eb.pull().rows == 0);

    // A changes the text and the notes; then B edits the notes (newer) and does not push yet.
    x = *a.getOutput(o.id);
    x.output = "cherries and plums";
    x.notes = "from A";
    a.updateOutput(x);
    CHECK(matches(a, "cherries") == 1);
    CHECK(matches(a, "apples") == 0);
    CHECK(ftsOk(a));
    syncVault(a, ci);
    auto y = *b.getOutput(o.id);
    y.notes = "from B";
    b.updateOutput(y);
    auto r2 = eb.pull();
    CHECK(r2.rows == 1);
    CHECK(r2.protectedCols >= 1);  // notes (and updated_at)
    CHECK(b.getOutput(o.id)->notes == "from B");           // the waiting local edit stays
    CHECK(b.getOutput(o.id)->output == "cherries and plums");  // the rest is taken
    CHECK(matches(b, "cherries") == 1);
    CHECK(matches(b, "apples") == 0);
    CHECK(ftsOk(b));
    CHECK(eb.pull().rows == 0);

    eb.push();
    eb.pull();
    holder.exec("COMMIT");
    syncVault(a, ci);
    syncVault(b, ci);
    CHECK(a.getOutput(o.id)->notes == "from B");
    CHECK(exportOf(a) == exportOf(b));
    CHECK(exportOf(a) == serverExport(ci));
    CHECK(ftsOk(b));
}

TEST_CASE("outputs.language reaches the server and the other vault, and a later edit of it wins there") {
    auto& pg = PgServer::shared();
    auto db = pg.createDatabase();
    auto ci = pg.conninfo(db);
    TempDir dir;
    Store a(dir.file("a.db")), b(dir.file("b.db"));
    auto o = a.createOutput({.output = "Bonjour à tous", .language = "fr"});
    CHECK(syncVault(a, ci).push.setAside.empty());
    syncVault(b, ci);
    REQUIRE(b.getOutput(o.id));
    CHECK(b.getOutput(o.id)->language == "fr");
    auto edit = *b.getOutput(o.id);
    edit.language = "fr-ca";
    b.updateOutput(edit);
    syncVault(b, ci);
    syncVault(a, ci);
    CHECK(a.getOutput(o.id)->language == "fr-ca");
    CHECK(exportOf(a) == serverExport(ci));
    CHECK(exportOf(b) == serverExport(ci));
}
