#include "ParsingThread.hpp"

#include "ImportPlanner.hpp"

#include <utility>

namespace pv::capture {

ParsingThread::ParsingThread(const ExportFiles& files, ExportSource source, size_t maxConversationBytes, const std::atomic<bool>* cancel)
    : m_cancel(cancel) {
    m_thread = std::thread([this, &files, source, maxConversationBytes] {
        try {
            fatal = readConversations(files, source, *this, m_skipped, files_, repaired, maxConversationBytes);
            Item rest;
            rest.skipped.swap(m_skipped);
            if (!rest.skipped.empty()) m_queue.push(std::move(rest));
        } catch (...) {
            m_error = std::current_exception();
        }
        m_queue.finish();
    });
}

ParsingThread::~ParsingThread() { stop(); }

bool ParsingThread::next(Item& item) { return m_queue.pop(item); }

void ParsingThread::join() {
    stop();
    if (m_error) std::rethrow_exception(std::exchange(m_error, nullptr));
}

void ParsingThread::stop() {
    m_queue.abort();
    if (m_thread.joinable()) m_thread.join();
}

bool ParsingThread::stopped() { return (m_cancel && m_cancel->load()) || m_queue.aborted(); }

void ParsingThread::conversation(Conversation& c, const std::string& where, size_t bytes) {
    Item item;
    item.skipped.swap(m_skipped);
    try {
        item.plan = ImportPlanner::plan(c, where);
    } catch (const std::exception& e) {
        // As when writing it fails: this conversation is skipped, the import goes on.
        item.skipped.push_back({where, std::string("not imported, nothing of it was kept: ") + e.what()});
        m_queue.push(std::move(item));
        return;
    }
    // The plan holds the answers' texts now; only user messages are read again (prompts).
    for (auto& m : c.msgs) {
        if (m.role == MsgRole::User) continue;
        std::string().swap(m.text);
        std::string().swap(m.notes);
    }
    item.conversation = std::move(c);
    item.where = where;
    item.bytes = bytes;
    m_queue.push(std::move(item));
}

void ParsingThread::progress(const ImportProgress& p) {
    Item item;
    item.skipped.swap(m_skipped);
    item.progress = p;
    m_queue.push(std::move(item));
}

} // namespace pv::capture
