// The conflict rules of README "Sync": per-column last writer wins by HLC then device id; delete is
// the deleted_at column; links are rows keyed by their two ids. Real PostgreSQL.
#include "PgServer.hpp"
#include "Store.hpp"
#include "StoreInternals.hpp"
#include "SyncEngine.hpp"
#include "SyncTestUtil.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace pv;
using namespace pv::test;

namespace {

// Edits a few ms apart get distinct hybrid-clock times, so "later" is well defined.
void tick() { std::this_thread::sleep_for(std::chrono::milliseconds(3)); }

struct Pair {
    PgServer& pg = PgServer::shared();
    std::string ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    Store a{dir.file("a.db")}, b{dir.file("b.db")};

    // An output (with a prompt and a tag) known to both vaults.
    std::string shared(std::string* tagId = nullptr) {
        auto p = a.createPrompt({.title = "shared", .body = "body"});
        Output o;
        o.promptId = p.id;
        o.output = "text";
        o.notes = "original";
        o = a.createOutput(o);
        auto t = a.createTag({.name = "t"});
        a.linkTag(Kind::Output, o.id, t.id);
        if (tagId) *tagId = t.id;
        syncVault(a, ci);
        syncVault(b, ci);
        return o.id;
    }
    void converge() {
        syncVault(a, ci);
        syncVault(b, ci);
        syncVault(a, ci);
        CHECK(a.pendingChanges() == 0);
        CHECK(b.pendingChanges() == 0);
        auto ea = exportOf(a);
        CHECK(ea == exportOf(b));
        CHECK(ea == serverExport(ci));
    }
    void edit(Store& s, const std::string& id, auto fn) {
        auto o = *s.getOutput(id);
        fn(o);
        s.updateOutput(o);
    }
};

} // namespace

TEST_CASE("same field edited on two laptops: the later edit wins everywhere, whatever the push order") {
    for (bool laterPushesFirst : {false, true}) {
        CAPTURE(laterPushesFirst);
        Pair t;
        auto id = t.shared();
        t.edit(t.a, id, [](Output& o) { o.notes = "from A (earlier)"; });
        tick();
        t.edit(t.b, id, [](Output& o) { o.notes = "from B (later)"; });
        if (laterPushesFirst) syncVault(t.b, t.ci);
        t.converge();
        CHECK(t.a.getOutput(id)->notes == "from B (later)");
    }
}

TEST_CASE("same field, same millisecond: the device id breaks the tie identically everywhere") {
    Pair t;
    auto id = t.shared();
    t.edit(t.a, id, [](Output& o) { o.notes = "A"; });
    t.edit(t.b, id, [](Output& o) { o.notes = "B"; });
    // Force an exact clock tie on both pending changes.
    auto ha = pv::StoreInternals::db(t.a).queryText("SELECT max(hlc) FROM pv_changes WHERE status = 'pending'");
    auto hb = pv::StoreInternals::db(t.b).queryText("SELECT max(hlc) FROM pv_changes WHERE status = 'pending'");
    auto tie = std::max(ha, hb);
    pv::StoreInternals::db(t.a).exec("UPDATE pv_changes SET hlc = '" + tie + "' WHERE status = 'pending'");
    pv::StoreInternals::db(t.b).exec("UPDATE pv_changes SET hlc = '" + tie + "' WHERE status = 'pending'");
    t.converge();
    std::string winner = t.a.deviceId() > t.b.deviceId() ? "A" : "B";
    CHECK(t.a.getOutput(id)->notes == winner);
}

TEST_CASE("different fields of one row edited on two laptops: both edits survive") {
    Pair t;
    auto id = t.shared();
    t.edit(t.a, id, [](Output& o) { o.notes = "notes from A"; });
    tick();
    t.edit(t.b, id, [](Output& o) {
        o.rating = 5;
        o.outputEdited = "edited on B";
    });
    t.converge();
    auto o = *t.b.getOutput(id);
    CHECK(o.notes == "notes from A");
    CHECK(o.rating == 5);
    CHECK(o.outputEdited == std::optional<std::string>("edited on B"));
}

TEST_CASE("delete versus concurrent edit: the row stays deleted, the edit is kept inside it") {
    Pair t;
    auto id = t.shared();
    t.a.softDelete({Kind::Output, id});
    tick();
    t.edit(t.b, id, [](Output& o) { o.notes = "edited while A deleted it"; });
    t.converge();
    auto o = *t.a.getOutput(id);
    CHECK(o.deleted());
    CHECK(o.notes == "edited while A deleted it");
    // Restoring (re-creation of the record) is a newer write of deleted_at: it wins and syncs.
    tick();
    t.b.restore({Kind::Output, id});
    t.converge();
    CHECK(!t.a.getOutput(id)->deleted());
    CHECK(t.a.getOutput(id)->notes == "edited while A deleted it");
}

