#include "CatalogPanel.hpp"

#include "EntityTables.hpp"

namespace pv::ui {

const char* kindNoun(Kind k) {
    switch (k) {
    case Kind::Model: return "model";
    case Kind::Agent: return "agent";
    case Kind::Tag: return "tag";
    case Kind::QaActivity: return "QA activity";
    case Kind::Lookup: return "lookup";
    case Kind::LookupValue: return "value";
    case Kind::Prompt: return "prompt";
    case Kind::Output: return "output";
    }
    return "record";
}

namespace {
const char* title(Kind k) {
    switch (k) {
    case Kind::Model: return "Models";
    case Kind::Agent: return "Agents";
    case Kind::Tag: return "Tags";
    case Kind::QaActivity: return "QA activities";
    default: return "Lookups";
    }
}
const char* detailName(Kind k) {
    switch (k) {
    case Kind::Model: return "Provider";
    case Kind::Agent: return "Platform";
    case Kind::Tag: return "Colour";
    case Kind::QaActivity: return "Description";
    default: return "";
    }
}
} // namespace

// The ImGui ids keep their old "lookup" names: the saved table layouts (view options) are keyed by them.
CatalogPanel::CatalogPanel(AppContext& ctx, Kind kind) : ListPanel(std::string("lookup_") + kindName(kind), ctx), m_kind(kind) {}

void CatalogPanel::reload() {
    // Usage counts scan link tables: off the UI thread.
    const uint64_t token = ++m_token;
    m_loading = true;
    std::weak_ptr<int> alive = m_alive;
    auto kind = m_kind;
    auto filter = m_filter;
    bool deleted = m_showDeleted;
    m_ctx.worker().post(
        [this, alive, token, kind, filter, deleted](Store& s) -> Worker::UiCallback {
            auto rows = s.listNamedRows(kind, filter, deleted);
            return [this, alive, token, rows = std::move(rows)]() mutable {
                if (alive.expired() || token != m_token) return;
                m_rows = std::move(rows);
                m_loading = false;
            };
        },
        std::string("catalog:") + kindName(kind));
}

void CatalogPanel::setSearch(const std::string& text) {
    m_filter = text;
    reload();
}

void CatalogPanel::drawContents() {
    if (m_seenVersion != m_ctx.dataVersion()) {
        m_seenVersion = m_ctx.dataVersion();
        reload();
    }
    ImGui::PushFont(m_ctx.fonts().heading);
    ImGui::TextUnformatted(title(m_kind));
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 4);
    caption(std::to_string(m_rows.size()).c_str());
    ImGui::SetNextItemWidth(-1);
    if (searchBox(m_filter, "Filter by name…  (Ctrl+F)")) reload();
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - 70);
    std::string hint = std::string("new ") + kindNoun(m_kind) + " name";
    bool enter = inputWithHint("##new", hint.c_str(), m_newName, ImGuiInputTextFlags_EnterReturnsTrue);
    testhook::mark(std::string("catalog:newname:") + kindName(m_kind));
    ImGui::SameLine();
    if ((ImGui::Button("+ Add", {62, 0}) || enter) && !trim(m_newName).empty()) {
        try {
            Store& s = m_ctx.store();
            std::string name = trim(m_newName), id;
            switch (m_kind) {
            case Kind::Model: id = s.findOrCreateModel(name).id; break;
            case Kind::Agent: id = s.findOrCreateAgent(name).id; break;
            case Kind::Tag: id = s.findOrCreateTag(name).id; break;
            case Kind::QaActivity: id = s.findOrCreateQaActivity(name).id; break;
            default: break;
            }
            m_newName.clear();
            m_ctx.dataChanged();
            if (!id.empty()) m_ctx.open({m_kind, id});
        } catch (const std::exception& e) {
            m_ctx.error(e.what());
        }
    }
    if (ImGui::Checkbox("show deleted", &m_showDeleted)) reload();
    const ImGuiTableFlags flags = ImGuiTableFlags_Resizable | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                                  ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_Sortable;
    if (ImGui::BeginTable("lookup_table", 3, flags, ImGui::GetContentRegionAvail())) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_DefaultSort, 2.0f);
        ImGui::TableSetupColumn(detailName(m_kind), ImGuiTableColumnFlags_NoSort, 1.5f);
        ImGui::TableSetupColumn("Used", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_PreferSortDescending, 64);
        ImGui::TableHeadersRow();
        if (auto* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty && specs->SpecsCount > 0) {
            auto sp = specs->Specs[0];
            std::stable_sort(m_rows.begin(), m_rows.end(), [&](const NamedRow& a, const NamedRow& b) {
                bool asc = sp.SortDirection == ImGuiSortDirection_Ascending;
                if (sp.ColumnIndex == 2) return asc ? a.usage < b.usage : a.usage > b.usage;
                int c = strcasecmp(a.name.c_str(), b.name.c_str());
                return asc ? c < 0 : c > 0;
            });
            specs->SpecsDirty = false;
        }
        navigate(static_cast<int64_t>(m_rows.size()));
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(m_rows.size()));
        while (clipper.Step())
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const auto& r = m_rows[i];
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::PushID(r.id.c_str());
                if (r.deleted) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
                if (ImGui::Selectable(shown(r.name), r.id == m_current, ImGuiSelectableFlags_SpanAllColumns)) {
                    m_focus = i;
                    m_ctx.open({m_kind, r.id});
                }
                testhook::mark(std::string("catalogrow:") + r.name);
                rowDrawn(i, r.id, m_kind);
                ImGui::TableNextColumn();
                if (m_kind == Kind::Tag && r.detail.size() == 7 && r.detail[0] == '#') {
                    unsigned v = std::stoul(r.detail.substr(1), nullptr, 16);
                    ImGui::ColorButton("##c", ImVec4(((v >> 16) & 255) / 255.f, ((v >> 8) & 255) / 255.f, (v & 255) / 255.f, 1.f),
                                       ImGuiColorEditFlags_NoTooltip, {12, 12});
                } else {
                    ImGui::TextDisabled("%s", shown(r.detail));
                }
                ImGui::TableNextColumn();
                ImGui::Text("%lld", static_cast<long long>(r.usage));
                if (r.deleted) ImGui::PopStyleColor();
                ImGui::PopID();
            }
        if (m_rows.empty() && !m_loading) { ImGui::TableNextRow(); ImGui::TableNextColumn(); ImGui::TextDisabled("None yet: add one above."); }
        ImGui::EndTable();
    }
}

