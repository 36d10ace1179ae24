#include "Checkpointer.hpp"

#include <cstring>
#include <ctime>
#include <optional>
#include <system_error>

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
    : m_writer(writer), m_limits(limits), m_pageSize(writer.queryInt("PRAGMA main.page_size")), m_path([&] {
          const char* file = sqlite3_db_filename(writer.handle(), "main");
          return std::string(file && *file ? file : writer.path());
      }()) {
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
    m_conn.reset();  // normally closed by the thread already
}

int Checkpointer::onCommit(void* self, sqlite3* db, const char* schema, int frames) {
    // Runs after the commit, with the write lock released; whatever happens here, the commit stands,
    // so this always answers SQLITE_OK (an error would be reported as the statement's) and nothing
    // is thrown through SQLite.
    try {
        static_cast<Checkpointer*>(self)->committed(db, schema, frames);
    } catch (...) {
        // The log is copied at a later commit or at close.
    }
    return SQLITE_OK;
}

void Checkpointer::committed(sqlite3* db, const char* schema, int frames) {
    if (std::strcmp(schema, "main") != 0) {
        if (frames >= kDefaultAutoCheckpointFrames) sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        return;
    }
    const int64_t bytes = static_cast<int64_t>(frames) * m_pageSize;
    if (bytes < m_limits.startBytes) return;
    if (bytes < m_limits.inlineBytes && request()) return;
    // Copies only what the thread has not copied yet. BUSY: the thread is at it; have it go once
    // more, so what this commit added is not left waiting for the next commit.
    const int rc = sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc == SQLITE_OK) {
        std::lock_guard lock(m_mutex);
        ++m_stats.inlinePasses;
    } else if (rc == SQLITE_BUSY) {
        request();
    }
}

bool Checkpointer::request() {
    {
        std::lock_guard lock(m_mutex);
        try {
            if (!m_thread.joinable()) m_thread = std::thread(&Checkpointer::run, this);
        } catch (const std::system_error&) {
            return false;  // no thread to be had: the caller checkpoints, as SQLite would have
        }
        m_requested = true;
    }
    m_wake.notify_one();
    return true;
}

void Checkpointer::run() {
    std::optional<sql::Db>& conn = m_conn;  // this thread's own connection, opened at the first pass
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [&] { return m_requested || m_stop; });
        if (m_stop) break;  // closing: the last connection to close copies what is left
        m_requested = false;
        m_running = true;
        m_passStart = std::chrono::steady_clock::now();
        lock.unlock();

        const double cpu0 = threadCpuSeconds();
        int logFrames = 0, copiedFrames = 0, rc = SQLITE_OK;
        std::string error;
        try {
            if (!conn) {
                sql::Db opened(m_path, sql::Db::Mode::ReadWrite);
                // A connection finds the file in WAL mode at its first read, not at open.
                opened.queryInt("PRAGMA user_version");
                conn = std::move(opened);
            }
            rc = sqlite3_wal_checkpoint_v2(conn->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copiedFrames);
            // BUSY: another checkpoint (the writer's catch-up, another process) holds the log.
            if (rc != SQLITE_OK && rc != SQLITE_BUSY) error = "checkpoint of '" + m_path + "' failed: " + sqlite3_errmsg(conn->handle());
        } catch (const std::exception& e) {
            error = e.what();
            rc = SQLITE_ERROR;
        }
        const double cpu = threadCpuSeconds() - cpu0;

        lock.lock();
        m_running = false;
        if (rc == SQLITE_BUSY) {
            ++m_stats.busyPasses;
        } else {
            ++m_stats.backgroundPasses;
            if (rc == SQLITE_OK) {
                m_stats.lastLogFrames = logFrames;
                m_stats.lastCopiedFrames = copiedFrames;
            }
            m_stats.lastError = error;
        }
        m_stats.busySeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - m_passStart).count();
        m_stats.cpuSeconds += cpu;
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
