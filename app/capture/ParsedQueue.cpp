#include "ParsedQueue.hpp"

namespace pv::capture {

bool ParsedQueue::push(Item&& item) {
    std::unique_lock lock(m_mutex);
    m_notFull.wait(lock, [&] { return m_aborted || m_items.empty() || (m_items.size() < kMaxItems && m_bytes < kMaxBytes); });
    if (m_aborted) return false;
    m_bytes += item.bytes;
    m_items.push_back(std::move(item));
    m_notEmpty.notify_one();
    return true;
}

bool ParsedQueue::pop(Item& item) {
    std::unique_lock lock(m_mutex);
    m_notEmpty.wait(lock, [&] { return m_finished || !m_items.empty(); });
    if (m_items.empty()) return false;
    item = std::move(m_items.front());
    m_items.pop_front();
    m_bytes -= item.bytes;
    m_notFull.notify_one();
    return true;
}

void ParsedQueue::finish() {
    std::lock_guard lock(m_mutex);
    m_finished = true;
    m_notEmpty.notify_all();
}

void ParsedQueue::abort() {
    std::lock_guard lock(m_mutex);
    m_aborted = true;
    m_items.clear();
    m_notFull.notify_all();
}

bool ParsedQueue::aborted() {
    std::lock_guard lock(m_mutex);
    return m_aborted;
}

} // namespace pv::capture