TEST_CASE("a restore on one laptop versus a later delete on the other: the later one wins") {
    // Both start from the same deleted row; neither has seen the other's write when it syncs.
    Pair t;
    auto id = t.shared();
    t.a.softDelete({Kind::Output, id});
    t.converge();
    REQUIRE(t.b.getOutput(id)->deleted());

    SUBCASE("A restores, B deletes later: deleted on both") {
        t.a.restore({Kind::Output, id});
        tick();
        // B's row is deleted already: B restores it and deletes it again, both after A's restore,
        // so B's last write of deleted_at is a real delete and the later one.
        t.b.restore({Kind::Output, id});
        tick();
        t.b.softDelete({Kind::Output, id});
        REQUIRE(t.b.getOutput(id)->deleted());
        REQUIRE(!t.a.getOutput(id)->deleted());
        t.converge();
        CHECK(t.a.getOutput(id)->deleted());
        CHECK(t.b.getOutput(id)->deleted());
    }
    SUBCASE("B deletes, A restores later: restored on both") {
        t.b.restore({Kind::Output, id});
        tick();
        t.b.softDelete({Kind::Output, id});
        tick();
        t.a.restore({Kind::Output, id});
        t.converge();
        CHECK(!t.a.getOutput(id)->deleted());
        CHECK(!t.b.getOutput(id)->deleted());
    }
}

TEST_CASE("link versus unlink of a tag: the later write of the link row wins") {
    SUBCASE("unlink then a later relink: linked") {
        Pair t;
        std::string tag;
        auto id = t.shared(&tag);
        t.a.unlinkTag(Kind::Output, id, tag);
        tick();
        t.b.unlinkTag(Kind::Output, id, tag);
        tick();
        t.b.linkTag(Kind::Output, id, tag);
        t.converge();
        CHECK(t.a.tagsOf(Kind::Output, id).size() == 1);
    }
    SUBCASE("relink then a later unlink: unlinked") {
        Pair t;
        std::string tag;
        auto id = t.shared(&tag);
        t.b.unlinkTag(Kind::Output, id, tag);
        tick();
        t.b.linkTag(Kind::Output, id, tag);
        tick();
        t.a.unlinkTag(Kind::Output, id, tag);
        t.converge();
        CHECK(t.b.tagsOf(Kind::Output, id).empty());
    }
}

TEST_CASE("the same link made on two laptops is one row") {
    Pair t;
    auto id = t.shared();
    auto tag = t.a.createTag({.name = "both"});
    syncVault(t.a, t.ci);
    syncVault(t.b, t.ci);
    t.a.linkTag(Kind::Output, id, tag.id);
    tick();
    t.b.linkTag(Kind::Output, id, tag.id);
    t.converge();
    CHECK(pv::StoreInternals::db(t.a).queryInt("SELECT count(*) FROM output_tags WHERE tag_id = '" + tag.id + "'") == 1);
    CHECK(t.b.tagsOf(Kind::Output, id).size() == 2);
}

TEST_CASE("a link made to an output deleted offline elsewhere: kept, and back with the output on restore") {
    Pair t;
    auto id = t.shared();
    auto tag = t.a.createTag({.name = "late"});
    t.converge();
    t.a.softDelete({Kind::Output, id});
    tick();
    t.b.linkTag(Kind::Output, id, tag.id);
    t.converge();
    CHECK(t.a.getOutput(id)->deleted());
    CHECK(pv::StoreInternals::db(t.a).queryInt("SELECT count(*) FROM output_tags WHERE deleted_at IS NULL AND tag_id = '" + tag.id + "'") == 1);
    t.a.restore({Kind::Output, id});
    t.converge();
    CHECK(t.b.tagsOf(Kind::Output, id).size() == 2);
}

TEST_CASE("a pulled change never overwrites a newer local edit still waiting to be pushed") {
    Pair t;
    auto id = t.shared();
    t.edit(t.b, id, [](Output& o) { o.notes = "older, from B"; });
    syncVault(t.b, t.ci);
    tick();
    t.edit(t.a, id, [](Output& o) { o.notes = "newer, pending on A"; });
    sync::SyncOptions opt;
    opt.conninfo = t.ci;
    sync::SyncEngine e(t.a, opt);
    auto pulled = e.pull();  // pull only: A's edit is still pending
    CHECK(pulled.rows >= 1);
    CHECK(pulled.protectedCols >= 1);
    CHECK(t.a.getOutput(id)->notes == "newer, pending on A");
    CHECK(t.a.pendingChanges() == 1);
    t.converge();
    CHECK(t.b.getOutput(id)->notes == "newer, pending on A");
}

TEST_CASE("a pulled change newer than a pending local edit of the same column does win") {
    Pair t;
    auto id = t.shared();
    t.edit(t.a, id, [](Output& o) { o.notes = "older, pending on A"; });
    tick();
    t.edit(t.b, id, [](Output& o) { o.notes = "newer, from B"; });
    syncVault(t.b, t.ci);
    sync::SyncOptions opt;
    opt.conninfo = t.ci;
    sync::SyncEngine e(t.a, opt);
    e.pull();
    CHECK(t.a.getOutput(id)->notes == "newer, from B");
    t.converge();
    CHECK(t.b.getOutput(id)->notes == "newer, from B");
}

TEST_CASE("a tag deleted with its links on one laptop while another links it elsewhere") {
    Pair t;
    std::string tag;
    auto id = t.shared(&tag);
    auto p = t.b.createPrompt({.title = "other", .body = ""});
    t.converge();
    t.a.softDelete({Kind::Tag, tag});
    tick();
    t.b.linkTag(Kind::Prompt, p.id, tag);
    t.converge();
    CHECK(t.a.getTag(tag)->deleted());
    CHECK(t.a.tagsOf(Kind::Output, id).empty());
}
