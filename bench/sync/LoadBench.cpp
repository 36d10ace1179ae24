// Sync under load (bench/sync/run-load.sh): D devices (default 20) sync through one PostgreSQL at
// once against a canonical database of N outputs, each running the app's background service
// (SyncService, default timing) while a driver makes small edits on every device in turn.
// Reports:
//  - edit-to-other-device latency (the edit is made on device d; the time until device d' reads
//    it from its own vault), median / p99 / worst;
//  - server CPU per device (all PostgreSQL processes, during the load phase) and client CPU;
//  - the cost of one pull when K rows changed and when none did (wall time and server CPU), which
//    must follow the number of changed rows, not the size of the table: run at 100k and at 1M.
// Devices start as laptops that have synced before: their vaults hold the models, agents,
// prompts and a pool of P outputs (the rows the edits touch), a fresh device id each, and a pull
// cursor at the server's current position (a device pulling 1M rows first would measure the
// initial download, which bench/sync/run.sh already does).
// Usage: pv-bench-sync-load --conninfo CI --dir DIR [--outputs N] [--devices D] [--seconds S]
//        [--pool P] [--changed K] [--pg-pid-file DATA/postmaster.pid] [--trace 1]
// --trace 1 (or PV_SYNC_TRACE=1) also times, during the load phase, every vault write transaction
// (waiting for the write lock, holding it), every server round trip, push / pull / NOTIFY moments
// and PostgreSQL's wait events (pg_stat_activity sampled every 10 ms), and prints where each
// edit's latency went (bench-only: nothing is traced otherwise).
#include "CommandLine.hpp"
#include "Generator.hpp"
#include "Schema.hpp"
#include "Store.hpp"
#include "StoreInternals.hpp"
#include "SyncEngine.hpp"
#include "SyncService.hpp"
#include "Trace.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace pv;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double selfCpu() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU seconds of a PostgreSQL server: the postmaster and its reaped children, plus every live
// child (backends, walwriter, checkpointer...). 0 when the pid is unknown. (As in SyncBench.cpp.)
double serverCpu(long postmaster) {
    if (postmaster <= 0) return 0;
    const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    double total = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        const std::string name = e.path().filename();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(e.path() / "stat");
        std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto close = all.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(all.substr(close + 2));
        std::vector<std::string> f;
        for (std::string x; rest >> x;) f.push_back(x);
        if (f.size() < 15) continue;
        const long pid = std::stol(name), ppid = std::stol(f[1]);
        if (pid == postmaster) total += (std::stod(f[11]) + std::stod(f[12]) + std::stod(f[13]) + std::stod(f[14])) / tick;
        else if (ppid == postmaster) total += (std::stod(f[11]) + std::stod(f[12])) / tick;
    }
    return total;
}

void removeVault(const std::string& p) {
    for (const char* suffix : {"", "-wal", "-shm", "-sync.lock"}) std::filesystem::remove(p + suffix);
}

double pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

double ms(trace::Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void printDist(const char* name, const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    std::printf("  %-58s n=%6zu  p50 %7.1f  p95 %7.1f  p99 %7.1f  max %7.1f  total %8.0f ms\n", name, v.size(), pct(v, 0.5), pct(v, 0.95),
                pct(v, 0.99), pct(v, 1.0), sum);
}

// Milliseconds of [a, b) covered by the (sorted, possibly overlapping) intervals.
double covered(const std::vector<std::pair<trace::Clock::time_point, trace::Clock::time_point>>& iv, trace::Clock::time_point a,
               trace::Clock::time_point b) {
    double total = 0;
    trace::Clock::time_point upTo = a;
    for (const auto& [s, e] : iv) {
        if (e <= upTo) continue;
        if (s >= b) break;
        const auto from = std::max(s, upTo), to = std::min(e, b);
        if (to > from) total += ms(to - from);
        upTo = std::max(upTo, to);
    }
    return total;
}

} // namespace

