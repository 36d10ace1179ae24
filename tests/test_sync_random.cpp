// Seeded, repeatable randomized convergence: several vaults make hundreds of random creates,
// edits, deletes, restores, links and unlinks, with random partial syncs (push only, pull only,
// both) in between; after a final full sync every vault and the server hold the same rows.
// PV_SEED=<n> replays another seed. Among the operations: a vault is backed up and later restored
// from that backup (it must notice and go on as a new device), and one vault runs with a clock
// 6 minutes slow (its SQLite sees the time through a VFS that reports it so).
#include "PgServer.hpp"
#include "Store.hpp"
#include "StoreInternals.hpp"
#include "SyncEngine.hpp"
#include "SyncTestUtil.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <vector>

using namespace pv;
using namespace pv::test;

namespace {

// The default VFS with a clock 6 minutes slow: a vault opened through it stamps its changes (the
// capture triggers read SQLite's 'now') as a laptop with a slow clock does.
struct SlowClockVfs {
    static constexpr sqlite3_int64 kSlowMs = 6 * 60 * 1000;
    sqlite3_vfs vfs{};
    sqlite3_vfs* base = nullptr;
    static SlowClockVfs& get() {
        static SlowClockVfs v;
        return v;
    }
    static int now64(sqlite3_vfs*, sqlite3_int64* t) {
        int rc = get().base->xCurrentTimeInt64(get().base, t);
        *t -= kSlowMs;
        return rc;
    }
    static int now(sqlite3_vfs* v, double* t) {
        sqlite3_int64 i = 0;
        int rc = now64(v, &i);
        *t = static_cast<double>(i) / 86400000.0;
        return rc;
    }
    SlowClockVfs() {
        base = sqlite3_vfs_find(nullptr);
        REQUIRE(base);
        REQUIRE(base->iVersion >= 2);
        vfs = *base;
        vfs.pNext = nullptr;
        vfs.zName = "pv_test_slow_clock";
        vfs.xCurrentTime = &now;
        vfs.xCurrentTimeInt64 = &now64;
        REQUIRE(sqlite3_vfs_register(&vfs, 0) == SQLITE_OK);
    }
};

// Opens a vault whose connection sees the slow clock (the VFS is the default only meanwhile).
std::unique_ptr<Store> openSlowClock(const std::string& path) {
    auto& v = SlowClockVfs::get();
    sqlite3_vfs_register(&v.vfs, 1);
    struct Back {
        ~Back() { sqlite3_vfs_register(SlowClockVfs::get().base, 1); }
    } back;
    return std::make_unique<Store>(path);
}

struct Fuzzer {
    std::mt19937_64 rng;
    explicit Fuzzer(uint64_t seed) : rng(seed) {}
    int below(int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); }
    bool chance(int percent) { return below(100) < percent; }
    std::string word() {
        static const char* words[] = {"alpha", "beta", "gamma", "delta", "crdt", "sync", "tab\there", "new\nline", "quote'", "ünï"};
        return words[below(10)] + std::to_string(below(1000));
    }
    std::string pick(Store& s, const std::string& sql) {
        auto ids = pv::StoreInternals::db(s).prepare(sql);
        std::vector<std::string> all;
        while (ids.step()) all.push_back(ids.getText(0));
        return all.empty() ? "" : all[static_cast<size_t>(below(static_cast<int>(all.size())))];
    }

    void randomOp(Store& s) {
        int op = below(14);
        std::string out = pick(s, "SELECT id FROM outputs ORDER BY id");
        std::string prompt = pick(s, "SELECT id FROM prompts ORDER BY id");
        std::string tag = pick(s, "SELECT id FROM tags ORDER BY id");
        try {
            switch (op) {
            case 0: s.createPrompt({.title = word(), .body = word()}); break;
            case 1:
            case 2: {
                Output o;
                if (!prompt.empty()) o.promptId = prompt;
                o.output = word();
                if (chance(50)) o.rating = 1 + below(5);
                s.createOutput(o);
                break;
            }
            case 3: s.createTag({.name = word()}); break;
            case 4:
            case 5:
                if (!out.empty()) {
                    auto o = *s.getOutput(out);
                    if (chance(50)) o.notes = word();
                    if (chance(50)) o.rating = chance(20) ? std::nullopt : std::optional<int64_t>(1 + below(5));
                    if (chance(50)) o.outputEdited = word();
                    s.updateOutput(o);
                }
                break;
            case 6:
                if (!prompt.empty()) {
                    auto p = *s.getPrompt(prompt);
                    p.title = word();
                    s.updatePrompt(p);
                }
                break;
            case 7:
                if (!out.empty()) s.softDelete({Kind::Output, out});
                break;
            case 8:
                if (!out.empty()) s.restore({Kind::Output, out});
                break;
            case 9:
            case 10:
                if (!out.empty() && !tag.empty()) s.linkTag(Kind::Output, out, tag);
                break;
            case 11:
                if (!out.empty() && !tag.empty()) s.unlinkTag(Kind::Output, out, tag);
                break;
            case 12:
                if (!prompt.empty()) s.softDelete({Kind::Prompt, prompt}, chance(50) ? DeleteMode::Cascade : DeleteMode::Refuse);
                break;
            case 13:
                // A sqlite3-shell style write: only the column the person cares about.
                if (!out.empty()) {
                    auto st = pv::StoreInternals::db(s).prepare("UPDATE outputs SET notes = ? WHERE id = ?");
                    st.bind(1, word()).bind(2, out).exec();
                }
                break;
            }
        } catch (const StoreError&) {
            // Refused by the store's own rules (e.g. deleting a prompt with outputs): fine.
        }
    }
};

} // namespace

