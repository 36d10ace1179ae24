#include "OutputsPanel.hpp"

#include "Store.hpp"
#include "UiQueries.hpp"

#include <imgui_internal.h>

namespace pv::ui {

OutputsPanel::OutputsPanel(AppContext& ctx) : ListPanel("outputs", ctx) {}

void OutputsPanel::reload() {
    m_rows.reset();
    // The count can take a while at a million rows: it comes from the worker, like the pages.
    std::weak_ptr<int> alive = m_alive;
    auto gen = m_rows.generation();
    auto filter = m_filter;
    m_ctx.worker().post(
        [this, alive, gen, filter](Store& s) -> Worker::UiCallback {
            int64_t n = s.countOutputs(filter);
            return [this, alive, gen, n] {
                if (!alive.expired()) m_rows.setCount(gen, n);
            };
        },
        "outputs:count");
}

void OutputsPanel::setSearch(const std::string& text) {
    m_filter.text = text;
    reload();
}

void OutputsPanel::clearFilters() {
    std::string text = m_filter.text;
    m_filter = {};
    m_filter.text = text;
    m_editedChoice = m_ratingChoice = 0;
    m_dateFrom.clear();
    m_dateTo.clear();
    reload();
}

void OutputsPanel::filterBy(const RecordRef& ref) {
    m_filter = {};
    m_editedChoice = m_ratingChoice = 0;
    m_dateFrom.clear();
    m_dateTo.clear();
    switch (ref.kind) {
    case Kind::Tag: m_filter.tagId = ref.id; break;
    case Kind::Model: m_filter.modelId = ref.id; break;
    case Kind::Agent: m_filter.agentId = ref.id; break;
    case Kind::Prompt: m_filter.promptId = ref.id; break;
    case Kind::LookupValue: m_filter.lookupValueId = ref.id; break;
    default: break;
    }
    m_showFilters = true;
    reload();
}

void OutputsPanel::pumpRequests() {
    while (auto req = m_rows.nextRequest()) {
        std::weak_ptr<int> alive = m_alive;
        auto filter = m_filter;
        auto sort = m_sort;
        auto r = *req;
        m_ctx.worker().post([this, alive, filter, sort, r](Store& s) -> Worker::UiCallback {
            PageCursor after = r.seek ? uiq::outputCursorAt(s, filter, sort, r.firstIndex()) : r.after;
            Page<OutputRow> page;
            if (!r.seek || after.valid) page = s.listOutputs(filter, sort, after, r.pageSizeOf);
            return [this, alive, r, page = std::move(page)]() mutable {
                if (!alive.expired()) m_rows.deliver(r.generation, r.page, std::move(page.rows), page.next);
            };
        });
    }
}

void OutputsPanel::drawContents() {
    if (m_seenVersion != m_ctx.dataVersion()) {
        m_seenVersion = m_ctx.dataVersion();
        reload();
    }
    const Fonts& fonts = m_ctx.fonts();
    ImGui::PushFont(fonts.heading);
    ImGui::TextUnformatted("Outputs");
    ImGui::PopFont();
    ImGui::SameLine();
    {
        char buf[64];
        auto n = m_rows.knownCount();
        if (n) snprintf(buf, sizeof buf, "%lld", static_cast<long long>(*n));
        else snprintf(buf, sizeof buf, "counting…");
        ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 4);
        caption(buf);
    }
    ImGui::SameLine(ImGui::GetContentRegionMax().x - 86);
    if (ImGui::Button("+ New", ImVec2(86, 0))) m_ctx.newOutput();
    testhook::mark("outputs:new");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("New output (Ctrl+N)");

    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - 92);
    if (searchBox(m_filter.text, "Search outputs…  (Ctrl+F)")) reload();
    ImGui::SameLine();
    int active = (m_filter.tagId ? 1 : 0) + (m_filter.modelId ? 1 : 0) + (m_filter.agentId ? 1 : 0) + (m_filter.promptId ? 1 : 0) +
                 (m_filter.lookupValueId ? 1 : 0) + (m_filter.minRating ? 1 : 0) + (m_filter.edited ? 1 : 0) + (m_filter.language ? 1 : 0) +
                 (!m_filter.capturedFrom.empty() ? 1 : 0) + (!m_filter.capturedTo.empty() ? 1 : 0);
    std::string fl = active ? "Filters (" + std::to_string(active) + ")###filters" : "Filters###filters";
    if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_HeaderActive));
    if (ImGui::Button(shown(fl), ImVec2(84, 0))) m_showFilters = !m_showFilters;
    testhook::mark("outputs:filters");
    if (active) ImGui::PopStyleColor();
    if (m_showFilters) drawFilters();
    if (!m_selection.empty()) drawBulkBar();
    drawTable();
    pumpRequests();
}

