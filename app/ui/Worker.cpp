#include "Worker.hpp"

namespace pv::ui {

Worker::Worker(std::string vaultPath) : m_path(std::move(vaultPath)) { m_thread = std::thread([this] { run(); }); }

Worker::~Worker() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_jobs.clear();
    }
    m_cv.notify_all();
    m_thread.join();
}

void Worker::post(Job job, std::string key) {
    {
        std::lock_guard lock(m_mutex);
        bool replaced = false;
        if (!key.empty())
            for (auto& [k, j] : m_jobs)
                if (k == key) {
                    j = std::move(job);
                    replaced = true;
                    break;
                }
        if (!replaced) m_jobs.emplace_back(std::move(key), std::move(job));
    }
    m_cv.notify_one();
}

int Worker::pump() {
    std::deque<UiCallback> done;
    {
        std::lock_guard lock(m_mutex);
        done.swap(m_done);
    }
    for (auto& cb : done)
        if (cb) cb();
    return static_cast<int>(done.size());
}

bool Worker::busy() const {
    std::lock_guard lock(m_mutex);
    return m_running || !m_jobs.empty();
}

void Worker::waitIdle() {
    std::unique_lock lock(m_mutex);
    m_idleCv.wait(lock, [this] { return !m_running && m_jobs.empty(); });
}

void Worker::run() {
    std::unique_ptr<Store> store;
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
            if (m_stop) return;
            job = std::move(m_jobs.front().second);
            m_jobs.pop_front();
            m_running = true;
        }
        UiCallback cb;
        std::string error;
        try {
            if (!store) store = std::make_unique<Store>(m_path, OpenOptions{.readOnly = false, .create = false});
            cb = job(*store);
        } catch (const std::exception& e) {
            error = e.what();
        }
        std::function<void()> wake;
        {
            std::lock_guard lock(m_mutex);
            if (!error.empty() || cb) wake = m_wake;
            if (!error.empty()) m_done.emplace_back([this, error] { m_lastError = error; });
            else if (cb) m_done.push_back(std::move(cb));
            m_running = false;
        }
        m_idleCv.notify_all();
        if (wake) wake();
    }
}

} // namespace pv::ui
