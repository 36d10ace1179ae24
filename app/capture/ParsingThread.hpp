// The parsing side of an import: readConversations on its own thread, each conversation walked
// into its plan (ImportPlanner) there; everything it finds goes to a ParsedQueue.
#pragma once
#include "ConversationReader.hpp"
#include "ExportFiles.hpp"
#include "Import.hpp"
#include "ParsedQueue.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <thread>
#include <vector>

namespace pv::capture {

class ParsingThread : ConversationVisitor {
public:
    ParsingThread(const ExportFiles& files, ExportSource source, size_t maxConversationBytes, const std::atomic<bool>* cancel);
    ~ParsingThread();
    ParsingThread(const ParsingThread&) = delete;
    ParsingThread& operator=(const ParsingThread&) = delete;

    using Item = ParsedQueue::Item;
    bool next(Item& item);
    // Stops reading (if it has not ended) and waits for the thread; rethrows what it threw.
    void join();

    // Valid after join().
    std::string fatal;
    std::vector<std::string> files_;
    int64_t repaired = 0;

private:
    void stop();
    bool stopped() override;
    void conversation(Conversation& c, const std::string& where, size_t bytes) override;
    void progress(const ImportProgress& p) override;

    const std::atomic<bool>* m_cancel;
    ParsedQueue m_queue;
    std::vector<SkippedItem> m_skipped;
    std::exception_ptr m_error;
    std::thread m_thread;  // last: started once everything above exists
};

} // namespace pv::capture
