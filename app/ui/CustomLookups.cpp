#include "CustomLookups.hpp"

#include "EntityTables.hpp"

#include <algorithm>

namespace pv::ui {

CustomLookupsPanel::CustomLookupsPanel(AppContext& ctx) : ListPanel("custom_lookups", ctx) {}

void CustomLookupsPanel::reload() {
    const uint64_t token = ++m_token;
    std::weak_ptr<int> alive = m_alive;
    auto filter = m_filter;
    m_ctx.worker().post(
        [this, alive, token, filter](Store& s) -> Worker::UiCallback {
            auto rows = s.listNamedRows(Kind::Lookup, filter, false);
            return [this, alive, token, rows = std::move(rows)]() mutable {
                if (!alive.expired() && token == m_token) m_rows = std::move(rows);
            };
        },
        "custom_lookups");
}

void CustomLookupsPanel::setSearch(const std::string& text) {
    m_filter = text;
    reload();
}

void CustomLookupsPanel::drawContents() {
    if (m_seenVersion != m_ctx.dataVersion()) {
        m_seenVersion = m_ctx.dataVersion();
        reload();
    }
    ImGui::PushFont(m_ctx.fonts().heading);
    ImGui::TextUnformatted("Your lookups");
    ImGui::PopFont();
    ImGui::TextWrapped("Fields of your own for outputs, prompts or both — a project, a use case, a language. They show up as pickers in the "
                       "editors and as filters in the lists.");
    ImGui::SetNextItemWidth(-1);
    if (searchBox(m_filter, "Filter…  (Ctrl+F)")) reload();
    ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(34, 38, 48, 255));
    ImGui::BeginChild("##new", {0, ImGui::GetFrameHeightWithSpacing() * 2 + 16}, true);
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x);
    bool enter = inputWithHint("##name", "new lookup, e.g. Project", m_newName, ImGuiInputTextFlags_EnterReturnsTrue);
    testhook::mark("customlookup:name");
    ImGui::TextUnformatted("for");
    ImGui::SameLine();
    ImGui::RadioButton("outputs", &m_newAppliesTo, 0);
    ImGui::SameLine();
    ImGui::RadioButton("prompts", &m_newAppliesTo, 1);
    ImGui::SameLine();
    ImGui::RadioButton("both", &m_newAppliesTo, 2);
    testhook::mark("customlookup:both");
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize("many values + Create").x + 60) ImGui::NewLine();
    ImGui::Checkbox("many values", &m_newMulti);
    ImGui::SameLine();
    if ((ImGui::Button("+ Create") || enter) && !trim(m_newName).empty()) {
        try {
            Lookup l;
            l.name = trim(m_newName);
            static const char* const kAppliesTo[] = {"outputs", "prompts", "both"};
            l.appliesTo = kAppliesTo[std::clamp(m_newAppliesTo, 0, 2)];
            l.multi = m_newMulti;
            l = m_ctx.store().createLookup(l);
            m_newName.clear();
            m_ctx.dataChanged();
            m_ctx.open({Kind::Lookup, l.id});
        } catch (const std::exception& e) {
            m_ctx.error(e.what());
        }
    }
    testhook::mark("customlookup:create");
    ImGui::EndChild();
    ImGui::PopStyleColor();
    if (ImGui::BeginTable("custom_table", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp, ImGui::GetContentRegionAvail())) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Lookup", 0, 2.0f);
        ImGui::TableSetupColumn("Applies to", 0, 2.0f);
        ImGui::TableSetupColumn("Values", ImGuiTableColumnFlags_WidthFixed, 60);
        ImGui::TableHeadersRow();
        for (const auto& r : m_rows) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushID(r.id.c_str());
            if (ImGui::Selectable(shown(r.name), r.id == m_current, ImGuiSelectableFlags_SpanAllColumns)) m_ctx.open({Kind::Lookup, r.id});
            ImGui::TableNextColumn();
            ImGui::TextDisabled("%s", shown(r.detail));
            ImGui::TableNextColumn();
            ImGui::Text("%lld", static_cast<long long>(r.usage));
            ImGui::PopID();
        }
        if (m_rows.empty()) { ImGui::TableNextRow(); ImGui::TableNextColumn(); ImGui::TextDisabled("No lookups of your own yet."); }
        ImGui::EndTable();
    }
}

CustomLookupEditor::CustomLookupEditor(AppContext& ctx) : Editor("custom_lookup_editor", ctx) {}

std::optional<RecordRef> CustomLookupEditor::record() const {
    if (!m_loaded) return std::nullopt;
    return RecordRef{Kind::Lookup, m_draft.id};
}

void CustomLookupEditor::load(const std::optional<RecordRef>& ref) {
    m_loaded = false;
    if (!ref) return;
    Store& s = m_ctx.store();
    std::string id = ref->id;
    if (ref->kind == Kind::LookupValue)
        if (auto v = s.getLookupValue(id)) id = v->lookupId;
    auto l = s.getLookup(id);
    if (!l || l->deleted()) return;
    m_draft = m_orig = *l;
    m_values.clear();
    for (auto& v : s.lookupValues(id))
        if (!v.deleted()) m_values.push_back(v);
    m_valueDrafts.clear();
    m_loaded = true;
}

