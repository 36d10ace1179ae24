// Copies a vault's write-ahead log back into the vault file on a thread of its own.
//
// SQLite's default runs the checkpoint inside the commit that takes the log past 1000 pages, so
// every so often a commit (a keystroke's save, an import batch) also pays for copying and syncing
// everything written since the last one. Here the writer's commit only wakes this thread, which
// checkpoints through its own connection while the writer goes on. When the log still grows past
// `inlineBytes` (the thread is behind, or the writer never pauses long enough for the log to
// restart), the committing writer catches up itself: the log stays within about `inlineBytes` plus
// one transaction.
#pragma once
#include "Sqlite.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace pv {

struct CheckpointLimits {
    int64_t startBytes = 64ll << 20;    // wake the thread once the log holds this much (SQLite: 1000 pages)
    int64_t inlineBytes = 256ll << 20;  // past this the committing writer checkpoints itself
};

struct CheckpointStats {
    int64_t backgroundPasses = 0;   // checkpoints run by the thread (not counting busyPasses)
    int64_t busyPasses = 0;         // the thread's passes that found another checkpoint running
    int64_t inlinePasses = 0;       // checkpoints the writer ran itself (log past inlineBytes)
    int64_t lastLogFrames = 0;      // the log's frames when the thread's last pass ended
    int64_t lastCopiedFrames = 0;   // of those, the frames in the vault file by then
    double busySeconds = 0;         // wall time the thread spent checkpointing, including a pass under way
    double cpuSeconds = 0;          // CPU time of the thread's finished passes
    std::string lastError;          // why the last pass failed ("" once one succeeds): retried at the next commit
};

class Checkpointer {
public:
    // Takes over the log hook of `writer` (which turns off SQLite's automatic checkpoint on it);
    // `writer` must outlive this object. Construct on the writer's thread.
    Checkpointer(sql::Db& writer, CheckpointLimits limits);
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;
    ~Checkpointer();  // finishes a pass under way, puts SQLite's automatic checkpoint back

    CheckpointStats stats() const;
    // Blocks until no pass is asked for or under way (benchmarks and tests).
    void waitIdle();

private:
    static int onCommit(void* self, sqlite3* db, const char* schema, int frames);
    void committed(sqlite3* db, const char* schema, int frames);
    bool request();  // wakes the thread (starting it the first time); false when no thread can be had
    void run();

    sql::Db& m_writer;  // used by the writer's thread only (the hook runs there)
    const CheckpointLimits m_limits;
    const int64_t m_pageSize;
    const std::string m_path;  // the vault file, for the thread's own connection

    // The thread's own connection, opened at its first pass and closed when it stops. Held here,
    // not on the thread's stack, so it is owned by the Store like every other handle: reachable
    // (LeakSanitizer finds it from the Store, whatever the thread is doing) and closed by the
    // destructor after the join even if the thread could not close it.
    std::optional<sql::Db> m_conn;

    mutable std::mutex m_mutex;
    std::condition_variable m_wake, m_idle;
    bool m_requested = false, m_running = false, m_stop = false;
    std::chrono::steady_clock::time_point m_passStart;
    CheckpointStats m_stats;
    std::thread m_thread;  // started at the first request
};

} // namespace pv
