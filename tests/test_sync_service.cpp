// The background SyncService: its own thread and connections, LISTEN/NOTIFY delivery to another
// running service, offline status with backoff, and draining the queue when the server returns.
#include "PgServer.hpp"
#include "Store.hpp"
#include "SyncService.hpp"
#include "SyncTestUtil.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <thread>

using namespace pv;
using namespace pv::test;

namespace {
// Polls until cond holds or a generous deadline passes (a functional wait, not a speed assertion).
bool eventually(const std::function<bool()>& cond, int seconds = 20) {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
        if (cond()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return cond();
}
} // namespace

TEST_CASE("an edit in one running app reaches another running app through LISTEN/NOTIFY") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    auto va = dir.file("a.db"), vb = dir.file("b.db");
    Store uiA(va), uiB(vb);  // what each app's UI thread uses
    sync::SyncService a(va, ci), b(vb, ci);
    // A long interval: only NOTIFY (or the local-change trigger) can explain a quick arrival.
    a.setTiming(20, 600000, 1000);
    b.setTiming(20, 600000, 1000);
    a.start();
    b.start();
    REQUIRE(eventually([&] { return a.status().state == sync::SyncState::Idle && !a.status().lastSuccessAt.empty(); }));
    REQUIRE(eventually([&] { return b.status().state == sync::SyncState::Idle && !b.status().lastSuccessAt.empty(); }));

    auto p = uiA.createPrompt({.title = "typed on A", .body = "hello"});
    a.notifyLocalChange();
    CHECK(eventually([&] { return uiB.getPrompt(p.id).has_value(); }));
    CHECK(eventually([&] { return a.status().pending == 0; }));

    auto q = *uiB.getPrompt(p.id);
    q.title = "edited on B";
    uiB.updatePrompt(q);
    b.notifyLocalChange();
    CHECK(eventually([&] { return uiA.getPrompt(p.id)->title == "edited on B"; }));
    a.stop();
    b.stop();
    CHECK(exportOf(uiA) == exportOf(uiB));
}

TEST_CASE("server down: offline status with the reason, then the queue drains by itself when it returns") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    auto va = dir.file("a.db");
    Store ui(va);
    sync::SyncService svc(va, ci);
    svc.setTiming(20, 600000, 400);
    svc.start();
    REQUIRE(eventually([&] { return !svc.status().lastSuccessAt.empty(); }));
    pg.stop(true);
    ui.createPrompt({.title = "written offline", .body = ""});
    svc.notifyLocalChange();
    CHECK(eventually([&] { return svc.status().state == sync::SyncState::Offline && svc.status().pending == 1; }));
    auto st = svc.status();
    CHECK(st.message.find("offline") != std::string::npos);
    CHECK(st.pending == 1);
    pg.start();
    // No new local edit and no syncNow(): the backoff retry must drain the queue.
    CHECK(eventually([&] { return svc.status().state == sync::SyncState::Idle && svc.status().pending == 0; }));
    CHECK(ui.pendingChanges() == 0);
    svc.stop();
    CHECK(serverExport(ci) == exportOf(ui));
}

TEST_CASE("no server configured: the service says so and does nothing") {
    TempDir dir;
    auto v = dir.file("v.db");
    Store ui(v);
    ui.createPrompt({.title = "local only", .body = ""});
    for (const char* e : {"PGHOST", "PGHOSTADDR", "PGSERVICE", "PGDATABASE", "PGPORT"}) ::unsetenv(e);
    sync::SyncService svc(v, "");
    svc.start();
    CHECK(eventually([&] { return svc.status().state == sync::SyncState::Disabled; }));
    CHECK(svc.status().message.find("no server configured") != std::string::npos);
    CHECK(svc.status().pending == 1);
    svc.stop();
    CHECK(ui.pendingChanges() == 1);
}