// ---- editor ---------------------------------------------------------------------------------------
CatalogEditor::CatalogEditor(AppContext& ctx) : Editor("lookup_editor", ctx) {}

std::optional<RecordRef> CatalogEditor::record() const {
    if (!m_loaded) return std::nullopt;
    return RecordRef{m_kind, m_id};
}

std::string& CatalogEditor::name() {
    switch (m_kind) {
    case Kind::Agent: return m_agent.name;
    case Kind::Tag: return m_tag.name;
    case Kind::QaActivity: return m_qa.name;
    default: return m_model.name;
    }
}

void CatalogEditor::load(const std::optional<RecordRef>& ref) {
    m_loaded = false;
    m_inUse.clear();
    m_confirmMerge = false;
    m_mergeInto.reset();
    m_mergeLabel.clear();
    m_defaultModelLabel.clear();
    if (!ref || !handles(ref->kind)) return;
    Store& s = m_ctx.store();
    m_kind = ref->kind;
    m_id = ref->id;
    switch (m_kind) {
    case Kind::Model:
        if (auto m = s.getModel(m_id)) m_model = m_modelOrig = *m, m_loaded = true;
        break;
    case Kind::Agent:
        if (auto a = s.getAgent(m_id)) m_agent = m_agentOrig = *a, m_loaded = true;
        break;
    case Kind::Tag:
        if (auto t = s.getTag(m_id)) m_tag = m_tagOrig = *t, m_loaded = true;
        break;
    case Kind::QaActivity:
        if (auto q = s.getQaActivity(m_id)) m_qa = m_qaOrig = *q, m_loaded = true;
        break;
    default: break;
    }
    if (!m_loaded) return;
    m_usage = 0;
    for (const auto& r : s.listNamedRows(m_kind, "", true))
        if (r.id == m_id) m_usage = r.usage;
    m_mergePicker = std::make_unique<Picker>(m_kind, kindNoun(m_kind), "", false);
}