bool CustomLookupEditor::dirty() const {
    return m_loaded && !sameFields(m_draft, m_orig);
}

void CustomLookupEditor::discard() { load(record()); }

bool CustomLookupEditor::save() {
    if (!m_loaded) return true;
    try {
        m_ctx.store().updateLookup(m_draft);
    } catch (const std::exception& e) {
        m_ctx.error(std::string("Not saved: ") + e.what());
        return false;
    }
    load(record());
    m_ctx.notice("Lookup saved");
    m_ctx.dataChanged();
    return true;
}

void CustomLookupEditor::drawContents() {
    const Fonts& fonts = m_ctx.fonts();
    if (!m_loaded) {
        ImGui::Dummy({0, 40});
        ImGui::PushFont(fonts.heading);
        ImGui::TextDisabled("No lookup selected");
        ImGui::PopFont();
        ImGui::TextDisabled("Create one on the left: give it a name, say what it applies to, then add its values.");
        return;
    }
    ImGui::PushFont(fonts.heading);
    ImGui::Text("Lookup: %s", shown(m_orig.name));
    ImGui::PopFont();
    sectionHeader(fonts, "Settings");
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Name");
    ImGui::SameLine(110);
    ImGui::SetNextItemWidth(-1);
    inputText("##name", m_draft.name);
    ImGui::TextUnformatted("Applies to");
    ImGui::SameLine(110);
    if (ImGui::RadioButton("outputs", m_draft.appliesTo == "outputs")) m_draft.appliesTo = "outputs";
    ImGui::SameLine();
    if (ImGui::RadioButton("prompts", m_draft.appliesTo == "prompts")) m_draft.appliesTo = "prompts";
    ImGui::SameLine();
    if (ImGui::RadioButton("both", m_draft.appliesTo == "both")) m_draft.appliesTo = "both";
    ImGui::SameLine(0, 20);
    ImGui::Checkbox("many values per record", &m_draft.multi);
    ImGui::BeginDisabled(!dirty());
    if (ImGui::Button("Save (Ctrl+S)")) save();
    ImGui::SameLine();
    if (ImGui::Button("Revert")) discard();
    ImGui::EndDisabled();

    sectionHeader(fonts, "Values");
    Store& s = m_ctx.store();
    for (size_t i = 0; i < m_values.size(); ++i) {
        auto& v = m_values[i];
        ImGui::PushID(v.id.c_str());
        auto it = m_valueDrafts.find(v.id);
        if (it == m_valueDrafts.end()) it = m_valueDrafts.emplace(v.id, v.value).first;
        ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - 190);
        inputText("##v", it->second);
        // A value is renamed when the field is left (Enter or click elsewhere).
        if (ImGui::IsItemDeactivatedAfterEdit() && !trim(it->second).empty() && it->second != v.value) {
            try {
                LookupValue nv = v;
                nv.value = trim(it->second);
                s.updateLookupValue(nv);
                v = nv;
                m_ctx.dataChanged();
            } catch (const std::exception& e) {
                m_ctx.error(e.what());
            }
        }
        ImGui::SameLine();
        if (m_draft.appliesTo != "prompts" && ImGui::SmallButton("outputs →")) m_ctx.showOutputsOf({Kind::LookupValue, v.id});
        ImGui::SameLine();
        if (ImGui::SmallButton("Delete")) {
            try {
                s.softDelete({Kind::LookupValue, v.id});
                m_ctx.rememberDelete({{Kind::LookupValue, v.id}}, "value '" + v.value + "'");
                m_ctx.notice("Value deleted — Ctrl+Z to undo");
                m_ctx.dataChanged();
                load(record());
                ImGui::PopID();
                return;
            } catch (const std::exception& e) {
                m_ctx.error(e.what());
            }
        }
        ImGui::PopID();
    }
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - 80);
    if (m_refocusNewValue) {
        ImGui::SetKeyboardFocusHere();
        m_refocusNewValue = false;
    }
    bool enter = inputWithHint("##newvalue", "new value", m_newValue, ImGuiInputTextFlags_EnterReturnsTrue);
    testhook::mark("customlookup:newvalue");
    ImGui::SameLine();
    if ((ImGui::Button("+ Add") || enter) && !trim(m_newValue).empty()) {
        try {
            s.createLookupValue({.lookupId = m_draft.id, .value = trim(m_newValue), .sortOrder = static_cast<int64_t>(m_values.size())});
            m_newValue.clear();
            m_ctx.dataChanged();
            load(record());
            m_refocusNewValue = true;
        } catch (const std::exception& e) {
            m_ctx.error(e.what());
        }
    }
    sectionHeader(fonts, "Delete");
    ImGui::TextWrapped("Deleting the lookup removes its values and their links from every record; Ctrl+Z brings them all back.");
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(120, 46, 50, 255));
    if (ImGui::Button("Delete this lookup")) {
        try {
            s.softDelete({Kind::Lookup, m_draft.id});
            m_ctx.rememberDelete({{Kind::Lookup, m_draft.id}}, "lookup '" + m_orig.name + "'");
            m_loaded = false;
            m_ctx.dataChanged();
        } catch (const std::exception& e) {
            m_ctx.error(e.what());
        }
    }
    ImGui::PopStyleColor();
}

} // namespace pv::ui
