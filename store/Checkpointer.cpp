#include "Checkpointer.hpp"

#include <cstring>
#include <ctime>
#include <optional>

namespace pv {
namespace {

double threadCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// SQLite's own default for a database this object does not look after (an attached one).
constexpr int kDefaultAutoCheckpointFrames = 1000;

} // namespace

Checkpointer::Checkpointer(sql::Db& writer, CheckpointLimits limits)
    : m_writer(writer), m_limits(limits), m_pageSize(writer.queryInt("PRAGMA main.page_size")) {
    sqlite3_wal_hook(m_writer.handle(), &Checkpointer::onCommit, this);
}

Checkpointer::~Checkpointer() {
    sqlite3_wal_autocheckpoint(m_writer.handle(), kDefaultAutoCheckpointFrames);
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

int Checkpointer::onCommit(void* self, sqlite3* db, const char* schema, int frames) {
    auto& c = *static_cast<Checkpointer*>(self);
    // Runs after the commit, with the write lock released; whatever happens here, the commit stands,
    // so this always answers SQLITE_OK (an error would be reported as the statement's).
    if (std::strcmp(schema, "main") != 0) {
        if (frames >= kDefaultAutoCheckpointFrames) sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        return SQLITE_OK;
    }
    const int64_t bytes = static_cast<int64_t>(frames) * c.m_pageSize;
    if (bytes < c.m_limits.startBytes) return SQLITE_OK;
    bool inlinePass = bytes >= c.m_limits.inlineBytes;
    if (!inlinePass) {
        std::lock_guard lock(c.m_mutex);
        try {
            if (!c.m_thread.joinable()) c.m_thread = std::thread(&Checkpointer::run, &c);
            c.m_requested = true;
        } catch (const std::exception&) {
            inlinePass = true;  // no thread to be had: do what SQLite would have done
        }
    }
    if (!inlinePass) {
        c.m_wake.notify_one();
        return SQLITE_OK;
    }
    // Copies only what the thread has not copied yet; SQLITE_BUSY means the thread is at it.
    if (sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK) {
        std::lock_guard lock(c.m_mutex);
        ++c.m_stats.inlinePasses;
    }
    return SQLITE_OK;
}

void Checkpointer::run() {
    std::optional<sql::Db> conn;  // this thread's own connection, opened at the first pass
    const char* file = sqlite3_db_filename(m_writer.handle(), "main");
    const std::string path = file ? file : m_writer.path();
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [&] { return m_requested || m_stop; });
        if (m_stop) break;  // the writer's close checkpoints what is left
        m_requested = false;
        m_running = true;
        m_passStart = std::chrono::steady_clock::now();
        lock.unlock();

        const double cpu0 = threadCpuSeconds();
        int logFrames = 0, copiedFrames = 0;
        std::string error;
        try {
            if (!conn) {
                conn.emplace(path, sql::Db::Mode::ReadWrite);
                // A connection finds the file in WAL mode at its first read, not at open.
                conn->queryInt("PRAGMA user_version");
            }
            const int rc = sqlite3_wal_checkpoint_v2(conn->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copiedFrames);
            // BUSY: another checkpoint (the writer's catch-up, another process) holds the log.
            if (rc != SQLITE_OK && rc != SQLITE_BUSY)
                error = "checkpoint of '" + path + "' failed: " + sqlite3_errmsg(conn->handle());
        } catch (const std::exception& e) {
            error = e.what();
        }
        const double cpu = threadCpuSeconds() - cpu0;

        lock.lock();
        m_running = false;
        ++m_stats.backgroundPasses;
        m_stats.lastLogFrames = logFrames;
        m_stats.lastCopiedFrames = copiedFrames;
        m_stats.busySeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - m_passStart).count();
        m_stats.cpuSeconds += cpu;
        if (!error.empty()) m_stats.lastError = error;
        if (!m_requested) m_idle.notify_all();
    }
    m_running = false;
    m_requested = false;
    m_idle.notify_all();
    lock.unlock();
    conn.reset();
}

CheckpointStats Checkpointer::stats() const {
    std::lock_guard lock(m_mutex);
    CheckpointStats s = m_stats;
    if (m_running) s.busySeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - m_passStart).count();
    return s;
}

void Checkpointer::waitIdle() {
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [&] { return !m_requested && !m_running; });
}

} // namespace pv