TEST_CASE("randomized convergence: 4 vaults, hundreds of random operations, random partial syncs") {
    uint64_t seed = 20261128;
    if (const char* s = std::getenv("PV_SEED"); s && *s) seed = std::strtoull(s, nullptr, 10);
    CAPTURE(seed);
    auto& pg = PgServer::shared();
    auto ci = pg.conninfo(pg.createDatabase());
    TempDir dir;
    constexpr int kVaults = 4;
    std::vector<std::unique_ptr<Store>> vaults;
    std::vector<std::unique_ptr<sync::SyncEngine>> engines;
    sync::SyncOptions opt;
    opt.conninfo = ci;
    opt.batchSize = 7;  // many batches: exercises batch boundaries
    constexpr int kSlow = kVaults - 1;  // this one's clock is 6 minutes slow
    auto open = [&](int i) {
        const std::string path = dir.file("v" + std::to_string(i) + ".db");
        return i == kSlow ? openSlowClock(path) : std::make_unique<Store>(path);
    };
    for (int i = 0; i < kVaults; ++i) {
        vaults.push_back(open(i));
        engines.push_back(std::make_unique<sync::SyncEngine>(*vaults.back(), opt));
    }
    REQUIRE(pv::StoreInternals::db(*vaults[kSlow]).queryInt("SELECT " + sqlNowMs()) < pv::StoreInternals::db(*vaults[0]).queryInt("SELECT " + sqlNowMs()) - 5 * 60 * 1000);
    Fuzzer f(seed);
    int partialSyncs = 0, backups = 0, restores = 0;
    std::vector<std::string> backupOf(kVaults);
    for (int step = 0; step < 600; ++step) {
        int v = f.below(kVaults);
        f.randomOp(*vaults[static_cast<size_t>(v)]);
        if (f.chance(2)) {  // a backup of a live vault
            int w = f.below(kVaults);
            auto& path = backupOf[static_cast<size_t>(w)];
            path = dir.file("v" + std::to_string(w) + "-backup.db");
            std::filesystem::remove(path);
            pv::StoreInternals::db(*vaults[static_cast<size_t>(w)]).exec("VACUUM INTO '" + path + "'");
            ++backups;
        }
        if (f.chance(2)) {  // a vault restored from its last backup
            int w = f.below(kVaults);
            const auto& path = backupOf[static_cast<size_t>(w)];
            if (!path.empty()) {
                engines[static_cast<size_t>(w)].reset();
                vaults[static_cast<size_t>(w)].reset();
                const std::string live = dir.file("v" + std::to_string(w) + ".db");
                for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(live + suffix);
                std::filesystem::copy_file(path, live);
                vaults[static_cast<size_t>(w)] = open(w);
                engines[static_cast<size_t>(w)] = std::make_unique<sync::SyncEngine>(*vaults[static_cast<size_t>(w)], opt);
                ++restores;
            }
        }
        if (f.chance(8)) {
            int w = f.below(kVaults);
            auto& e = *engines[static_cast<size_t>(w)];
            switch (f.below(3)) {
            case 0: e.push(); break;
            case 1: e.pull(); break;
            default: e.syncOnce(); break;
            }
            ++partialSyncs;
        }
    }
    CHECK(partialSyncs > 20);
    CHECK(backups > 3);
    CHECK(restores > 3);
    for (int round = 0; round < 2; ++round)
        for (auto& e : engines) e->syncOnce();
    auto server = serverExport(ci);
    for (int i = 0; i < kVaults; ++i) {
        CAPTURE(i);
        CHECK(vaults[static_cast<size_t>(i)]->pendingChanges() == 0);
        CHECK(pv::StoreInternals::db(*vaults[static_cast<size_t>(i)]).queryInt("SELECT count(*) FROM pv_changes WHERE status = 'set_aside'") == 0);
        CHECK(exportOf(*vaults[static_cast<size_t>(i)]) == server);
    }
    CHECK(pv::StoreInternals::db(*vaults[0]).queryInt("SELECT count(*) FROM outputs") > 50);
}
