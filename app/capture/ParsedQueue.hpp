// Between the parsing thread and the writing one: parsed conversations in file order, with the
// reader's problems and progress in between. Bounded, so a fast reader never holds more than
// about 32 MB of export (as parsed conversations and their plans) ahead of the writer.
#pragma once
#include "Conversation.hpp"
#include "ConversationPlan.hpp"
#include "Import.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace pv::capture {

class ParsedQueue {
public:
    struct Item {
        std::optional<Conversation> conversation;
        ConversationPlan plan;  // the conversation's tree, walked on the parsing thread
        std::string where;
        size_t bytes = 0;
        std::vector<SkippedItem> skipped;  // reader problems seen before this item
        std::optional<ImportProgress> progress;
    };

    // Blocks while full; false when the writer has stopped taking items.
    bool push(Item&& item);
    // Blocks while empty; false once the reader has finished and everything was taken.
    bool pop(Item& item);
    void finish();
    void abort();
    bool aborted();

private:
    // Bounded mostly by bytes: while the writer moves a batch (a quarter second for 16 MB) the
    // parser keeps going, and a count of 256 stopped it after ~6 MB, so the writer then waited for
    // parsing between batches (0.7-0.8 s of a 3.7 s import of 100 MB; 0.08 s with 4096).
    static constexpr size_t kMaxItems = 4096;  // many tiny conversations: their overhead counts too
    static constexpr size_t kMaxBytes = 32u << 20;
    std::mutex m_mutex;
    std::condition_variable m_notFull, m_notEmpty;
    std::deque<Item> m_items;
    size_t m_bytes = 0;
    bool m_finished = false, m_aborted = false;
};

} // namespace pv::capture
