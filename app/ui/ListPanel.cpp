#include "ListPanel.hpp"

#include "Widgets.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

namespace pv::ui {

bool ListPanel::searchBox(std::string& text, const char* hint) {
    if (m_focusSearch) {
        ImGui::SetKeyboardFocusHere();
        m_focusSearch = false;
    }
    bool changed = inputWithHint("##search", hint, text);
    testhook::mark("search");
    return changed;
}

namespace {
float rowHeight() { return ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2; }
} // namespace

void ListPanel::navigate(int64_t count) {
    const float rh = rowHeight();
    const float header = rh;  // the frozen header row
    const float viewH = std::max(rh, ImGui::GetWindowHeight() - header);
    // The table's scrolling window, or any window inside the panel (the search box's), has the focus.
    ImGuiWindow* focused = GImGui->NavWindow;
    ImGuiWindow* panel = ImGui::GetCurrentWindow()->ParentWindow;
    bool ours = false;
    for (ImGuiWindow* w = focused; w; w = w->ParentWindow)
        if (w == panel) ours = true;
    if (ours && !ImGui::IsAnyItemActive() && count > 0 && !ImGui::GetIO().KeyCtrl) {
        const int64_t page = std::max<int64_t>(1, static_cast<int64_t>(viewH / rh) - 1);
        int64_t to = m_focus;
        auto pressed = [](ImGuiKey k) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(k)); };
        if (pressed(ImGuiKey_DownArrow)) to = m_focus + 1;
        if (pressed(ImGuiKey_UpArrow)) to = m_focus - 1;
        if (pressed(ImGuiKey_PageDown)) to = m_focus + page;
        if (pressed(ImGuiKey_PageUp)) to = m_focus - page;
        if (pressed(ImGuiKey_Home)) to = 0;
        if (pressed(ImGuiKey_End)) to = count - 1;
        to = std::clamp<int64_t>(to, 0, count - 1);
        if (to != m_focus) {
            m_focus = to;
            m_anchor = to;
            m_openFocused = false;
            keepInView(to);
        }
        if (m_focus >= 0 && (pressed(ImGuiKey_Enter) || pressed(ImGuiKey_KeyPadEnter))) m_openFocused = true;
    }
    if (m_focus >= count) m_focus = count - 1;
    if (m_viewFrames > 0 && m_viewIndex >= 0 && m_viewIndex < count) {
        --m_viewFrames;
        const float top = static_cast<float>(m_viewIndex) * rh, bottom = top + rh;
        const float y = ImGui::GetScrollY();
        if (top < y) ImGui::SetScrollY(top);
        else if (bottom > y + viewH) ImGui::SetScrollY(bottom - viewH);
    }
}

void ListPanel::rowDrawn(int64_t index, const std::string& id, Kind kind) {
    if (index != m_focus) return;
    if (m_openFocused) {
        m_openFocused = false;
        m_selection.clear();
        m_ctx.open({kind, id});
    }
    // An outline over the whole row, above the cells' backgrounds.
    ImRect r(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
    ImGui::TablePushBackgroundChannel();
    ImGui::GetWindowDrawList()->AddRect(ImVec2(r.Min.x + 1, r.Min.y), ImVec2(r.Max.x - 1, r.Max.y), color::accent, 3.0f, 0, 1.5f);
    ImGui::TablePopBackgroundChannel();
    testhook::mark("focusrow");
}

std::vector<int> ListPanel::fitColumns(float tableWidth, const std::vector<float>& need, const std::vector<int>& dropOrder) {
    const ImGuiStyle& st = ImGui::GetStyle();
    ImGuiTable* t = ImGui::GetCurrentTable();
    const int n = static_cast<int>(need.size());
    // A column the person hid (header context menu) takes no room.
    auto shownByUser = [&](int i) { return !t || t->ColumnsCount != n || t->IsInitializing || t->Columns[i].IsUserEnabled; };
    std::vector<int> flags(need.size(), 0);
    auto total = [&] {
        float w = st.ScrollbarSize;
        for (int i = 0; i < n; ++i)
            if (!flags[static_cast<size_t>(i)] && shownByUser(i)) w += need[static_cast<size_t>(i)] + st.CellPadding.x * 2 + 1;
        return w;
    };
    for (int i : dropOrder) {
        if (total() <= tableWidth) break;
        flags[static_cast<size_t>(i)] = ImGuiTableColumnFlags_Disabled;
    }
    return flags;
}

void ListPanel::markColumns(const std::string& table) {
    if (!testhook::enabled()) return;
    ImGuiTable* t = ImGui::GetCurrentTable();
    for (int i = 0; i < t->ColumnsCount; ++i) {
        const ImGuiTableColumn& c = t->Columns[i];
        if (c.IsEnabled) testhook::markRect(table + ":col:" + ImGui::TableGetColumnName(i), ImRect(c.MinX, 0, c.MaxX, 1));
    }
}

void ListPanel::beginStrip(const char* id, ImU32 bg, float& height) {
    const ImGuiStyle& st = ImGui::GetStyle();
    float h = height > 0 ? height : ImGui::GetFrameHeightWithSpacing() * 2 + st.WindowPadding.y * 2;
    h = std::min(h, std::max(ImGui::GetFrameHeightWithSpacing() * 2, ImGui::GetContentRegionAvail().y * 0.5f));
    ImGui::PushStyleColor(ImGuiCol_ChildBg, bg);
    ImGui::BeginChild(id, ImVec2(0, h), true, ImGuiWindowFlags_AlwaysUseWindowPadding);
}

void ListPanel::nextInRow(const char* label) {
    const ImGuiStyle& st = ImGui::GetStyle();
    const float w = ImGui::CalcTextSize(label, nullptr, true).x + st.FramePadding.x * 2;
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
}

void ListPanel::endStrip(float& height) {
    const ImGuiStyle& st = ImGui::GetStyle();
    // Contents' height from the cursor (window-local, scroll included) plus the bottom padding.
    const float measured = ImGui::GetCursorPosY() - st.ItemSpacing.y + st.WindowPadding.y;
    if (std::abs(measured - height) > 0.5f) m_ctx.requestFrame();
    height = measured;
    ImGui::EndChild();
    ImGui::PopStyleColor();
}

} // namespace pv::ui
