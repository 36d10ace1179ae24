// The server schema's frozen steps: a schema made at each older version (by the literal SQL of
// that version) and migrated by today's build equals one made new from today's descriptions.
// Against a real throwaway PostgreSQL.
#include "PgServer.hpp"
#include "Pg.hpp"
#include "SyncEngine.hpp"
#include "SyncTestUtil.hpp"
#include "TestUtil.hpp"

#include <chrono>
#include <thread>

#include <doctest/doctest.h>

using namespace pv;
using namespace pv::test;

TEST_CASE("a server schema made at any older version migrates to one equal to a new one") {
    auto& pg = PgServer::shared();
    const std::string freshDb = pg.createDatabase();
    {
        sync::PgConn conn(pg.conninfo(freshDb));
        sync::ensureServerSchema(conn, "promptvault");
    }
    const std::string fresh = serverSchemaSignature(pg, freshDb);
    REQUIRE(fresh.find("schema_version " + std::to_string(sync::kServerSchemaVersion)) != std::string::npos);
    REQUIRE(fresh.find("column outputs.output_edited") != std::string::npos);

    for (int from = 1; from < sync::kServerSchemaVersion; ++from) {
        CAPTURE(from);
        const std::string db = pg.createDatabase();
        sync::PgConn conn(pg.conninfo(db));
        const std::string serverId = sync::ensureServerSchema(conn, "promptvault", from);
        const std::string old = serverSchemaSignature(pg, db);
        CHECK(old.find("schema_version " + std::to_string(from)) != std::string::npos);
        CHECK(old != fresh);
        if (from == 1) CHECK(old.find("function promptvault.pv_merge_clocks(jsonb,jsonb)") != std::string::npos);
        // The next contact migrates it, keeping the server's identity.
        CHECK(sync::ensureServerSchema(conn, "promptvault") == serverId);
        CHECK(serverSchemaSignature(pg, db) == fresh);
    }
}

// Server step 4 compacts the clocks of a server filled at version 3 (every column its own clock,
// as those builds wrote them) in place, and the per-column rules still hold on the compacted rows.
TEST_CASE("a server filled at version 3 has its clocks compacted in place and keeps last-writer-wins per column") {
    auto& pg = PgServer::shared();
    const std::string db = pg.createDatabase();
    const std::string ci = pg.conninfo(db);
    TempDir dir;
    Store a(dir.file("a.db")), b(dir.file("b.db"));
    auto p = a.createPrompt({.title = "Summarise", .body = "Summarise this"});
    Output o;
    o.promptId = p.id;
    o.output = "answer";
    o.notes = "first";
    o = a.createOutput(o);
    syncVault(a, ci);
    syncVault(b, ci);

    // B edits the notes offline, then A edits them later and pushes: A's edit is the newer one.
    auto ob = *b.getOutput(o.id);
    ob.notes = "older edit on B";
    b.updateOutput(ob);
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    auto oa = *a.getOutput(o.id);
    oa.notes = "newer edit on A";
    oa.rating = 5;
    a.updateOutput(oa);
    syncVault(a, ci);

    // The server as a version-3 build leaves it: every column named with its own clock, and none
    // of the columns later steps add (outputs.language, server step 5).
    sync::PgConn conn(ci);
    for (const auto& t : syncedTables()) {
        std::string cols;
        for (const auto& c : t.columns) {
            if (c.addedIn) {
                conn.exec("ALTER TABLE promptvault." + t.name + " DROP COLUMN " + c.name);
                continue;
            }
            cols += std::string(cols.empty() ? "" : ",") + "'" + c.name + "'";
        }
        conn.exec("UPDATE promptvault." + t.name + " SET _clocks = (SELECT jsonb_object_agg(c, COALESCE(_clocks->>c, _clocks->>'*')) FROM unnest(ARRAY[" +
                  cols + "]) c)");
    }
    conn.exec("UPDATE promptvault.schema_version SET version = 3");
    const int64_t fullBytes = conn.exec("SELECT sum(pg_column_size(_clocks)) FROM promptvault.outputs").integer(0, 0);
    CHECK(conn.exec("SELECT count(*) FROM promptvault.outputs WHERE _clocks ? '*'").integer(0, 0) == 0);
    const std::string xidsBefore = conn.exec("SELECT string_agg(_xid::text, ',' ORDER BY id) FROM promptvault.outputs").text(0, 0);

    // B's next sync migrates the server: one "*" clock, the columns A edited named apart.
    auto rb = syncVault(b, ci);
    CHECK(rb.push.setAside.empty());
    CHECK(conn.exec("SELECT version FROM promptvault.schema_version").integer(0, 0) == sync::kServerSchemaVersion);
    auto clocks = conn.exec("SELECT _clocks ? '*', _clocks ? 'notes', _clocks ? 'rating', _clocks ? 'output' FROM promptvault.outputs WHERE id = $1", {o.id});
    CHECK(clocks.text(0, 0) == "t");
    CHECK(clocks.text(0, 1) == "t");
    CHECK(clocks.text(0, 2) == "t");
    CHECK(clocks.text(0, 3) == "f");
    CHECK(conn.exec("SELECT sum(pg_column_size(_clocks)) FROM promptvault.outputs").integer(0, 0) < fullBytes / 2);
    // B's older edit of the notes lost to A's on the migrated row; the rows were not rewritten
    // for the pull (their transactions stay).
    CHECK(b.getOutput(o.id)->notes == "newer edit on A");
    CHECK(b.getOutput(o.id)->rating == 5);
    CHECK(conn.exec("SELECT string_agg(_xid::text, ',' ORDER BY id) FROM promptvault.outputs").text(0, 0) == xidsBefore);
    syncVault(a, ci);
    CHECK(exportOf(a) == exportOf(b));
    CHECK(exportOf(a) == serverExport(ci));

    // A newer edit of another column of the compacted row still wins, and the notes stay.
    auto ob2 = *b.getOutput(o.id);
    ob2.output = "answer, edited on B after the migration";
    b.updateOutput(ob2);
    syncVault(b, ci);
    syncVault(a, ci);
    CHECK(a.getOutput(o.id)->output == "answer, edited on B after the migration");
    CHECK(a.getOutput(o.id)->notes == "newer edit on A");
    CHECK(exportOf(a) == serverExport(ci));
}
