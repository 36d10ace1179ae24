// Contract between the app and the sync engine: a background worker with its own SQLite and
// PostgreSQL connections, and a status the UI polls every frame without blocking.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace pv::sync {

enum class SyncState { Disabled, Idle, Syncing, Offline, Error };

struct SyncStatus {
    SyncState state = SyncState::Disabled;
    std::string message;        // "offline: connection refused", "pushed 12, pulled 3"...
    int64_t pending = 0;        // local changes waiting to be pushed
    int64_t setAside = 0;       // changes the server refused, kept for the person to look at
    std::string lastSuccessAt;  // ISO-8601, empty when never
    std::string warning;        // this device's clock is far off, or the vault went on as a new device
    int64_t pulledTotal = 0;    // rows a pull applied to the vault since start: the app re-reads when it grows
};

class SyncService {
public:
    // vaultPath: the vault file (the service opens its own connection). conninfo: libpq string;
    // empty = the one saved in the vault's settings, or PG* environment variables.
    SyncService(std::string vaultPath, std::string conninfo);
    ~SyncService();  // stops the thread
    SyncService(const SyncService&) = delete;
    SyncService& operator=(const SyncService&) = delete;

    void start();
    void stop();
    void notifyLocalChange();  // a local write happened: sync soon
    void syncNow();
    SyncStatus status() const;  // thread-safe snapshot, cheap

    // Timing (call before start()): a local change syncs after debounceMs; with nothing happening
    // the service syncs every intervalMs; while the server is unreachable it retries with
    // exponential backoff from 500 ms up to maxBackoffMs. Another device's change arrives at once
    // through LISTEN/NOTIFY.
    void setTiming(int debounceMs, int intervalMs, int maxBackoffMs);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace pv::sync
