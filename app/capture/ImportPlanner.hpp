// Walks a conversation's message tree into a ConversationPlan, without the vault (it runs on the
// parsing thread).
#pragma once
#include "Conversation.hpp"
#include "ConversationPlan.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pv::capture {

class ImportPlanner {
public:
    static ConversationPlan plan(const Conversation& c, const std::string& where);

private:
    explicit ImportPlanner(const Conversation& c);

    // What a branch of the tree carries down to its children.
    struct Path {
        bool haveUser = false;
        size_t userIdx = 0;
        bool firstPromptDone = false;
        std::string text, notes, context, model, lastReplyId, lastReplyAt;
        std::vector<std::string> replyIds;
    };

    void walk(const std::string& where);
    // Returns the path for the children (nullptr = unchanged).
    std::shared_ptr<const Path> step(size_t i, const Path& in, std::optional<size_t> prevUserSibling,
                                     const std::vector<std::vector<size_t>>& children);

    const Conversation& m_c;
    ConversationPlan m_plan;
};

} // namespace pv::capture
