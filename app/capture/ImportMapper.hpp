// Writes a conversation's plan: prompts, outputs, models and agents, deduplicated against the vault.
#pragma once
#include "BatchWriter.hpp"
#include "Conversation.hpp"
#include "ConversationPlan.hpp"
#include "ImportFeedback.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace pv::capture {

class ImportMapper {
public:
    ImportMapper(BatchWriter& w, const ImportOptions& o, const std::unordered_map<std::string, Feedback>& feedback,
                 const std::unordered_map<std::string, Agent>& projects, ImportReport& report);

    // Returns true when something new was written. Takes the answers' texts out of `plan`.
    bool map(const Conversation& c, ConversationPlan& plan);

private:
    std::string promptFor(size_t i);
    std::string bodyOf(size_t i) const;
    void emit(ConversationPlan::Answer& p);
    Agent agentFor(const std::string& key);

    BatchWriter& m_w;
    const ImportOptions& m_o;
    const std::unordered_map<std::string, Feedback>& m_feedback;
    const std::unordered_map<std::string, Agent>& m_projects;
    ImportReport& m_report;
    const Conversation* m_c = nullptr;
    const ConversationPlan* m_plan = nullptr;
    bool m_new = false;
    std::vector<std::string> m_promptOf;
    std::vector<bool> m_hadPresent;  // a user message with an output imported before
};

} // namespace pv::capture
