#include "CapturePanel.hpp"
#include "Language.hpp"

#include "Store.hpp"
#include "capture/Clipboard.hpp"

namespace pv::ui {

CapturePanel::CapturePanel(AppContext& ctx) : m_ctx(ctx) {}

void CapturePanel::openWith(const std::string& text) {
    m_text = text;
    auto split = capture::guessSplit(text);
    m_prompt = split.prompt;
    m_answer = split.answer;
    m_reason = split.reason;
    m_confidence = split.confidence;
    m_splitAt = static_cast<int>(split.promptEnd);
    m_tags.clear();
    m_modelId.reset();
    m_agentId.reset();
    m_modelLabel.clear();
    m_agentLabel.clear();
    if (!split.modelHint.empty())
        if (auto id = m_ctx.store().findByName(Kind::Model, split.modelHint)) m_modelId = *id, m_modelLabel = split.modelHint;
    m_open = true;
    m_focus = true;
}

bool CapturePanel::file() {
    Store& s = m_ctx.store();
    if (trim(m_answer).empty()) {
        m_ctx.error("Nothing to file: the answer is empty");
        return false;
    }
    std::string outputId;
    try {
        s.transaction([&] {
            Output o;
            if (!trim(m_prompt).empty()) {
                std::string title = previewText(trim(m_prompt), 80);
                o.promptId = s.findOrCreatePrompt(title, trim(m_prompt)).id;
            }
            o.modelId = m_modelId;
            o.agentId = m_agentId;
            o.output = m_answer;
            o.language = detectLanguage(m_answer);
            o.source = "clipboard";
            o = s.createOutput(o);
            for (auto& t : m_tags) s.linkTag(Kind::Output, o.id, t.id);
            outputId = o.id;
        });
    } catch (const std::exception& e) {
        m_ctx.error(std::string("Not filed: ") + e.what());
        return false;
    }
    m_open = false;
    m_ctx.dataChanged();
    m_ctx.notice("Captured from the clipboard");
    m_ctx.open({Kind::Output, outputId});
    return true;
}

void CapturePanel::drawWindow() {
    if (!m_open) return;
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Appearing, {0.5f, 0.5f});
    ImGui::SetNextWindowSize({std::min(820.0f, vp->WorkSize.x - 40), std::min(680.0f, vp->WorkSize.y - 40)}, ImGuiCond_Appearing);
    if (m_focus) {
        ImGui::SetNextWindowFocus();
        m_focus = false;
    }
    if (!ImGui::Begin("Capture from clipboard###capture", &m_open, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::End();
        return;
    }
    const Fonts& fonts = m_ctx.fonts();
    if (m_confidence > 0) ImGui::TextColored(toVec(m_confidence >= 0.5 ? color::good : color::warn), "Split guessed: %s", shown(m_reason));
    else ImGui::TextColored(toVec(color::muted), "No prompt found in the clipboard: everything is the answer. Move the split if needed.");
    ImGui::SetNextItemWidth(-120);
    int maxSplit = static_cast<int>(m_text.size());
    if (ImGui::SliderInt("split at byte", &m_splitAt, 0, maxSplit)) {
        auto sp = capture::splitAt(m_text, static_cast<size_t>(m_splitAt));
        m_prompt = sp.prompt;
        m_answer = sp.answer;
    }
    const float h = std::max(80.0f, (ImGui::GetContentRegionAvail().y - 190) / 2);
    sectionHeader(fonts, "Prompt");
    ImGui::PushFont(fonts.mono);
    inputMultiline("##prompt", m_prompt, {-1, h * 0.7f});
    ImGui::PopFont();
    sectionHeader(fonts, "Answer");
    ImGui::PushFont(fonts.mono);
    inputMultiline("##answer", m_answer, {-1, h * 1.3f});
    ImGui::PopFont();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Model");
    ImGui::SameLine(70);
    if (m_modelId && m_modelLabel.empty()) m_modelLabel = m_ctx.store().labelOf({Kind::Model, *m_modelId});
    if (m_model.drawSingle(m_ctx, "cmodel", m_modelId, m_modelLabel)) m_modelLabel.clear();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Agent");
    ImGui::SameLine(70);
    if (m_agentId && m_agentLabel.empty()) m_agentLabel = m_ctx.store().labelOf({Kind::Agent, *m_agentId});
    if (m_agent.drawSingle(m_ctx, "cagent", m_agentId, m_agentLabel)) m_agentLabel.clear();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Tags");
    ImGui::SameLine(70);
    ImGui::BeginGroup();
    for (size_t i = 0; i < m_tags.size(); ++i) {
        if (i) ImGui::SameLine();
        if (chip(m_tags[i].id, m_tags[i].name)) {
            m_tags.erase(m_tags.begin() + static_cast<long>(i));
            break;
        }
    }
    std::vector<std::string> have;
    for (auto& t : m_tags) have.push_back(t.id);
    if (auto id = m_tagAdd.drawAdd(m_ctx, "ctags", "add a tag…", have))
        if (auto t = m_ctx.store().getTag(*id)) m_tags.push_back(*t);
    ImGui::EndGroup();
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(46, 110, 72, 255));
    if (ImGui::Button("File it  (Ctrl+Enter)") || (ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)))) file();
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::Button("Open in the full editor instead")) {
        m_open = false;
        m_ctx.newOutput("", m_answer);
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) m_open = false;
    ImGui::End();
}

} // namespace pv::ui
