#include "Editor.hpp"

#include "Style.hpp"
#include "Widgets.hpp"

#include <imgui.h>

#include <algorithm>

namespace pv::ui {

void Editor::placeActions(const std::vector<const char*>& labels) {
    const ImGuiStyle& st = ImGui::GetStyle();
    float w = 0;
    for (const char* l : labels) w += ImGui::CalcTextSize(l, nullptr, true).x + st.FramePadding.x * 2;
    if (!labels.empty()) w += st.ItemSpacing.x * static_cast<float>(labels.size() - 1);
    const float x = ImGui::GetContentRegionMax().x - w;
    const float titleEnd = ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + ImGui::GetScrollX();
    if (x >= titleEnd + st.ItemSpacing.x) ImGui::SameLine(x);
    else ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), x));
}

void Editor::externalChange() {
    if (!record()) return;  // nothing stored is open (none, or a new record not saved yet)
    if (!dirty()) {
        load(record());
        m_changedElsewhere = false;
        m_keptOver.clear();
        return;
    }
    std::string stored = storedStamp();
    if (stored != loadedStamp() && stored != m_keptOver) m_changedElsewhere = true;
}

void Editor::reloadFromVault() {
    m_changedElsewhere = false;
    m_keptOver.clear();
    m_recovered = false;
    load(record());
}

void Editor::keepMyDraft() {
    m_changedElsewhere = false;
    m_keptOver = storedStamp();
}

void Editor::drawBanners() {
    if (m_recovered && dirty()) {
        ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(44, 62, 96, 255));
        ImGui::BeginChild("##recovered", {0, ImGui::GetFrameHeightWithSpacing() + 14}, true);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("Unsaved draft recovered: these edits were kept while you typed.");
        ImGui::SameLine();
        if (ImGui::SmallButton("Discard draft")) {
            discard();
            m_recovered = false;
        }
        testhook::mark("draft:discard");
        ImGui::SameLine();
        if (ImGui::SmallButton("Keep editing")) m_recovered = false;
        ImGui::EndChild();
        ImGui::PopStyleColor();
    } else if (m_recovered && !dirty()) {
        m_recovered = false;
    }
    if (m_changedElsewhere) {
        ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(92, 70, 30, 255));
        ImGui::BeginChild("##elsewhere", {0, ImGui::GetFrameHeightWithSpacing() + 14}, true);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(storedStamp().empty() ? "This record was removed elsewhere; your edits are still here."
                                                     : "This record changed elsewhere while you were editing it.");
        ImGui::SameLine();
        if (ImGui::SmallButton("Reload")) reloadFromVault();
        testhook::mark("elsewhere:reload");
        ImGui::SameLine();
        if (ImGui::SmallButton("Keep my draft")) keepMyDraft();
        testhook::mark("elsewhere:keep");
        ImGui::EndChild();
        ImGui::PopStyleColor();
    }
}

std::string joinIds(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : " ") + id;
    return out;
}

std::vector<std::string> splitIds(const std::string& s) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size()) {
        size_t j = s.find(' ', i);
        if (j == std::string::npos) j = s.size();
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

} // namespace pv::ui