bool CatalogEditor::dirty() const {
    if (!m_loaded) return false;
    switch (m_kind) {
    case Kind::Model: return !sameFields(m_model, m_modelOrig);
    case Kind::Agent: return !sameFields(m_agent, m_agentOrig);
    case Kind::Tag: return !sameFields(m_tag, m_tagOrig);
    case Kind::QaActivity: return !sameFields(m_qa, m_qaOrig);
    default: return false;
    }
}

void CatalogEditor::discard() { load(record()); }

bool CatalogEditor::save() {
    if (!m_loaded) return true;
    if (trim(name()).empty()) {
        m_ctx.error(std::string("Not saved: a ") + kindNoun(m_kind) + " needs a name");
        return false;
    }
    Store& s = m_ctx.store();
    try {
        switch (m_kind) {
        case Kind::Model: s.updateModel(m_model); break;
        case Kind::Agent: s.updateAgent(m_agent); break;
        case Kind::Tag: s.updateTag(m_tag); break;
        case Kind::QaActivity: s.updateQaActivity(m_qa); break;
        default: break;
        }
    } catch (const std::exception& e) {
        m_ctx.error(std::string("Not saved: ") + e.what());
        return false;
    }
    load(record());
    m_ctx.notice(std::string("Saved ") + kindNoun(m_kind));
    m_ctx.dataChanged();
    return true;
}

namespace {
std::string stampOf(const Stamps& s) { return s.updatedAt + "|" + s.deletedAt.value_or(""); }
} // namespace

std::string CatalogEditor::loadedStamp() const {
    switch (m_kind) {
    case Kind::Agent: return stampOf(m_agentOrig);
    case Kind::Tag: return stampOf(m_tagOrig);
    case Kind::QaActivity: return stampOf(m_qaOrig);
    default: return stampOf(m_modelOrig);
    }
}

std::string CatalogEditor::storedStamp() {
    Store& s = m_ctx.store();
    std::optional<std::string> st;
    switch (m_kind) {
    case Kind::Agent: if (auto a = s.getAgent(m_id)) st = stampOf(*a); break;
    case Kind::Tag: if (auto t = s.getTag(m_id)) st = stampOf(*t); break;
    case Kind::QaActivity: if (auto q = s.getQaActivity(m_id)) st = stampOf(*q); break;
    default: if (auto m = s.getModel(m_id)) st = stampOf(*m); break;
    }
    return st.value_or("");
}

std::optional<Draft> CatalogEditor::unsavedDraft() const {
    if (!dirty()) return std::nullopt;
    Draft d;
    d.slot = draftSlot();
    d.kind = kindName(m_kind);
    d.recordId = m_id;
    auto& f = d.fields;
    switch (m_kind) {
    case Kind::Model: f = fieldTexts(m_model); break;
    case Kind::Agent: f = fieldTexts(m_agent); break;
    case Kind::Tag: f = fieldTexts(m_tag); break;
    case Kind::QaActivity: f = fieldTexts(m_qa); break;
    default: return std::nullopt;
    }
    f["base_updated_at"] = loadedStamp();
    return d;
}

bool CatalogEditor::restoreDraft(const Draft& d) {
    auto kind = kindFromName(d.kind);
    if (!kind || !handles(*kind) || d.recordId.empty()) return false;
    load(RecordRef{*kind, d.recordId});
    if (!m_loaded) return false;
    switch (m_kind) {
    case Kind::Model: setFieldTexts(m_model, d.fields); break;
    case Kind::Agent: setFieldTexts(m_agent, d.fields); break;
    case Kind::Tag: setFieldTexts(m_tag, d.fields); break;
    case Kind::QaActivity: setFieldTexts(m_qa, d.fields); break;
    default: break;
    }
    m_recovered = true;
    if (fieldOr(d, "base_updated_at") != loadedStamp()) m_changedElsewhere = true;
    return true;
}

