// The background sync worker: its own thread, its own Store (SQLite connection) and PGconn.
// It sleeps in poll() on an eventfd (local changes, syncNow, stop) and the PostgreSQL socket
// (LISTEN/NOTIFY from other devices), so it wakes at once for either and costs nothing idle.
#include "SyncService.hpp"

#include "Store.hpp"
#include "SyncEngine.hpp"
#include "Trace.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace pv::sync {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct SyncService::Impl {
    std::string vaultPath;
    std::string conninfo;
    int debounceMs = 150;
    int intervalMs = 30000;
    int maxBackoffMs = 60000;

    mutable std::mutex mu;
    SyncStatus status;
    std::thread thread;
    std::atomic<bool> stopping{false};
    std::atomic<bool> localChange{false};
    std::atomic<bool> now{false};
    int wakeFd = -1;

    void wake() {
        uint64_t one = 1;
        if (wakeFd >= 0) (void)!::write(wakeFd, &one, sizeof one);
    }
    void setStatus(const std::function<void(SyncStatus&)>& fn) {
        std::lock_guard lock(mu);
        fn(status);
    }
    void run();
};

namespace {
bool anyServerConfigured(const std::string& conninfo) {
    if (!conninfo.empty()) return true;
    for (const char* v : {"PGHOST", "PGHOSTADDR", "PGSERVICE", "PGDATABASE", "PGPORT"})
        if (const char* e = std::getenv(v); e && *e) return true;
    return false;
}
} // namespace

void SyncService::Impl::run() {
    trace::setThreadLabel(vaultPath);  // names its events when a benchmark traces
    std::unique_ptr<Store> store;
    std::unique_ptr<SyncEngine> engine;
    bool listening = false;
    std::string deviceNote;
    auto lastSyncEnd = Clock::now() - std::chrono::seconds(1);
    constexpr int kNotifyGapMs = 100;
    int backoffMs = 0;
    auto due = Clock::now();

    auto counts = [&] {
        int64_t pending = store->pendingChanges();
        int64_t aside = store->setAsideChanges();
        setStatus([&](SyncStatus& s) {
            s.pending = pending;
            s.setAside = aside;
        });
    };

    while (!stopping) {
        if (Clock::now() >= due) {
            try {
                if (!store) {
                    store = std::make_unique<Store>(vaultPath);
                    SyncOptions opt;
                    opt.conninfo = resolveConninfo(*store, conninfo);
                    opt.schema = resolveSchema(*store, "");
                    if (!anyServerConfigured(opt.conninfo)) {
                        counts();
                        setStatus([](SyncStatus& s) {
                            s.state = SyncState::Disabled;
                            s.message = "no server configured (promptvault sync --pg CONNINFO --save)";
                        });
                        return;
                    }
                    engine = std::make_unique<SyncEngine>(*store, opt);
                }
                setStatus([](SyncStatus& s) { s.state = SyncState::Syncing; });
                if (!engine->connected()) listening = false;
                engine->connect();
                if (!listening) {
                    engine->conn().exec("LISTEN " + quoteIdent(engine->channel()));
                    listening = true;
                }
                auto report = engine->syncOnce();
                lastSyncEnd = Clock::now();
                backoffMs = 0;
                due = Clock::now() + milliseconds(intervalMs);
                // Our own NOTIFY, and any from another device that came during the sync: its push
                // may have committed after this pull's snapshot, so pull once more (after the gap).
                for (const auto& payload : engine->conn().notifications()) {
                    if (payload == store->deviceId()) continue;
                    due = std::min(due, lastSyncEnd + milliseconds(kNotifyGapMs));
                    if (trace::on()) trace::record({"notify", vaultPath, payload, lastSyncEnd, due, {}});
                }
                counts();
                std::string msg = "pushed " + std::to_string(report.push.pushed) + ", pulled " + std::to_string(report.pull.rows);
                if (!report.push.setAside.empty()) msg += ", set aside " + std::to_string(report.push.setAside.size());
                // The clock warning is measured again by every sync; a device note stays for the session.
                if (!report.push.deviceNote.empty()) deviceNote = report.push.deviceNote;
                std::string warning = report.pull.clockWarning;
                if (!deviceNote.empty()) warning += (warning.empty() ? "" : "\n") + deviceNote;
                setStatus([&](SyncStatus& s) {
                    s.state = SyncState::Idle;
                    s.message = msg;
                    s.lastSuccessAt = nowIso();
                    s.warning = warning;
                    s.pulledTotal += static_cast<int64_t>(report.pull.rows);
                });
            } catch (const std::exception& e) {
                const PgError* pe = dynamic_cast<const PgError*>(&e);
                bool offline = pe && pe->connectionLost();
                if (engine) engine->disconnect();
                listening = false;
                backoffMs = std::clamp(backoffMs * 2, 500, std::max(500, maxBackoffMs));
                due = Clock::now() + milliseconds(backoffMs);
                try {
                    if (store) counts();
                } catch (...) {
                }
                std::string what = e.what();
                setStatus([&](SyncStatus& s) {
                    s.state = offline ? SyncState::Offline : SyncState::Error;
                    s.message = (offline ? "offline: " : "sync failed: ") + what + " (retrying in " + std::to_string(backoffMs) + " ms)";
                });
            }
        }

        pollfd fds[2] = {{wakeFd, POLLIN, 0}, {-1, POLLIN, 0}};
        int nfds = 1;
        if (engine && engine->connected()) {
            fds[1].fd = engine->conn().socket();
            nfds = 2;
        }
        auto wait = std::chrono::duration_cast<milliseconds>(due - Clock::now()).count();
        int rc = ::poll(fds, static_cast<nfds_t>(nfds), static_cast<int>(std::clamp<long long>(wait, 0, 60000)));
        if (rc <= 0) continue;
        if (fds[0].revents & POLLIN) {
            uint64_t n = 0;
            (void)!::read(wakeFd, &n, sizeof n);
            if (now.exchange(false)) due = Clock::now();
            if (localChange.exchange(false)) {
                if (backoffMs == 0) due = std::min(due, Clock::now() + milliseconds(debounceMs));
                try {
                    if (store) counts();  // "N changes waiting" stays true while offline
                } catch (...) {
                }
            }
        }
        if (nfds == 2 && (fds[1].revents & (POLLIN | POLLERR | POLLHUP))) {
            try {
                // Another device pushed: pull now, but not sooner than kNotifyGapMs after the last
                // sync ended: with many devices pushing, a burst of notifications makes one pull,
                // and the app's own writes get the vault's write lock in between.
                for (const auto& payload : engine->conn().notifications()) {
                    if (payload == store->deviceId()) continue;
                    due = std::min(due, std::max(Clock::now(), lastSyncEnd + milliseconds(kNotifyGapMs)));
                    if (trace::on()) trace::record({"notify", vaultPath, payload, Clock::now(), due, {}});
                }
            } catch (const std::exception&) {
                engine->disconnect();
                due = Clock::now();
            }
        }
    }
}

