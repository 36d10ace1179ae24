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

namespace {
// A banner as tall as its contents, the pane's width: its message wraps and its buttons go on the
// message's line when they fit and onto lines of their own when not, so at 900 px they stay in
// view (a fixed-height child clipped them off the pane's right edge).
struct BannerButton {
    const char* label;
    const char* mark;  // testhook key, or nullptr
};
int banner(ImU32 bg, const char* message, std::initializer_list<BannerButton> buttons) {
    const ImGuiStyle& st = ImGui::GetStyle();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    const ImVec2 pad = st.WindowPadding;
    float buttonsW = 0;
    for (const auto& b : buttons) buttonsW += ImGui::CalcTextSize(b.label).x + st.FramePadding.x * 2 + st.ItemSpacing.x;
    const float room = w - pad.x * 2;
    dl->ChannelsSplit(2);
    dl->ChannelsSetCurrent(1);
    ImGui::SetCursorScreenPos({start.x + pad.x, start.y + pad.y});
    ImGui::BeginGroup();
    int pressed = -1;
    const bool oneLine = ImGui::CalcTextSize(message).x + buttonsW <= room;
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + room);
    ImGui::TextWrapped("%s", message);
    ImGui::PopTextWrapPos();
    const float left = ImGui::GetCursorPosX();
    int i = 0;
    for (const auto& b : buttons) {
        const float bw = ImGui::CalcTextSize(b.label).x + st.FramePadding.x * 2;
        if (oneLine || i > 0) {
            ImGui::SameLine();
            if (!oneLine && ImGui::GetCursorPosX() + bw > left + room) ImGui::NewLine();
        }
        if (ImGui::SmallButton(b.label)) pressed = i;
        if (b.mark) testhook::mark(b.mark);
        ++i;
    }
    ImGui::EndGroup();
    const ImVec2 end(start.x + w, ImGui::GetItemRectMax().y + pad.y);
    dl->ChannelsSetCurrent(0);
    dl->AddRectFilled(start, end, bg, st.ChildRounding);
    dl->ChannelsMerge();
    ImGui::SetCursorScreenPos(start);
    ImGui::Dummy({w, end.y - start.y});
    return pressed;
}
} // namespace

void Editor::drawBanners() {
    if (m_recovered && dirty()) {
        switch (banner(IM_COL32(44, 62, 96, 255), "Unsaved draft recovered: these edits were kept while you typed.",
                       {{"Discard draft", "draft:discard"}, {"Keep editing", "draft:keep"}})) {
        case 0:
            discard();
            m_recovered = false;
            break;
        case 1: m_recovered = false; break;
        default: break;
        }
    } else if (m_recovered && !dirty()) {
        m_recovered = false;
    }
    if (m_changedElsewhere) {
        const char* what = storedStamp().empty() ? "This record was removed elsewhere; your edits are still here."
                                                 : "This record changed elsewhere while you were editing it.";
        switch (banner(IM_COL32(92, 70, 30, 255), what, {{"Reload", "elsewhere:reload"}, {"Keep my draft", "elsewhere:keep"}})) {
        case 0: reloadFromVault(); break;
        case 1: keepMyDraft(); break;
        default: break;
        }
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
