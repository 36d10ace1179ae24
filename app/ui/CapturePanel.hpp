// Quick capture from the clipboard: guesses where the copied prompt ends and the answer begins
// (capture::guessSplit), lets the person fix the split, pick model / agent / tags, and files it
// as one output in one step.
#pragma once
#include "AppContext.hpp"
#include "Widgets.hpp"

namespace pv::ui {

class CapturePanel {
public:
    explicit CapturePanel(AppContext& ctx);
    void openWith(const std::string& clipboardText);
    bool isOpen() const { return m_open; }
    void drawWindow();
    // Files the capture; false (error shown) when refused. Public for tests.
    bool file();
    std::string& promptText() { return m_prompt; }
    std::string& answerText() { return m_answer; }

private:
    AppContext& m_ctx;
    bool m_open = false, m_focus = false;
    std::string m_text, m_prompt, m_answer, m_reason;
    double m_confidence = 0;
    int m_splitAt = 0;
    std::optional<std::string> m_modelId, m_agentId;
    std::string m_modelLabel, m_agentLabel;
    std::vector<Tag> m_tags;
    Picker m_model{Kind::Model, "model"};
    Picker m_agent{Kind::Agent, "agent"};
    Picker m_tagAdd{Kind::Tag, "tag"};
};

} // namespace pv::ui