void OutputsPanel::drawFilters() {
    Store& s = m_ctx.store();
    bool changed = false;
    auto labelFor = [&](Kind k, const std::optional<std::string>& id, int slot) -> const std::string& {
        if (id) {
            if (m_filterLabels[slot].empty()) m_filterLabels[slot] = s.labelOf({k, *id});
        } else {
            m_filterLabels[slot].clear();
        }
        return m_filterLabels[slot];
    };
    auto row = [&](const char* name, Picker& p, Kind k, std::optional<std::string>& v, int slot) {
        ImGui::TableNextColumn();
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(name);
        ImGui::SameLine(62);
        auto before = v;
        if (p.drawSingle(m_ctx, name, v, labelFor(k, v, slot)) || before != v) {
            m_filterLabels[slot].clear();
            changed = true;
        }
    };
    // A strip as tall as its contents (two pickers a line when the pane is wide enough), so the
    // list stays in view below it.
    beginStrip("##filters", IM_COL32(34, 38, 48, 255), m_filtersH);
    const int cols = ImGui::GetContentRegionAvail().x >= 520 ? 2 : 1;
    if (ImGui::BeginTable("##filtergrid", cols, ImGuiTableFlags_SizingStretchSame)) {
        row("Prompt", m_promptFilter, Kind::Prompt, m_filter.promptId, 0);
        row("Model", m_modelFilter, Kind::Model, m_filter.modelId, 1);
        row("Agent", m_agentFilter, Kind::Agent, m_filter.agentId, 2);
        row("Tag", m_tagFilter, Kind::Tag, m_filter.tagId, 3);
        if (!s.lookups("outputs").empty()) row("Lookup", m_lookupFilter, Kind::LookupValue, m_filter.lookupValueId, 4);
        ImGui::EndTable();
    }
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Rating");
    ImGui::SameLine(62);
    ImGui::SetNextItemWidth(120);
    const char* ratings[] = {"any", "★ 1+", "★ 2+", "★ 3+", "★ 4+", "★ 5"};
    if (ImGui::Combo("##rating", &m_ratingChoice, ratings, 6)) {
        m_filter.minRating = m_ratingChoice ? std::optional<int64_t>(m_ratingChoice) : std::nullopt;
        changed = true;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(130);
    const char* edited[] = {"edited or not", "edited", "not edited"};
    if (ImGui::Combo("##edited", &m_editedChoice, edited, 3)) {
        m_filter.edited = m_editedChoice == 0 ? std::nullopt : std::optional<bool>(m_editedChoice == 1);
        changed = true;
    }
    // Narrow panes: the language and the dates go on lines of their own rather than past the edge.
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < 150) ImGui::NewLine();
    ImGui::SetNextItemWidth(150);
    if (languagePicker("languagefilter", m_filter.language, true, m_otherLanguage)) changed = true;
    testhook::mark("outputs:language-filter");
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < 330) ImGui::NewLine();
    ImGui::TextUnformatted("Captured");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120);
    bool d1 = inputWithHint("##from", "from YYYY-MM-DD", m_dateFrom);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120);
    bool d2 = inputWithHint("##to", "to YYYY-MM-DD", m_dateTo);
    if (d1 || d2) {
        auto f = parseDate(m_dateFrom), t = parseDate(m_dateTo);
        std::string nf = f ? *f : "", nt = t ? *t + "T99" : "";  // "to" includes that whole day
        if (nf != m_filter.capturedFrom || nt != m_filter.capturedTo) {
            m_filter.capturedFrom = nf;
            m_filter.capturedTo = nt;
            changed = true;
        }
    }
    if ((!m_dateFrom.empty() && !parseDate(m_dateFrom)) || (!m_dateTo.empty() && !parseDate(m_dateTo))) {
        ImGui::SameLine();
        ImGui::TextColored(toVec(color::warn), "dates as YYYY-MM-DD");
    }
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < 80) ImGui::NewLine();
    else ImGui::SetCursorPosX(ImGui::GetContentRegionMax().x - 80);
    if (ImGui::Button("Clear all", ImVec2(80, 0))) clearFilters();
    endStrip(m_filtersH);
    if (changed) reload();
}

