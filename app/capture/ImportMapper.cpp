#include "ImportMapper.hpp"

#include "ImportCommon.hpp"

#include <optional>

namespace pv::capture {

ImportMapper::ImportMapper(BatchWriter& w, const ImportOptions& o, const std::unordered_map<std::string, Feedback>& feedback,
                           const std::unordered_map<std::string, Agent>& projects, ImportReport& report)
    : m_w(w), m_o(o), m_feedback(feedback), m_projects(projects), m_report(report) {}

bool ImportMapper::map(const Conversation& c, ConversationPlan& plan) {
    m_c = &c;
    m_plan = &plan;
    m_new = false;
    for (const auto& s : plan.skipped) m_report.skipped.push_back(s);
    for (const auto& w : plan.warnings) m_report.warnings.push_back(w);
    const size_t n = c.msgs.size();
    m_promptOf.assign(n, std::string());
    m_hadPresent.assign(n, false);
    for (auto& a : plan.answers) emit(a);
    // The prompt is written when a new output needs it, or here when nothing below it was
    // imported before, so a re-import never revives a prompt deleted with its outputs.
    for (size_t i : plan.walkedUsers)
        if (m_promptOf[i].empty() && !m_hadPresent[i]) promptFor(i);
    return m_new;
}

std::string ImportMapper::promptFor(size_t i) {
    if (!m_promptOf[i].empty()) return m_promptOf[i];
    const Msg& m = m_c->msgs[i];
    std::optional<std::string> derived;
    if (auto sib = m_plan->prevSibling[i]) {
        if (!m_promptOf[*sib].empty()) derived = m_promptOf[*sib];
        else if (!(derived = m_w.findPrompt(bodyOf(*sib))) && !m_hadPresent[*sib]) derived = promptFor(*sib);
    }
    std::string title = m_plan->firstPrompt[i] && !m_c->title.empty() ? m_c->title : std::string();
    bool created = false;
    m_promptOf[i] = m_w.prompt(title, bodyOf(i), m.promptNotes, derived, created);
    if (created) m_new = true;
    return m_promptOf[i];
}

std::string ImportMapper::bodyOf(size_t i) const {
    const Msg& m = m_c->msgs[i];
    return m.text.empty() ? std::string("[empty message]") : m.text;
}

void ImportMapper::emit(ConversationPlan::Answer& p) {
    const Conversation& c = *m_c;
    std::optional<Feedback> fb;
    for (const auto& id : p.replyIds) {
        auto it = m_feedback.find(c.id + "/" + id);
        if (it != m_feedback.end()) fb = it->second;
    }
    std::optional<std::string> agentId;
    if (!c.agentKey.empty()) agentId = m_w.agent(agentFor(c.agentKey));
    if (auto existing = m_w.findOutput(c.id, p.lastReplyId)) {
        m_w.present();
        if (p.haveUser) {
            m_hadPresent[p.userIdx] = true;
            if (m_promptOf[p.userIdx].empty()) {  // count it, never create it
                if (auto id = m_w.findPrompt(bodyOf(p.userIdx))) {
                    m_promptOf[p.userIdx] = *id;
                    m_w.notePresentPrompt(*id);
                }
            }
        }
        if (fb && !existing->hasRating) m_w.setRatingIfNone(*existing, fb->rating);
        return;
    }
    Output o;
    if (p.haveUser) o.promptId = promptFor(p.userIdx);
    std::string modelName = !p.model.empty() ? p.model : c.defaultModel;
    const bool chatgpt = m_o.source == ExportSource::ChatGpt;
    if (modelName.empty())
        modelName = !m_o.defaultModelName.empty() ? m_o.defaultModelName : chatgpt ? "ChatGPT (unspecified)" : "Claude (unspecified)";
    o.modelId = m_w.model(modelName, chatgpt ? "OpenAI" : "Anthropic");
    o.agentId = agentId;
    o.output = !p.text.empty() ? std::move(p.text) : std::string(kNoAnswerText);
    o.language = std::move(p.language);
    o.notes = std::move(p.notes);
    if (fb) {
        o.rating = fb->rating;
        if (!fb->text.empty()) appendPara(o.notes, "[feedback] " + fb->text);
    }
    o.source = sourceName(m_o.source);
    o.conversationId = c.id;
    o.conversationTitle = c.title;
    o.messageId = p.lastReplyId;
    o.conversationUrl = c.url;
    o.capturedAt = !p.lastReplyAt.empty() ? p.lastReplyAt : c.createdAt;
    m_w.createOutput(o);
    m_new = true;
}

Agent ImportMapper::agentFor(const std::string& key) {
    if (m_o.source == ExportSource::Claude) {
        auto it = m_projects.find(key);
        if (it != m_projects.end()) return it->second;
        Agent a;
        a.name = "Claude project " + key.substr(0, 8);
        a.platform = "claude";
        a.url = "https://claude.ai/project/" + key;
        return a;
    }
    Agent a;
    a.name = "Custom GPT " + key;
    a.platform = "chatgpt";
    a.url = "https://chatgpt.com/g/" + key;
    a.description = "A custom GPT used in imported ChatGPT conversations (the export names its id only).";
    return a;
}

} // namespace pv::capture
