#pragma once
#include "Import.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pv::capture {

// What a conversation's message tree says, worked out without the vault, so it runs on the parsing
// thread: the answers (one output each) in the order the walk ends them, and what their prompts
// need. ImportMapper writes a plan.
struct ConversationPlan {
    struct Answer {
        bool haveUser = false;
        size_t userIdx = 0;  // the user message it answers (when haveUser)
        std::string text, notes, model, lastReplyId, lastReplyAt;
        std::vector<std::string> replyIds;
        std::string language;  // of the output's text (detectLanguage), worked out here off the writing thread
    };
    std::vector<Answer> answers;
    std::vector<std::optional<size_t>> prevSibling;  // per message: the user message a user message edits
    std::vector<bool> firstPrompt;                   // per message: the first prompt of its branch
    std::vector<size_t> walkedUsers;                 // user messages reached by the walk, in message order
    std::vector<SkippedItem> skipped;
    std::vector<std::string> warnings;
};

} // namespace pv::capture