void OutputsPanel::bulkApply(const std::function<void(Store&, const std::string&)>& fn, const std::string& what) {
    try {
        m_ctx.store().transaction([&] {
            for (const auto& id : m_selection) fn(m_ctx.store(), id);
        });
        m_ctx.notice(what);
        m_ctx.dataChanged();
    } catch (const std::exception& e) {
        m_ctx.error(e.what());
    }
}

void OutputsPanel::drawBulkBar() {
    beginStrip("##bulk", IM_COL32(40, 52, 78, 255), m_bulkH);
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%zu selected", m_selection.size());
    // The buttons flow onto a second line in a narrow pane rather than run past its edge.
    auto modeButton = [&](const char* label, int mode) {
        nextInRow(label);
        bool on = m_bulkMode == mode;
        if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_HeaderActive));
        if (ImGui::Button(label)) m_bulkMode = on ? 0 : mode;
        testhook::mark(std::string("bulk:") + label);
        if (on) ImGui::PopStyleColor();
    };
    modeButton("Tag…", 1);
    modeButton("Untag…", 2);
    modeButton("Set model…", 3);
    nextInRow("Delete");
    if (ImGui::Button("Delete")) {
        std::vector<RecordRef> refs;
        for (auto& id : m_selection) refs.push_back({Kind::Output, id});
        auto n = m_selection.size();
        bulkApply([](Store& s, const std::string& id) { s.softDelete({Kind::Output, id}); }, "Deleted " + std::to_string(n) + " outputs (Ctrl+Z to undo)");
        m_ctx.rememberDelete(refs, std::to_string(n) + " outputs");
        m_selection.clear();
    }
    testhook::mark("bulk:Delete");
    nextInRow("Clear selection");
    if (ImGui::Button("Clear selection")) m_selection.clear();
    testhook::mark("bulk:Clear selection");
    if (m_bulkMode == 1) {
        if (auto id = m_bulkTag.drawAdd(m_ctx, "bulktag", "tag to add…", {})) {
            std::string tagId = *id;
            bulkApply([tagId](Store& s, const std::string& o) { s.linkTag(Kind::Output, o, tagId); }, "Tagged " + std::to_string(m_selection.size()) + " outputs");
        }
    } else if (m_bulkMode == 2) {
        if (auto id = m_bulkUntag.drawAdd(m_ctx, "bulkuntag", "tag to remove…", {})) {
            std::string tagId = *id;
            bulkApply([tagId](Store& s, const std::string& o) { s.unlinkTag(Kind::Output, o, tagId); },
                      "Untagged " + std::to_string(m_selection.size()) + " outputs");
        }
    } else if (m_bulkMode == 3) {
        if (auto id = m_bulkModel.drawAdd(m_ctx, "bulkmodel", "model to set…", {})) {
            std::string modelId = *id;
            bulkApply(
                [modelId](Store& s, const std::string& oid) {
                    if (auto o = s.getOutput(oid)) {
                        o->modelId = modelId;
                        s.updateOutput(*o);
                    }
                },
                "Set the model of " + std::to_string(m_selection.size()) + " outputs");
        }
    }
    endStrip(m_bulkH);
}

