// Crash and outage recovery: SIGKILL at every step of push and pull, the server stopped mid-sync,
// and two pushers committing out of sequence order while a third device pulls. Real PostgreSQL.
#include "PgServer.hpp"
#include "Store.hpp"
#include "StoreInternals.hpp"
#include "SyncEngine.hpp"
#include "SyncTestUtil.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>
#include <future>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace pv;
using namespace pv::test;

namespace {

// Runs one sync of the vault in a separate process with PV_FAILPOINT set: the promptvault CLI when
// the build has it, else a forked child running the same engine. Returns true when it died by SIGKILL.
bool syncKilledAt(const std::string& vault, const std::string& ci, const std::string& failpoint) {
    if (const char* bin = std::getenv("PV_BINARY"); bin && *bin) {
        std::string cmd = "PV_FAILPOINT=" + failpoint + " " + shellQuote(bin) + " --vault " + shellQuote(vault) + " sync --pg " +
                          shellQuote(ci) + " --batch 3 >/dev/null 2>&1";
        int st = std::system(cmd.c_str());
        // sh reports a child killed by a signal as exit status 128 + signal.
        return (WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGKILL) || (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    }
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::setenv("PV_FAILPOINT", failpoint.c_str(), 1);
        try {
            Store s(vault);
            sync::SyncOptions o;
            o.conninfo = ci;
            o.batchSize = 3;
            sync::SyncEngine e(s, o);
            e.syncOnce();
        } catch (...) {
            ::_exit(3);
        }
        ::_exit(0);
    }
    int st = 0;
    ::waitpid(pid, &st, 0);
    return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
}

void addOutputs(Store& s, const std::string& prefix, int n) {
    auto p = s.createPrompt({.title = prefix + " prompt", .body = ""});
    auto t = s.findOrCreateTag(prefix + "-tag");
    for (int i = 0; i < n; ++i) {
        Output o;
        o.promptId = p.id;
        o.output = prefix + " output " + std::to_string(i);
        o = s.createOutput(o);
        s.linkTag(Kind::Output, o.id, t.id);
    }
}

} // namespace

TEST_CASE("SIGKILL at every step of push and pull: nothing lost, nothing duplicated") {
    const char* steps[] = {"push-begin",        "push-after-copy", "push-after-apply", "push-before-commit", "push-after-commit",
                           "push-after-mark",   "pull-begin",      "pull-after-fetch", "pull-before-commit", "pull-after-commit"};
    auto& pg = PgServer::shared();
    for (std::string fp : steps) {
        CAPTURE(fp);
        auto ci = pg.conninfo(pg.createDatabase());
        TempDir dir;
        auto va = dir.file("a.db"), vb = dir.file("b.db");
        {
            Store b(vb);
            addOutputs(b, "B", 4);
            syncVault(b, ci);  // something for A to pull
            Store a(va);
            addOutputs(a, "A", 5);  // 1 prompt + 1 tag + 5 outputs + 5 links = 12 changes: 4 batches of 3
        }
        CHECK(syncKilledAt(va, ci, fp));
        {
            Store a(va);  // the vault opens fine after the kill
            CHECK(pv::StoreInternals::db(a).queryInt("SELECT applying FROM pv_sync_state") == 0);
            auto r = syncVault(a, ci);
            CHECK(r.push.setAside.empty());
            if (fp == "push-after-commit") CHECK(r.push.alreadyApplied == 3);
            CHECK(a.pendingChanges() == 0);
            CHECK(pv::StoreInternals::db(a).queryInt("SELECT count(*) FROM pv_changes") == 12);  // nothing re-captured
        }
        Store a(va), b(vb);
        syncVault(b, ci);
        auto ea = exportOf(a);
        CHECK(ea == exportOf(b));
        CHECK(ea == serverExport(ci));
        CHECK(a.counts()["outputs"] == 9);
        CHECK(a.counts()["output_tags"] == 9);
        CHECK(pg.adminQuery(ci.substr(ci.find("dbname=") + 7, ci.find(" user") - ci.find("dbname=") - 7),
                            "SELECT count(*) FROM promptvault.outputs") == "9");
    }
}

