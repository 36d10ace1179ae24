// A background thread with its own pv::Store on the vault file (WAL lets it read while the UI
// writes). The UI posts jobs; results come back as callbacks run on the UI thread by pump().
#pragma once
#include "Store.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace pv::ui {

class Worker {
public:
    using UiCallback = std::function<void()>;
    // A job runs on the worker thread and returns what the UI thread should do with its result.
    using Job = std::function<UiCallback(Store&)>;

    explicit Worker(std::string vaultPath);
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    // `key` coalesces: a queued job with the same non-empty key is replaced (typing a search
    // posts one query per keystroke; only the newest matters).
    void post(Job job, std::string key = "");
    // Runs finished jobs' callbacks on the calling (UI) thread. Returns how many ran.
    int pump();
    bool busy() const;
    // Called on the worker thread whenever a result is ready for pump() (the app wakes its event
    // loop with it, so an answer is drawn at once rather than at the next timeout). Set before use.
    void setWake(std::function<void()> wake) {
        std::lock_guard lock(m_mutex);
        m_wake = std::move(wake);
    }
    // Tests and the screenshot mode: wait until the queue is empty and nothing is running.
    void waitIdle();
    const std::string& lastError() const { return m_lastError; }

private:
    void run();

    std::string m_path;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv, m_idleCv;
    std::deque<std::pair<std::string, Job>> m_jobs;
    std::deque<UiCallback> m_done;
    bool m_running = false;
    bool m_stop = false;
    std::string m_lastError;
    std::function<void()> m_wake;
    std::thread m_thread;
};

} // namespace pv::ui
