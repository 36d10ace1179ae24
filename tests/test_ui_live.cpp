// The screen follows the vault: rows written elsewhere (the app's own background sync pulling what
// another vault pushed to a real PostgreSQL, the sqlite3 shell, the CLI binary) appear in the real
// Outputs panel with no click; an editor without unsaved edits follows the stored record, one with
// unsaved edits keeps them and offers Reload / Keep my draft. Headless ImGui, real panels.
#include "PgServer.hpp"
#include "Store.hpp"
#include "SyncService.hpp"
#include "SyncTestUtil.hpp"
#include "TestUtil.hpp"
#include "UiHarness.hpp"
#include "ui/App.hpp"
#include "ui/OutputEditor.hpp"
#include "ui/OutputsPanel.hpp"
#include "ui/Style.hpp"
#include "ui/Widgets.hpp"

#include <doctest/doctest.h>
#include <imgui.h>

#include <chrono>
#include <functional>
#include <thread>

using namespace pv;
using namespace pv::ui;
using namespace pv::test;

namespace {

using Clock = std::chrono::steady_clock;

using Harness = pv::test::UiHarness;

std::string sqlite(const std::string& vault, const std::string& sql) {
    auto r = runCommand(shellQuote(sqliteShell()) + " " + shellQuote(vault), ".timeout 5000\n" + sql + "\n");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    return r.out;
}

} // namespace

TEST_CASE("an output pushed from vault A shows in B's Outputs list through B's background sync, with no click") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    const auto va = dir.file("a.db"), vb = dir.file("b.db");
    Store a(va);
    a.createOutput({.output = "first, on A"});
    syncVault(a, ci);
    Store{vb};  // B exists before its app opens it

    sync::SyncService svc(vb, ci);
    svc.setTiming(20, 600000, 1000);  // no periodic sync: only NOTIFY explains a quick arrival
    svc.start();
    Harness b(vb, &svc);
    REQUIRE(b.framesUntil([&] { return svc.status().state == sync::SyncState::Idle && !svc.status().lastSuccessAt.empty(); }) >= 0);
    REQUIRE(b.framesUntil([&] { return b.app->outputsPanel().rows().knownCount() == std::optional<int64_t>(1); }) >= 0);
    b.framesFor(0.5);
    const auto externalBefore = b.app->externalChanges();

    auto o = a.createOutput({.output = "pushed by laptop A while B is open"});
    const auto pushedAt = Clock::now();
    syncVault(a, ci);  // push + NOTIFY
    double seconds = b.framesUntil([&] { return b.listShows(o.id); });
    MESSAGE("the pushed output was in B's list " << std::chrono::duration<double>(Clock::now() - pushedAt).count() << " s after A's push");
    CHECK(seconds >= 0);
    CHECK(b.app->outputsPanel().rows().knownCount() == std::optional<int64_t>(2));
    CHECK(b.app->externalChanges() > externalBefore);
    b.app.reset();
    svc.stop();
}

TEST_CASE("a row written by another process (the sqlite3 shell, the CLI) appears in the list; the selection stays") {
    TempDir dir;
    const auto v = dir.file("v.db");
    Harness h(v);
    auto first = h.store.createOutput({.output = "already here"});
    h.app->dataChanged();
    h.settle();
    REQUIRE(h.listShows(first.id));
    h.click("outputrow:0");
    REQUIRE(h.app->outputEditor().record() == std::optional<RecordRef>(RecordRef{Kind::Output, first.id}));

    sqlite(v, "INSERT INTO outputs(output, captured_at) VALUES ('written by the sqlite3 shell', '2999-01-01T00:00:00.000Z');");
    const std::string shellId = sqlite(v, "SELECT id FROM outputs WHERE output = 'written by the sqlite3 shell';").substr(0, 36);
    double s1 = h.framesUntil([&] { return h.listShows(shellId); });
    MESSAGE("sqlite3 shell row listed after " << s1 << " s");
    CHECK(s1 >= 0);

    auto r = runCommand(shellQuote(promptvaultBinary()) + " --vault " + shellQuote(v) + " add output --text 'written by the CLI' --captured-at 2999-02-01T00:00:00Z");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    std::string cliId = r.out.substr(0, r.out.find_first_of("\n "));
    double s2 = h.framesUntil([&] { return h.listShows(cliId); });
    MESSAGE("CLI row listed after " << s2 << " s");
    CHECK(s2 >= 0);
    CHECK(h.app->outputsPanel().rows().knownCount() == std::optional<int64_t>(3));
    // The open record is still the one the person picked, and still selected in the list.
    CHECK(h.app->outputEditor().record() == std::optional<RecordRef>(RecordRef{Kind::Output, first.id}));
    CHECK(h.app->outputsPanel().current() == first.id);
}

TEST_CASE("an editor without unsaved edits follows a change made elsewhere; one with unsaved edits keeps them and asks") {
    TempDir dir;
    const auto v = dir.file("v.db");
    Harness h(v);
    auto o = h.store.createOutput({.notes = "", .output = "original text"});
    h.app->open({Kind::Output, o.id});
    h.settle();

    SUBCASE("clean: the editor shows the new text") {
        sqlite(v, "UPDATE outputs SET output = 'changed by the shell' WHERE id = '" + o.id + "';");
        double s = h.framesUntil([&] { return h.app->outputEditor().draft().output == "changed by the shell"; });
        MESSAGE("clean editor followed after " << s << " s");
        CHECK(s >= 0);
        CHECK_FALSE(h.app->outputEditor().changedElsewhere());
        CHECK_FALSE(h.app->outputEditor().dirty());
    }
    SUBCASE("unsaved edits: kept, the banner offers Reload / Keep my draft") {
        h.click("text:raw");
        h.frame();
        h.type(" plus my edit");
        REQUIRE(h.app->outputEditor().dirty());
        const std::string mine = h.app->outputEditor().draft().output;
        REQUIRE(mine.find("plus my edit") != std::string::npos);
        sqlite(v, "UPDATE outputs SET notes = 'a note from the other device' WHERE id = '" + o.id + "';");
        double s = h.framesUntil([&] { return h.app->outputEditor().changedElsewhere(); });
        CHECK(s >= 0);
        CHECK(h.app->outputEditor().draft().output == mine);  // nothing overwritten

        SUBCASE("Keep my draft, then save: mine wins") {
            h.click("elsewhere:keep");
            CHECK_FALSE(h.app->outputEditor().changedElsewhere());
            // Another unrelated change does not bring the banner back for the same stored version.
            h.store.createOutput({.output = "unrelated"});
            h.framesFor(0.8);
            CHECK_FALSE(h.app->outputEditor().changedElsewhere());
            REQUIRE(h.app->outputEditor().save());
            CHECK(h.store.getOutput(o.id)->output == mine);
        }
        SUBCASE("Reload: the stored record replaces the draft") {
            h.click("elsewhere:reload");
            CHECK_FALSE(h.app->outputEditor().dirty());
            CHECK(h.app->outputEditor().draft().output == "original text");
            CHECK(h.app->outputEditor().draft().notes == "a note from the other device");
        }
    }
}