void CatalogEditor::drawContents() {
    const Fonts& fonts = m_ctx.fonts();
    if (!m_loaded) {
        ImGui::Dummy({0, 40});
        ImGui::PushFont(fonts.heading);
        ImGui::TextDisabled("Nothing selected");
        ImGui::PopFont();
        ImGui::TextDisabled("Pick a record from the list to rename, edit, merge or delete it.");
        return;
    }
    ImGui::PushFont(fonts.heading);
    std::string head = std::string(kindNoun(m_kind)) + ": " + name();
    head[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(head[0])));
    ImGui::TextUnformatted(shown(head));
    ImGui::PopFont();
    if (dirty()) {
        ImGui::SameLine();
        ImGui::TextColored(toVec(color::warn), "● unsaved");
    }
    if (m_kind == Kind::QaActivity)
        ImGui::TextDisabled("on the checklist of %lld prompt%s", static_cast<long long>(m_usage), m_usage == 1 ? "" : "s");
    else
        ImGui::TextDisabled("used %lld time%s", static_cast<long long>(m_usage), m_usage == 1 ? "" : "s");
    if (m_kind != Kind::QaActivity) {
        ImGui::SameLine();
        if (ImGui::SmallButton("Show its outputs →")) m_ctx.showOutputsOf({m_kind, m_id});
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Open in graph")) m_ctx.openGraph({m_kind, m_id});
    drawBanners();
    sectionHeader(fonts, "Details");
    auto field = [](const char* label) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(label);
        ImGui::SameLine(110);
        ImGui::SetNextItemWidth(-1);
    };
    field("Name");
    inputText("##name", name());
    testhook::mark("catalog:name");
    switch (m_kind) {
    case Kind::Model:
        field("Provider");
        inputText("##provider", m_model.provider);
        field("Notes");
        inputMultiline("##notes", m_model.notes, {-1, 80});
        break;
    case Kind::Agent:
        field("Platform");
        inputText("##platform", m_agent.platform);
        field("URL");
        inputText("##url", m_agent.url);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("Default model");
        ImGui::SameLine(110);
        if (m_agent.defaultModelId && m_defaultModelLabel.empty()) m_defaultModelLabel = m_ctx.store().labelOf({Kind::Model, *m_agent.defaultModelId});
        if (m_defaultModel.drawSingle(m_ctx, "defmodel", m_agent.defaultModelId, m_defaultModelLabel)) m_defaultModelLabel.clear();
        field("Description");
        inputMultiline("##desc", m_agent.description, {-1, 60});
        field("Instructions");
        ImGui::PushFont(fonts.mono);
        inputMultiline("##instr", m_agent.instructions, {-1, 140});
        ImGui::PopFont();
        break;
    case Kind::Tag: {
        field("Colour");
        float col[3] = {0.3f, 0.4f, 0.6f};
        if (m_tag.color.size() == 7 && m_tag.color[0] == '#') {
            unsigned v = std::stoul(m_tag.color.substr(1), nullptr, 16);
            col[0] = ((v >> 16) & 255) / 255.f, col[1] = ((v >> 8) & 255) / 255.f, col[2] = (v & 255) / 255.f;
        }
        if (ImGui::ColorEdit3("##color", col, ImGuiColorEditFlags_NoInputs)) {
            char buf[8];
            snprintf(buf, sizeof buf, "#%02x%02x%02x", int(col[0] * 255 + 0.5f), int(col[1] * 255 + 0.5f), int(col[2] * 255 + 0.5f));
            m_tag.color = buf;
        }
        break;
    }
    case Kind::QaActivity: {
        field("Description");
        inputMultiline("##desc", m_qa.description, {-1, 60});
        field("Order");
        int order = static_cast<int>(m_qa.sortOrder);
        if (ImGui::InputInt("##order", &order)) m_qa.sortOrder = order;
        // A prompt's checklist is what was added to it; this adds the activity to many at once.
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("Add to");
        ImGui::SameLine(110);
        ImGui::BeginDisabled(m_qaAdding);
        if (ImGui::Button("Every prompt")) addToPrompts(std::nullopt);
        testhook::mark("qa:addall");
        ImGui::SameLine();
        ImGui::BeginDisabled(!m_qaTagId);
        if (ImGui::Button("Prompts tagged###qaaddtagged")) addToPrompts(m_qaTagId);
        testhook::mark("qa:addtagged");
        ImGui::EndDisabled();
        ImGui::SameLine();
        // The picker fills the rest of the line (its dropdown opens below it).
        if (m_qaTagId && m_qaTagLabel.empty()) m_qaTagLabel = m_ctx.store().labelOf({Kind::Tag, *m_qaTagId});
        if (m_qaTag.drawSingle(m_ctx, "qatag", m_qaTagId, m_qaTagLabel)) m_qaTagLabel.clear();
        ImGui::EndDisabled();
        if (m_qaAdding) ImGui::TextDisabled("adding…");
        break;
    }
    default: break;
    }
    ImGui::Spacing();
    ImGui::BeginDisabled(!dirty());
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(46, 110, 72, 255));
    if (ImGui::Button("Save (Ctrl+S)")) save();
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::Button("Revert")) discard();
    ImGui::EndDisabled();

    sectionHeader(fonts, "Merge");
    ImGui::TextWrapped("Merge this %s into another: everything that uses it is re-linked to the other one, then this one is deleted.", kindNoun(m_kind));
    if (m_mergeInto && m_mergeLabel.empty()) m_mergeLabel = m_ctx.store().labelOf({m_kind, *m_mergeInto});
    if (m_mergePicker->drawSingle(m_ctx, "merge", m_mergeInto, m_mergeLabel)) m_mergeLabel.clear();
    if (m_mergeInto && *m_mergeInto == m_id) m_mergeInto.reset();
    ImGui::BeginDisabled(!m_mergeInto);
    if (!m_confirmMerge) {
        if (ImGui::Button("Merge…")) m_confirmMerge = true;
    } else {
        ImGui::TextColored(toVec(color::warn), "Merge '%s' into '%s'?", shown(name()), shown(m_mergeLabel));
        if (ImGui::Button("Yes, merge")) {
            try {
                std::string into = *m_mergeInto;
                m_ctx.store().merge(m_kind, m_id, into);
                m_ctx.notice("Merged into '" + m_mergeLabel + "'");
                m_ctx.dataChanged();
                m_ctx.open({m_kind, into});
            } catch (const std::exception& e) {
                m_ctx.error(e.what());
            }
            m_confirmMerge = false;
        }
        ImGui::SameLine();
        if (ImGui::Button("No")) m_confirmMerge = false;
    }
    ImGui::EndDisabled();

    sectionHeader(fonts, "Delete");
    switch (m_kind) {
    case Kind::Model:
    case Kind::Agent: ImGui::TextWrapped("Refused while outputs use it: merge it into another first. Ctrl+Z restores a deleted one."); break;
    case Kind::Tag: ImGui::TextWrapped("Removes it from every output and prompt; Ctrl+Z restores it with exactly those links."); break;
    default: ImGui::TextWrapped("Removes it from every prompt's checklist; Ctrl+Z restores it with its checks."); break;
    }
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(120, 46, 50, 255));
    bool del = ImGui::Button("Delete");
    ImGui::PopStyleColor();
    testhook::mark("catalog:delete");
    if (del) {
        try {
            m_ctx.store().softDelete({m_kind, m_id});
            m_ctx.rememberDelete({{m_kind, m_id}}, std::string(kindNoun(m_kind)) + " '" + name() + "'");
            m_ctx.notice(std::string("Deleted — Ctrl+Z to undo"));
            m_loaded = false;
            m_ctx.dataChanged();
            return;
        } catch (const InUseError& e) {
            m_inUse = std::string("Cannot delete: ") + e.what() + ". Merge it into another " + kindNoun(m_kind) + " above, or change those outputs first.";
        } catch (const std::exception& e) {
            m_ctx.error(e.what());
        }
    }
    if (!m_inUse.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, toVec(color::bad));
        ImGui::TextWrapped("%s", shown(m_inUse));
        ImGui::PopStyleColor();
    }
}

void CatalogEditor::addToPrompts(const std::optional<std::string>& tagId) {
    if (m_id.empty()) return;
    // Thousands of prompts take a moment: the worker writes, the screen stays live.
    m_qaAdding = true;
    std::weak_ptr<int> alive = m_alive;
    const std::string id = m_id, name = m_qa.name;
    m_ctx.worker().post([this, alive, id, name, tagId](Store& s) -> Worker::UiCallback {
        std::string error;
        int64_t added = 0;
        try {
            added = s.addQaActivityToPrompts(id, tagId);
        } catch (const std::exception& e) {
            error = e.what();
        }
        return [this, alive, added, error, name] {
            if (alive.expired()) return;
            m_qaAdding = false;
            if (!error.empty()) {
                m_ctx.error(error);
                return;
            }
            m_usage += added;
            m_ctx.notice("Added “" + name + "” to the checklist of " + std::to_string(added) + " prompt" + (added == 1 ? "" : "s"));
            m_ctx.dataChanged();
        };
    });
}

} // namespace pv::ui