void OutputsPanel::drawTable() {
    const ImGuiTableFlags flags = ImGuiTableFlags_Resizable | ImGuiTableFlags_Reorderable | ImGuiTableFlags_Hideable | ImGuiTableFlags_Sortable |
                                  ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
    const float tableW = ImGui::GetContentRegionAvail().x;
    if (!ImGui::BeginTable("outputs_table", 7, flags, ImGui::GetContentRegionAvail())) return;
    // Narrow pane: give up the agent, edited mark, rating, output preview, model (in that order)
    // before the prompt's header shrinks to "P…".
    auto fit = fitColumns(tableW, {118, 110, 80, 80, 72, 18, 90}, {3, 5, 4, 6, 2});
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("Captured", fit[0] | ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_PreferSortDescending | ImGuiTableColumnFlags_WidthFixed, 118);
    ImGui::TableSetupColumn("Prompt", fit[1] | ImGuiTableColumnFlags_NoSort, 2.2f);
    ImGui::TableSetupColumn("Model", fit[2] | ImGuiTableColumnFlags_NoSort, 1.0f);
    ImGui::TableSetupColumn("Agent", fit[3] | ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_DefaultHide, 1.0f);
    ImGui::TableSetupColumn("Rating", fit[4] | ImGuiTableColumnFlags_PreferSortDescending | ImGuiTableColumnFlags_WidthFixed, 72);
    ImGui::TableSetupColumn("✎", fit[5] | ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_WidthFixed, 18);
    ImGui::TableSetupColumn("Output", fit[6] | ImGuiTableColumnFlags_NoSort, 3.0f);
    ImGui::TableHeadersRow();
    markColumns("outputs");
    if (auto* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
        OutputSort sort = OutputSort::CapturedDesc;
        if (specs->SpecsCount > 0) {
            const auto& sp = specs->Specs[0];
            if (sp.ColumnIndex == 4) sort = OutputSort::RatingDesc;
            else sort = sp.SortDirection == ImGuiSortDirection_Ascending ? OutputSort::CapturedAsc : OutputSort::CapturedDesc;
        }
        specs->SpecsDirty = false;
        if (sort != m_sort) {
            m_sort = sort;
            reload();
        }
    }
    if (m_scrollTo >= 0) {
        ImGui::SetScrollY(float(m_scrollTo) * (ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2));
        m_scrollTo = -1;
    }
    const int64_t count = m_rows.displayCount();
    navigate(count);
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(std::min<int64_t>(count, INT32_MAX)));
    bool first = true;
    while (clipper.Step()) {
        if (first) {
            m_rows.setVisible(clipper.DisplayStart, std::max(clipper.DisplayStart, clipper.DisplayEnd - 1));
            first = false;
        }
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            const OutputRow* r = m_rows.row(i);
            if (!r) {
                ImGui::TextDisabled("…");
                continue;
            }
            ImGui::PushID(r->id.c_str());
            bool selected = m_selection.count(r->id) || r->id == m_current;
            if (ImGui::Selectable("##row", selected, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
                clickRow(i, r->id, Kind::Output, [this](int64_t k) {
                    auto* x = m_rows.row(k);
                    return x ? x->id : std::string();
                });
            testhook::mark("outputrow:" + std::to_string(i));
            rowDrawn(i, r->id, Kind::Output);
            if (ImGui::BeginPopupContextItem("##ctx")) {
                if (ImGui::MenuItem("Open")) m_ctx.open({Kind::Output, r->id});
                if (ImGui::MenuItem("Open in graph")) m_ctx.openGraph({Kind::Output, r->id});
                if (ImGui::MenuItem(m_selection.count(r->id) ? "Unselect" : "Select")) {
                    if (!m_selection.erase(r->id)) m_selection.insert(r->id);
                }
                ImGui::EndPopup();
            }
            ImGui::SameLine();
            if (m_selection.count(r->id)) ImGui::TextColored(toVec(color::accent), "● %s", shown(shortTime(r->capturedAt).substr(2)));
            else ImGui::TextUnformatted(shown(shortTime(r->capturedAt)));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r->promptTitle.empty() ? "—" : shown(r->promptTitle));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(shown(r->modelName));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(shown(r->agentName));
            ImGui::TableNextColumn();
            if (r->rating) ImGui::TextColored(toVec(color::warn), "%s", shown(ratingStars(r->rating)));
            ImGui::TableNextColumn();
            if (r->edited) ImGui::TextColored(toVec(color::good), "✎");
            ImGui::TableNextColumn();
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
            ImGui::TextUnformatted(shown(r->preview));
            ImGui::PopStyleColor();
            ImGui::PopID();
        }
    }
    if (count == 0 && !m_rows.loading())
        { ImGui::TableNextRow(); ImGui::TableNextColumn(); ImGui::TextDisabled(m_filter.text.empty() ? "No outputs yet. Ctrl+N captures one." : "Nothing matches this search."); }
    m_scrollY = ImGui::GetScrollY();
    ImGui::EndTable();
    testhook::mark("outputs:table");
}

} // namespace pv::ui