TEST_CASE("the server stopped mid-sync: a clear error, then the next sync finishes the job") {
    auto& pg = PgServer::shared();
    for (std::string at : {"push-after-copy", "push-before-commit", "pull-after-fetch"}) {
        CAPTURE(at);
        auto ci = pg.conninfo(pg.createDatabase());
        TempDir dir;
        Store a(dir.file("a.db")), b(dir.file("b.db"));
        addOutputs(b, "B", 3);
        syncVault(b, ci);
        addOutputs(a, "A", 3);
        sync::SyncOptions o;
        o.conninfo = ci;
        sync::SyncEngine e(a, o);
        bool stopped = false;
        e.onStep = [&](const std::string& step) {
            if (step == at && !stopped) {
                stopped = true;
                pg.stop(true);
            }
        };
        try {
            e.syncOnce();
            FAIL("sync should fail while the server is down");
        } catch (const sync::PgError& err) {
            CHECK(err.connectionLost());
        }
        CHECK(stopped);
        CHECK(pv::StoreInternals::db(a).queryInt("SELECT applying FROM pv_sync_state") == 0);
        pg.start();
        e.onStep = nullptr;
        e.disconnect();
        e.syncOnce();
        syncVault(b, ci);
        CHECK(a.pendingChanges() == 0);
        auto ea = exportOf(a);
        CHECK(ea == exportOf(b));
        CHECK(ea == serverExport(ci));
        CHECK(a.counts()["outputs"] == 6);
    }
}

TEST_CASE("two pushers committing out of sequence order while a third device pulls: nothing skipped") {
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    Store a(dir.file("a.db")), b(dir.file("b.db")), c(dir.file("c.db"));
    syncVault(c, ci);  // creates the schema, C's cursor starts
    auto pa = a.createPrompt({.title = "from A, committed last", .body = ""});
    auto pb = b.createPrompt({.title = "from B, committed first", .body = ""});

    std::promise<void> reached, release;
    auto releaseFuture = release.get_future().share();
    sync::SyncOptions o;
    o.conninfo = ci;
    std::thread pusherA([&] {
        sync::SyncEngine e(a, o);
        e.onStep = [&](const std::string& step) {
            if (step == "push-before-commit") {
                reached.set_value();
                releaseFuture.wait();  // A holds its transaction open: lower server_seq, later commit
            }
        };
        e.push();
    });
    reached.get_future().wait();
    {
        sync::SyncEngine eb(b, o);
        eb.push();  // B takes a higher server_seq and commits first
    }
    sync::SyncEngine ec(c, o);
    ec.pull();  // a reader that trusted sequence order would now move past A's change
    release.set_value();
    pusherA.join();
    ec.pull();
    CHECK(c.getPrompt(pa.id));
    CHECK(c.getPrompt(pb.id));
    // The premise held: A's change_log entry has the lower sequence number but committed later.
    auto seqA = pg.adminQuery(ci.substr(ci.find("dbname=") + 7, ci.find(" user") - ci.find("dbname=") - 7),
                              "SELECT server_seq FROM promptvault.change_log WHERE device_id = '" + a.deviceId() + "'");
    auto seqB = pg.adminQuery(ci.substr(ci.find("dbname=") + 7, ci.find(" user") - ci.find("dbname=") - 7),
                              "SELECT server_seq FROM promptvault.change_log WHERE device_id = '" + b.deviceId() + "'");
    CHECK(std::stoll(seqA) < std::stoll(seqB));
    syncVault(a, ci);
    syncVault(b, ci);
    syncVault(c, ci);
    CHECK(exportOf(c) == serverExport(ci));
    CHECK(exportOf(a) == exportOf(c));
}
