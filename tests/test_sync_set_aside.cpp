// Set-aside changes: listed with the server's reason, and retried once the cause is fixed.
#include "PgServer.hpp"
#include "SetAside.hpp"
#include "SyncTestUtil.hpp"
#include "TestUtil.hpp"
#include "StoreInternals.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace pv;
using namespace pv::test;

namespace {
int64_t countOf(Store& s, const std::string& status) {
    auto& q = pv::StoreInternals::db(s).cached("SELECT count(*) FROM pv_changes WHERE status = ?");
    sql::StmtUse use(q);
    q.bind(1, status);
    q.step();
    return q.getInt(0);
}

// A tag link written with foreign keys off (as any sqlite3-shell user can): its output and tag
// exist nowhere yet, so the server refuses it.
void writeOrphanLink(Store& s) {
    pv::StoreInternals::db(s).exec("PRAGMA foreign_keys = OFF");
    pv::StoreInternals::db(s).exec("INSERT INTO output_tags(output_id, tag_id) VALUES ('out-later', 'tag-later')");
    pv::StoreInternals::db(s).exec("PRAGMA foreign_keys = ON");
}
} // namespace

TEST_CASE("a set-aside change is listed with its reason and pushes once retried after the fix") {
    auto& pg = PgServer::shared();
    const std::string db = pg.createDatabase();
    auto ci = pg.conninfo(db);
    TempDir dir;
    Store a(dir.file("a.db"));
    CHECK(sync::listSetAside(a).empty());
    CHECK(sync::retrySetAside(a) == 0);

    writeOrphanLink(a);
    auto first = syncVault(a, ci);
    REQUIRE(first.push.setAside.size() == 1);

    auto listed = sync::listSetAside(a);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].table == "output_tags");
    CHECK(listed[0].rowKey == "out-later|tag-later");
    CHECK(listed[0].op == "insert");
    CHECK(listed[0].columns == "output_id, tag_id");
    // Set aside, the entry keeps the values this device wrote (a pull may change the row before
    // the retry; the entry no longer protects it).
    auto frozen = nlohmann::json::parse(pv::StoreInternals::db(a).queryText("SELECT cols FROM pv_changes WHERE seq = " + std::to_string(listed[0].seq)));
    REQUIRE(frozen.is_object());
    CHECK(frozen["output_id"] == "out-later");
    CHECK(frozen["tag_id"] == "tag-later");
    CHECK(frozen["deleted_at"].is_null());
    CHECK(listed[0].error.find("foreign key") != std::string::npos);
    const std::string originalClock = listed[0].hlc;

    SUBCASE("retried before the fix: refused again, still listed, nothing else blocked") {
        CHECK(sync::retrySetAside(a, listed[0].seq) == 1);
        CHECK(a.pendingChanges() == 1);
        auto again = syncVault(a, ci);
        CHECK(again.push.setAside.size() == 1);
        auto still = sync::listSetAside(a);
        REQUIRE(still.size() == 1);
        CHECK(still[0].seq > listed[0].seq);
        CHECK(still[0].hlc == originalClock);
        CHECK(a.pendingChanges() == 0);
    }
    SUBCASE("retried after the records it needs exist: it reaches the server") {
        pv::StoreInternals::db(a).exec("INSERT INTO tags(id, name) VALUES ('tag-later', 'later')");
        pv::StoreInternals::db(a).exec("INSERT INTO outputs(id, output) VALUES ('out-later', 'the output the link needed')");
        syncVault(a, ci);
        CHECK(pg.adminQuery(db, "SELECT count(*) FROM promptvault.output_tags") == "0");
        CHECK(sync::retrySetAside(a) == 1);
        CHECK(sync::listSetAside(a).empty());
        auto r = syncVault(a, ci);
        CHECK(r.push.setAside.empty());
        CHECK(countOf(a, "set_aside") == 0);
        CHECK(pg.adminQuery(db, "SELECT output_id || '|' || tag_id FROM promptvault.output_tags") == "out-later|tag-later");
        // The retired entry says where its retry went.
        CHECK(pv::StoreInternals::db(a).queryInt("SELECT count(*) FROM pv_changes WHERE error LIKE 'retried as change %'") == 1);

        // And another device gets the link.
        Store b(dir.file("b.db"));
        syncVault(b, ci);
        CHECK(pv::StoreInternals::db(b).queryInt("SELECT count(*) FROM output_tags WHERE output_id = 'out-later' AND tag_id = 'tag-later'") == 1);
    }
}

TEST_CASE("retrying one set-aside change leaves the others set aside") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    Store a(dir.file("a.db"));
    pv::StoreInternals::db(a).exec("PRAGMA foreign_keys = OFF");
    pv::StoreInternals::db(a).exec("INSERT INTO output_tags(output_id, tag_id) VALUES ('o1', 't1'), ('o2', 't2')");
    pv::StoreInternals::db(a).exec("PRAGMA foreign_keys = ON");
    syncVault(a, ci);
    auto listed = sync::listSetAside(a);
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].seq < listed[1].seq);
    CHECK(sync::retrySetAside(a, listed[1].seq) == 1);
    CHECK(sync::retrySetAside(a, listed[1].seq) == 0);  // already requeued
    auto left = sync::listSetAside(a);
    REQUIRE(left.size() == 1);
    CHECK(left[0].seq == listed[0].seq);
    CHECK(a.pendingChanges() == 1);
}