int main(int argc, char** argv) {
    std::string conninfo, dir = "/tmp/pv-bench-sync-load", pidFile;
    int64_t outputs = 100000, pool = 5000, changed = 1000;
    int devices = 20, seconds = 60;
    bool traceOn = trace::on();
    if (traceOn) trace::g_on = false;  // not during the setup: only the load phase is traced
    CLI::App cli("Sync under load: DEVICES vaults sync through one server holding OUTPUTS outputs, each making small\n"
                 "edits with the background service running; edit-to-other-device latency and CPU per device.",
                 "pv-bench-sync-load");
    cli.add_option("--conninfo", conninfo, "the server (a throwaway database)")->required();
    cli.add_option("--dir", dir, "working folder");
    cli.add_option("--outputs", outputs, "outputs on the server")->check(pv::cmdline::wholeNumber(1, INT64_MAX));
    cli.add_option("--devices", devices, "devices syncing at once")->check(pv::cmdline::wholeNumber(1, 10000));
    cli.add_option("--seconds", seconds, "seconds of load")->check(pv::cmdline::wholeNumber(1, 86400));
    cli.add_option("--pool", pool, "outputs the edits pick from")->check(pv::cmdline::wholeNumber(1, INT64_MAX));
    cli.add_option("--changed", changed, "rows changed for the pull-cost measurement")->check(pv::cmdline::wholeNumber(1, INT64_MAX));
    cli.add_option("--pg-pid-file", pidFile, "the server's postmaster.pid (for its CPU time)");
    cli.add_option("--trace", traceOn, "1: trace where each edit's time goes (PV_SYNC_TRACE)");
    if (auto code = pv::cmdline::parse(cli, argc, argv)) return *code;
    long postmaster = 0;
    if (!pidFile.empty()) std::ifstream(pidFile) >> postmaster;
    std::filesystem::create_directories(dir);
    const std::string va = dir + "/canonical.db", seed = dir + "/seed.db";
    removeVault(va);
    removeVault(seed);

    // 1. The canonical database: N outputs generated into vault A and pushed (not timed).
    std::cerr << "generating " << outputs << " outputs and pushing them...\n";
    auto t0 = Clock::now();
    {
        Store a(va);
        gen::GenOptions g;
        g.outputs = outputs;
        g.prompts = 1;
        g.tagLinks = 0;
        g.promptTagLinks = 0;
        g.tags = 0;
        gen::generateVault(a, g);
        sync::PgConn admin(conninfo);
        admin.exec("DROP SCHEMA IF EXISTS promptvault CASCADE");
        sync::SyncOptions o;
        o.conninfo = conninfo;
        sync::SyncEngine e(a, o);
        e.connect();
        e.push();
    }
    std::cerr << "canonical database ready in " << secondsSince(t0) << " s\n";
    sync::PgConn admin(conninfo);
    admin.exec("VACUUM ANALYZE");
    const std::string serverId = admin.exec("SELECT server_id FROM promptvault.schema_version").text(0, 0);
    const std::string serverRows = admin.exec("SELECT count(*) FROM promptvault.outputs").text(0, 0);
    const std::string serverSize = admin.exec("SELECT pg_size_pretty(pg_database_size(current_database()))").text(0, 0);

    // 2. The devices: a seed vault with the parents and the pool, copied with a new device id each.
    std::vector<std::string> poolIds;
    {
        Store s(seed);
        pv::StoreInternals::db(s).exec("ATTACH DATABASE '" + va + "' AS src");
        sql::Transaction tx(pv::StoreInternals::db(s));
        pv::StoreInternals::db(s).exec("UPDATE pv_sync_state SET applying = 1");
        pv::StoreInternals::db(s).exec("INSERT INTO main.models SELECT * FROM src.models; INSERT INTO main.agents SELECT * FROM src.agents; "
                    "INSERT INTO main.prompts SELECT * FROM src.prompts; "
                    "INSERT INTO main.outputs SELECT * FROM src.outputs ORDER BY id LIMIT " + std::to_string(pool));
        pv::StoreInternals::db(s).exec("UPDATE pv_sync_state SET applying = 0");
        const std::string cursor = admin.exec("SELECT pg_snapshot_xmin(pg_current_snapshot())::text").text(0, 0);
        s.setSetting("sync.pull_cursor." + serverId, cursor);
        tx.commit();
        pv::StoreInternals::db(s).exec("DETACH DATABASE src");
        auto q = pv::StoreInternals::db(s).prepare("SELECT id FROM outputs ORDER BY id");
        while (q.step()) poolIds.push_back(q.getText(0));
    }
    std::vector<std::string> paths;
    for (int d = 0; d < devices; ++d) {
        paths.push_back(dir + "/device" + std::to_string(d) + ".db");
        removeVault(paths.back());
        std::filesystem::copy_file(seed, paths.back());
        Store s(paths.back());
        pv::StoreInternals::db(s).exec("UPDATE pv_sync_state SET device_id = lower(hex(randomblob(8)))");
    }

    // 3. Load: every device runs its background service, and an editor thread per device (its
    //    own Store, as the app's UI thread) makes one edit a second, the devices staggered over the
    //    second. A watcher thread (its own Store per device) checks each edit on another device
    //    (rotating over all of them). An edit's latency runs from just before the edit (a write
    //    that waits for the device's own sync transaction counts) to when the other vault has it.
    std::vector<std::unique_ptr<sync::SyncService>> services;
    for (const auto& p : paths) services.push_back(std::make_unique<sync::SyncService>(p, conninfo));
    for (auto& s : services) s->start();
    for (auto& s : services)
        for (int i = 0; i < 3000 && (s->status().lastSuccessAt.empty() || s->status().state != sync::SyncState::Idle); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));

    struct Watch {
        int target;
        std::string id;
        int64_t edit;
        Clock::time_point t0;
    };
    struct EditTimes {  // for the trace: one edit from its write to its other device's read
        int device = 0, target = 0;
        Clock::time_point t0, written, seen;
        double readMs = 0, busySleepMs = 0, cpuMs = 0;  // its write: reading the row, the busy handler's sleeps, the thread's CPU
    };
    std::map<int64_t, EditTimes> editTimes;
    std::mutex mu;
    std::deque<Watch> watching;
    std::vector<double> latency, writeMs;  // edit to other device; the edit's own write
    std::atomic<int64_t> edits{0}, lockedWrites{0};
    int64_t superseded = 0, timedOut = 0;
    // PostgreSQL's wait events, sampled every 10 ms on a connection of their own (trace only).
    std::atomic<bool> sampling{traceOn};
    std::map<std::string, int64_t> waitSamples;
    int64_t sampleCount = 0;
    std::thread sampler;
    if (traceOn) {
        trace::enable();
        sampler = std::thread([&] {
            sync::PgConn c(conninfo);
            while (sampling) {
                auto r = c.exec("SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '-') || ' ' || "
                                "CASE WHEN state = 'active' THEN left(regexp_replace(query, '\\s+', ' ', 'g'), 40) ELSE state END "
                                "FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() "
                                "AND state <> 'idle'");
                ++sampleCount;
                for (int i = 0; i < r.rows(); ++i) ++waitSamples[r.text(i, 0)];
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        });
    }
    const double serverCpu0 = serverCpu(postmaster), clientCpu0 = selfCpu();
    const auto start = Clock::now();
    auto editNumber = [](const std::string& note) -> int64_t {
        auto p = note.rfind(" e");
        return p == std::string::npos ? -1 : std::strtoll(note.c_str() + p + 2, nullptr, 10);
    };
    std::vector<std::thread> editors;
    for (int d = 0; d < devices; ++d) {
        editors.emplace_back([&, d] {
            Store ui(paths[static_cast<size_t>(d)]);
            trace::setThreadLabel("editor " + paths[static_cast<size_t>(d)]);
            // Traced: the busy handler sleeps as SQLite's default one does (the same steps up to the
            // same 5 s), and counts the time it slept.
            struct Busy {
                double sleptMs = 0;
            } busy;
            if (traceOn)
                sqlite3_busy_handler(
                    pv::StoreInternals::db(ui).handle(),
                    [](void* p, int n) -> int {
                        static const int delays[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
                        static const int totals[] = {0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228};
                        const int k = n < 12 ? n : 11;
                        int delay = delays[k];
                        const int prior = totals[k] + (n - k) * 100;
                        if (prior + delay > 5000) {
                            delay = 5000 - prior;
                            if (delay <= 0) return 0;
                        }
                        const auto t = Clock::now();
                        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
                        static_cast<Busy*>(p)->sleptMs += secondsSince(t) * 1000;
                        return 1;
                    },
                    &busy);
            std::mt19937_64 rng(static_cast<uint64_t>(d) + 7);
            auto next = start + std::chrono::microseconds(1000000LL * d / devices);
            for (int k = 0; secondsSince(start) < seconds; ++k) {
                std::this_thread::sleep_until(next);
                next += std::chrono::seconds(1);
                // Each device edits its own share of the pool: an edit is never overtaken by
                // another device's edit of the same row (which would make it unobservable).
                const size_t share = poolIds.size() / static_cast<size_t>(devices);
                const std::string id = poolIds[static_cast<size_t>(d) + static_cast<size_t>(devices) * (rng() % share)];
                const int64_t n = edits++;
                const auto t0 = Clock::now();
                busy.sleptMs = 0;
                const double cpu0 = traceOn ? trace::threadCpuMs() : 0;
                double readMs = 0;
                for (;;) {
                    try {
                        auto o = *ui.getOutput(id);
                        readMs = secondsSince(t0) * 1000;
                        o.notes = "device " + std::to_string(d) + " e" + std::to_string(n);
                        ui.updateOutput(o);
                        const auto written = Clock::now();
                        const double ms = secondsSince(t0) * 1000;
                        std::lock_guard<std::mutex> lock(mu);
                        writeMs.push_back(ms);
                        if (traceOn) {
                            auto& et = editTimes[n];
                            et.device = d;
                            et.t0 = t0;
                            et.written = written;
                            et.readMs = readMs;
                            et.busySleepMs = busy.sleptMs;
                            et.cpuMs = trace::threadCpuMs() - cpu0;
                        }
                        break;
                    } catch (const std::exception& e) {
                        // The device's own sync held the vault's write lock past the 5 s busy timeout.
                        if (std::string(e.what()).find("locked") == std::string::npos) throw;
                        ++lockedWrites;
                    }
                }
                services[static_cast<size_t>(d)]->notifyLocalChange();
                const int target = (d + 1 + k % (devices - 1)) % devices;
                std::lock_guard<std::mutex> lock(mu);
                watching.push_back({target, id, n, t0});
                if (traceOn) editTimes[n].target = target;
            }
        });
    }
    {
        std::vector<std::unique_ptr<Store>> seen;
        for (const auto& p : paths) seen.push_back(std::make_unique<Store>(p));
        for (;;) {
            std::vector<Watch> now;
            {
                std::lock_guard<std::mutex> lock(mu);
                now.assign(watching.begin(), watching.end());
            }
            if (now.empty() && secondsSince(start) > seconds + 1) break;
            std::vector<std::pair<int64_t, double>> done;  // edit, latency (ms)
            for (const auto& w : now) {
                auto& s = pv::StoreInternals::db(*seen[static_cast<size_t>(w.target)]).cached("SELECT notes FROM outputs WHERE id = ?");
                sql::StmtUse use(s);
                s.bind(1, w.id);
                const int64_t got = s.step() ? editNumber(s.getText(0)) : -1;
                if (got >= w.edit) {
                    if (got > w.edit) ++superseded;  // a later edit of that row reached it first
                    done.emplace_back(w.edit, secondsSince(w.t0) * 1000);
                } else if (secondsSince(w.t0) > 30) {
                    ++timedOut;
                    done.emplace_back(w.edit, secondsSince(w.t0) * 1000);
                }
            }
            if (!done.empty()) {
                std::lock_guard<std::mutex> lock(mu);
                for (const auto& [edit, ms] : done) {
                    latency.push_back(ms);
                    if (traceOn) editTimes[edit].seen = Clock::now();
                    watching.erase(std::remove_if(watching.begin(), watching.end(), [&](const Watch& w) { return w.edit == edit; }),
                                   watching.end());
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    for (auto& t : editors) t.join();
    const double loadWall = secondsSince(start);
    std::vector<trace::Event> events;
    if (traceOn) {
        sampling = false;
        sampler.join();
        trace::g_on = false;
        events = trace::take();
    }
    const double loadServerCpu = serverCpu(postmaster) - serverCpu0, loadClientCpu = selfCpu() - clientCpu0;
    int64_t errors = 0;
    for (auto& s : services) {
        auto st = s->status();
        if (st.state == sync::SyncState::Error || st.setAside > 0) ++errors;
        s->stop();
    }
    services.clear();
    std::vector<std::unique_ptr<Store>> ui;
    for (const auto& p : paths) ui.push_back(std::make_unique<Store>(p));

    // 4. Pull cost: device 1 pulls after device 0 changed K rows, and again with nothing new.
    auto timedPull = [&](Store& s) {
        sync::SyncOptions o;
        o.conninfo = conninfo;
        sync::SyncEngine e(s, o);
        e.connect();
        const double c0 = serverCpu(postmaster);
        auto t = Clock::now();
        auto r = e.pull();
        return std::make_tuple(secondsSince(t) * 1000, (serverCpu(postmaster) - c0) * 1000, r.rows);
    };
    timedPull(*ui[1]);  // catch up with the load phase
    {
        Store& s0 = *ui[0];
        sql::Transaction tx(pv::StoreInternals::db(s0));
        auto& up = pv::StoreInternals::db(s0).cached("UPDATE outputs SET notes = ? WHERE id = ?");
        for (int64_t i = 0; i < changed && i < static_cast<int64_t>(poolIds.size()); ++i) {
            sql::StmtUse use(up);
            up.bind(1, "bulk change " + std::to_string(i)).bind(2, poolIds[static_cast<size_t>(i)]).exec();
        }
        tx.commit();
        sync::SyncOptions o;
        o.conninfo = conninfo;
        sync::SyncEngine e(s0, o);
        e.connect();
        e.push();
    }
    std::vector<double> changedMs, changedCpu, idleMs, idleCpu;
    int64_t changedRows = 0;
    {
        auto [ms, cpu, rows] = timedPull(*ui[1]);
        changedMs.push_back(ms);
        changedCpu.push_back(cpu);
        changedRows = rows;
    }
    for (int i = 0; i < 5; ++i) {
        auto [ms, cpu, rows] = timedPull(*ui[1]);
        (void)rows;
        idleMs.push_back(ms);
        idleCpu.push_back(cpu);
    }

    std::printf("\n%d devices, canonical database of %s outputs (%s), %d s of edits (%lld edits, one per device per second), pool of %lld outputs\n\n",
                devices, serverRows.c_str(), serverSize.c_str(), seconds, static_cast<long long>(edits.load()), static_cast<long long>(pool));
    std::printf("| server size | edit to other device: median | p99 | worst | server CPU per device | client CPU per device | pull of %lld changed rows | server CPU of it | pull, nothing changed (median of 5) | server CPU of it |\n",
                static_cast<long long>(changed));
    std::printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    std::printf("| %s outputs | %.0f ms | %.0f ms | %.0f ms | %.1f %% | %.1f %% | %.0f ms (%lld rows) | %.0f ms | %.1f ms | %.0f ms |\n",
                serverRows.c_str(), pct(latency, 0.5), pct(latency, 0.99), pct(latency, 1.0), 100.0 * loadServerCpu / loadWall / devices,
                100.0 * loadClientCpu / loadWall / devices, changedMs[0], static_cast<long long>(changedRows), changedCpu[0], pct(idleMs, 0.5),
                pct(idleCpu, 0.5));
    std::printf("\nthe edit's own write (waiting for its vault's write lock included): median %.0f ms, p99 %.0f ms, worst %.0f ms\n",
                pct(writeMs, 0.5), pct(writeMs, 0.99), pct(writeMs, 1.0));
    std::printf("edits that waited past the 5 s busy timeout for their own vault's write lock (retried): %lld\n",
                static_cast<long long>(lockedWrites.load()));
    std::printf("edits seen: %zu (%lld reached first by a later edit of the same row, %lld not seen within 30 s); devices with an error or a set-aside change: %lld\n",
                latency.size(), static_cast<long long>(superseded), static_cast<long long>(timedOut), static_cast<long long>(errors));
    if (traceOn) {
        // Per vault: the intervals its write lock was held (sync service transactions and the
        // editor's writes), pushes and pulls in time order.
        using Span = std::pair<trace::Clock::time_point, trace::Clock::time_point>;
        std::map<std::string, std::vector<Span>> held, serviceHeld;
        std::map<std::string, std::vector<const trace::Event*>> pushes, pulls;
        std::map<std::string, std::vector<double>> pgByWhat;
        std::vector<double> pullCpu, pullRows, svcCommit, otherCommit, svcWait, svcHeld, pullHeld, pullHeldPg, pullTotal, pullBeforeCut, notifyToDue;
        std::map<std::string, std::vector<Span>> pgSpans;  // per thread label
        for (const auto& e : events) {
            if (e.kind == "pg") {
                pgByWhat[e.what].push_back(ms(e.t1 - e.t0));
                pgSpans[e.who].push_back({e.t0, e.t1});
            }
        }
        for (auto& [who, v] : pgSpans) std::sort(v.begin(), v.end());
        {
            std::map<std::string, int64_t> kinds;
            for (const auto& e : events) ++kinds[e.kind];
            std::printf("\ntrace events:");
            for (const auto& [k, c] : kinds) std::printf(" %s %lld", k.c_str(), static_cast<long long>(c));
            for (const auto& e : events)
                if (e.kind == "tx") {
                    std::printf(" (a tx: who '%s' what '%s')", e.who.c_str(), e.what.c_str());
                    break;
                }
            std::printf("\n");
        }
        for (const auto& e : events) {
            if (e.kind == "tx") {
                held[e.what].push_back({e.t1, e.t2});
                if (e.who == e.what) {  // the sync service of that vault
                    serviceHeld[e.what].push_back({e.t1, e.t2});
                    svcWait.push_back(ms(e.t1 - e.t0));
                    svcHeld.push_back(ms(e.t2 - e.t1));
                }
            } else if (e.kind == "push") {
                pushes[e.who].push_back(&e);
            } else if (e.kind == "pull") {
                pulls[e.who].push_back(&e);
                pullTotal.push_back(ms(e.t2 - e.t0));
                char* rest = nullptr;
                pullRows.push_back(std::strtod(e.what.c_str(), &rest));
                pullCpu.push_back(std::strtod(rest, nullptr));
                pullBeforeCut.push_back(ms(e.t1 - e.t0));
            } else if (e.kind == "commit") {
                (e.who == e.what ? svcCommit : otherCommit).push_back(ms(e.t1 - e.t0));
            } else if (e.kind == "notify") {
                notifyToDue.push_back(ms(e.t1 - e.t0));
            }
        }
        // Pull transactions: how much of the time they hold the write lock is server round trips.
        for (const auto& e : events)
            if (e.kind == "tx" && e.who == e.what)
                for (const auto* p : pulls[e.who])
                    if (e.t1 >= p->t0 && e.t2 <= p->t2 + std::chrono::milliseconds(1)) {
                        pullHeld.push_back(ms(e.t2 - e.t1));
                        pullHeldPg.push_back(covered(pgSpans[e.who], e.t1, e.t2));
                        break;
                    }
        for (auto& [f, v] : held) std::sort(v.begin(), v.end());
        for (auto& [f, v] : serviceHeld) std::sort(v.begin(), v.end());
        auto byT1 = [](const trace::Event* a, const trace::Event* b) { return a->t1 < b->t1; };
        for (auto& [w, v] : pushes) std::sort(v.begin(), v.end(), byT1);
        for (auto& [w, v] : pulls) std::sort(v.begin(), v.end(), byT1);

        // Each edit's latency in phases: its write (and, of that, the time the vault's write lock
        // was held by the sync service vs free), written -> pushed (server COMMIT), pushed -> the
        // other device's pull taking its snapshot, that pull's snapshot -> its vault commit, and
        // the watcher noticing.
        struct Phases {
            double total, write, writeHeld, writeRead, writeBusy, writeCpu, toPush, toCut, cutToApplied, toSeen;
        };
        std::vector<Phases> ph;
        int64_t unattributed = 0;
        for (const auto& [n, et] : editTimes) {
            if (et.seen == Clock::time_point() || et.written == Clock::time_point()) continue;
            const std::string& dev = paths[static_cast<size_t>(et.device)];
            const std::string& tgt = paths[static_cast<size_t>(et.target)];
            const trace::Event* push = nullptr;
            for (const auto* p : pushes[dev])
                if (p->t0 >= et.written) {
                    push = p;
                    break;
                }
            const trace::Event* pull = nullptr;
            if (push)
                for (const auto* p : pulls[tgt])
                    if (p->t1 >= push->t1) {
                        pull = p;
                        break;
                    }
            if (!push || !pull || pull->t2 > et.seen + std::chrono::milliseconds(50)) {
                ++unattributed;
                continue;
            }
            Phases x;
            x.total = ms(et.seen - et.t0);
            x.write = ms(et.written - et.t0);
            x.writeHeld = covered(serviceHeld[dev], et.t0, et.written);
            x.writeRead = et.readMs;
            x.writeBusy = et.busySleepMs;
            x.writeCpu = et.cpuMs;
            x.toPush = ms(push->t1 - et.written);
            x.toCut = ms(pull->t1 - push->t1);
            x.cutToApplied = ms(pull->t2 - pull->t1);
            x.toSeen = ms(et.seen - pull->t2);
            ph.push_back(x);
        }
        std::printf("\n## trace: where the time went (%zu edits attributed, %lld not)\n\n", ph.size(), static_cast<long long>(unattributed));
        auto col = [&](double Phases::*m, bool tailOnly) {
            std::vector<double> v;
            const double cut = pct(latency, 0.99);
            for (const auto& x : ph)
                if (!tailOnly || x.total >= cut) v.push_back(x.*m);
            return v;
        };
        for (bool tail : {false, true}) {
            std::printf("%s\n", tail ? "edits at or above the p99 latency:" : "all edits:");
            printDist("edit -> seen on the other device", col(&Phases::total, tail));
            printDist("  the edit's write (waiting for the vault's write lock)", col(&Phases::write, tail));
            printDist("    of which the write lock was held by the sync service", col(&Phases::writeHeld, tail));
            printDist("    of which reading the row before the write", col(&Phases::writeRead, tail));
            printDist("    of which the busy handler slept", col(&Phases::writeBusy, tail));
            printDist("    the editor thread's CPU time in it", col(&Phases::writeCpu, tail));
            printDist("  written -> pushed (debounce, sync under way, push)", col(&Phases::toPush, tail));
            printDist("  pushed -> other device's pull takes its snapshot", col(&Phases::toCut, tail));
            printDist("  snapshot -> pulled rows committed to its vault", col(&Phases::cutToApplied, tail));
            printDist("  committed -> watcher reads it", col(&Phases::toSeen, tail));
        }
        std::printf("\nsync service vault transactions:\n");
        printDist("BEGIN IMMEDIATE: waiting for the write lock", svcWait);
        printDist("holding the write lock", svcHeld);
        printDist("pull: holding the write lock", pullHeld);
        printDist("pull: of that, in server round trips", pullHeldPg);
        printDist("COMMIT of a sync service transaction (wal hook included)", svcCommit);
        printDist("pull: start -> snapshot query sent", pullBeforeCut);
        printDist("pull: start -> vault commit", pullTotal);
        printDist("pull: rows received (count, not ms)", pullRows);
        printDist("pull: CPU time of the sync thread", pullCpu);
        printDist("NOTIFY received -> pull due (gap)", notifyToDue);
        std::printf("\nserver round trips (by statement):\n");
        std::vector<std::pair<double, std::string>> order;
        for (const auto& [w, v] : pgByWhat) {
            double sum = 0;
            for (double x : v) sum += x;
            order.push_back({sum, w});
        }
        std::sort(order.rbegin(), order.rend());
        for (size_t i = 0; i < order.size() && i < 14; ++i) printDist(order[i].second.c_str(), pgByWhat[order[i].second]);
        std::printf("\nPostgreSQL client backends not idle, sampled every 10 ms (%lld samples): wait event / query\n",
                    static_cast<long long>(sampleCount));
        std::vector<std::pair<int64_t, std::string>> waits;
        for (const auto& [w, c] : waitSamples) waits.push_back({c, w});
        std::sort(waits.rbegin(), waits.rend());
        for (size_t i = 0; i < waits.size() && i < 15; ++i)
            std::printf("  %6lld  %s\n", static_cast<long long>(waits[i].first), waits[i].second.c_str());
    }
    ui.clear();
    for (const auto& p : paths) removeVault(p);
    removeVault(seed);
    removeVault(va);
    return timedOut == 0 && errors == 0 ? 0 : 1;
}