SyncService::SyncService(std::string vaultPath, std::string conninfo) : m_impl(std::make_unique<Impl>()) {
    m_impl->vaultPath = std::move(vaultPath);
    m_impl->conninfo = std::move(conninfo);
    m_impl->status.state = SyncState::Idle;
    m_impl->status.message = "not started";
}

SyncService::~SyncService() { stop(); }

void SyncService::setTiming(int debounceMs, int intervalMs, int maxBackoffMs) {
    m_impl->debounceMs = debounceMs;
    m_impl->intervalMs = intervalMs;
    m_impl->maxBackoffMs = maxBackoffMs;
}

void SyncService::start() {
    if (m_impl->thread.joinable()) return;
    m_impl->stopping = false;
    m_impl->wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    m_impl->thread = std::thread([impl = m_impl.get()] {
        try {
            impl->run();
        } catch (const std::exception& e) {
            std::string what = e.what();
            impl->setStatus([&](SyncStatus& s) {
                s.state = SyncState::Error;
                s.message = "sync stopped: " + what;
            });
        }
    });
}

void SyncService::stop() {
    if (!m_impl->thread.joinable()) return;
    m_impl->stopping = true;
    m_impl->wake();
    m_impl->thread.join();
    ::close(m_impl->wakeFd);
    m_impl->wakeFd = -1;
}

void SyncService::notifyLocalChange() {
    m_impl->localChange = true;
    m_impl->wake();
}

void SyncService::syncNow() {
    m_impl->now = true;
    m_impl->wake();
}

SyncStatus SyncService::status() const {
    std::lock_guard lock(m_impl->mu);
    return m_impl->status;
}

} // namespace pv::sync
