#include "PromptsPanel.hpp"

#include "EntityTables.hpp"

#include "UiQueries.hpp"

#include <algorithm>

namespace pv::ui {

// ---- list ----------------------------------------------------------------------------------------
PromptsPanel::PromptsPanel(AppContext& ctx) : ListPanel("prompts", ctx) {}

void PromptsPanel::reload() {
    m_rows.reset();
    std::weak_ptr<int> alive = m_alive;
    auto gen = m_rows.generation();
    auto filter = m_filter;
    m_ctx.worker().post(
        [this, alive, gen, filter](Store& s) -> Worker::UiCallback {
            int64_t n = uiq::countPrompts(s, filter);
            return [this, alive, gen, n] {
                if (!alive.expired()) m_rows.setCount(gen, n);
            };
        },
        "prompts:count");
}

void PromptsPanel::setSearch(const std::string& text) {
    m_filter.text = text;
    reload();
}

void PromptsPanel::pumpRequests() {
    while (auto req = m_rows.nextRequest()) {
        std::weak_ptr<int> alive = m_alive;
        auto filter = m_filter;
        auto sort = m_sort;
        auto r = *req;
        m_ctx.worker().post([this, alive, filter, sort, r](Store& s) -> Worker::UiCallback {
            PageCursor after = r.seek ? uiq::promptCursorAt(s, filter, sort, r.firstIndex()) : r.after;
            Page<PromptRow> page;
            if (!r.seek || after.valid) page = s.listPrompts(filter, sort, after, r.pageSizeOf);
            return [this, alive, r, page = std::move(page)]() mutable {
                if (!alive.expired()) m_rows.deliver(r.generation, r.page, std::move(page.rows), page.next);
            };
        });
    }
}

void PromptsPanel::drawContents() {
    if (m_seenVersion != m_ctx.dataVersion()) {
        m_seenVersion = m_ctx.dataVersion();
        reload();
    }
    ImGui::PushFont(m_ctx.fonts().heading);
    ImGui::TextUnformatted("Prompts");
    ImGui::PopFont();
    ImGui::SameLine();
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 4);
    if (auto n = m_rows.knownCount()) caption(std::to_string(*n).c_str());
    ImGui::SameLine(ImGui::GetContentRegionMax().x - 86);
    if (ImGui::Button("+ New", ImVec2(86, 0))) {
        m_ctx.open({Kind::Prompt, ""});
    }
    testhook::mark("prompts:new");
    ImGui::SetNextItemWidth(-1);
    if (searchBox(m_filter.text, "Search prompts…  (Ctrl+F)")) reload();
    // QA state as segmented buttons.
    const char* qa[] = {"All", "QA complete", "Incomplete", "Not started"};
    for (int i = 0; i < 4; ++i) {
        bool on = static_cast<int>(m_filter.qa) == i;
        if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_HeaderActive));
        if (ImGui::SmallButton(qa[i])) {
            m_filter.qa = static_cast<PromptFilter::Qa>(i);
            reload();
        }
        testhook::mark(std::string("qafilter:") + qa[i]);
        if (on) ImGui::PopStyleColor();
        ImGui::SameLine();
    }
    ImGui::NewLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("Tag");
    ImGui::SameLine(60);
    if (m_filter.tagId && m_tagLabel.empty()) m_tagLabel = m_ctx.store().labelOf({Kind::Tag, *m_filter.tagId});
    auto before = m_filter.tagId;
    m_tagFilter.drawSingle(m_ctx, "tagf", m_filter.tagId, m_tagLabel);
    if (before != m_filter.tagId) {
        m_tagLabel.clear();
        reload();
    }
    if (!m_ctx.store().lookups("prompts").empty()) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("Lookup");
        ImGui::SameLine(60);
        if (m_filter.lookupValueId && m_valueLabel.empty()) m_valueLabel = m_ctx.store().labelOf({Kind::LookupValue, *m_filter.lookupValueId});
        auto b2 = m_filter.lookupValueId;
        m_lookupFilter.drawSingle(m_ctx, "lkf", m_filter.lookupValueId, m_valueLabel);
        if (b2 != m_filter.lookupValueId) {
            m_valueLabel.clear();
            reload();
        }
    }

    const ImGuiTableFlags flags = ImGuiTableFlags_Resizable | ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_Hideable;
    const float tableW = ImGui::GetContentRegionAvail().x;
    if (ImGui::BeginTable("prompts_table", 4, flags, ImGui::GetContentRegionAvail())) {
        // Narrow pane: the output count, then the date, go before the title gets unreadable.
        auto fit = fitColumns(tableW, {120, 92, 60, 118}, {2, 3});
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("Title", fit[0], 3.0f);
        ImGui::TableSetupColumn("QA", fit[1] | ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_WidthFixed, 92);
        ImGui::TableSetupColumn("Outputs", fit[2] | ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_WidthFixed, 60);
        ImGui::TableSetupColumn("Updated", fit[3] | ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_PreferSortDescending | ImGuiTableColumnFlags_WidthFixed, 118);
        ImGui::TableHeadersRow();
        markColumns("prompts");
        if (auto* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
            PromptSort s = specs->SpecsCount > 0 && specs->Specs[0].ColumnIndex == 0 ? PromptSort::TitleAsc : PromptSort::UpdatedDesc;
            specs->SpecsDirty = false;
            if (s != m_sort) {
                m_sort = s;
                reload();
            }
        }
        navigate(m_rows.displayCount());
        ImGuiListClipper clipper;
        clipper.Begin(static_cast<int>(std::min<int64_t>(m_rows.displayCount(), INT32_MAX)));
        bool first = true;
        while (clipper.Step()) {
            if (first) {
                m_rows.setVisible(clipper.DisplayStart, std::max(clipper.DisplayStart, clipper.DisplayEnd - 1));
                first = false;
            }
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                const PromptRow* r = m_rows.row(i);
                if (!r) {
                    ImGui::TextDisabled("…");
                    continue;
                }
                ImGui::PushID(r->id.c_str());
                bool sel = r->id == m_current || m_selection.count(r->id);
                std::string title = (r->iteration > 0 ? "v" + std::to_string(r->iteration) + "  " : std::string()) +
                                    (r->derivedFromId ? "↳ " : "") + (r->title.empty() ? r->preview : r->title);
                if (ImGui::Selectable(shown(title), sel, ImGuiSelectableFlags_SpanAllColumns))
                    clickRow(i, r->id, Kind::Prompt, [this](int64_t k) {
                        auto* x = m_rows.row(k);
                        return x ? x->id : std::string();
                    });
                testhook::mark("promptrow:" + std::to_string(i));
                rowDrawn(i, r->id, Kind::Prompt);
                ImGui::TableNextColumn();
                float frac = qaProgressFraction(r->qaDone, r->qaTotal);
                ImGui::PushStyleColor(ImGuiCol_PlotHistogram, frac >= 1.0f ? toVec(color::good) : toVec(color::accent));
                ImGui::ProgressBar(frac, ImVec2(-1, ImGui::GetTextLineHeight()), shown(qaProgressLabel(r->qaDone, r->qaTotal)));
                ImGui::PopStyleColor();
                ImGui::TableNextColumn();
                ImGui::Text("%lld", static_cast<long long>(r->outputCount));
                ImGui::TableNextColumn();
                ImGui::TextDisabled("%s", shown(shortTime(r->updatedAt)));
                ImGui::PopID();
            }
        }
        if (m_rows.displayCount() == 0 && !m_rows.loading()) { ImGui::TableNextRow(); ImGui::TableNextColumn(); ImGui::TextDisabled("No prompts match."); }
        ImGui::EndTable();
    }
    pumpRequests();
}

// ---- editor --------------------------------------------------------------------------------------
PromptEditor::PromptEditor(AppContext& ctx) : Editor("prompt_editor", ctx) {}

std::optional<RecordRef> PromptEditor::record() const {
    if (!m_loaded || m_isNew) return std::nullopt;
    return RecordRef{Kind::Prompt, m_draft.id};
}

void PromptEditor::startNew() {
    m_draft = m_orig = Prompt{};
    m_tags.clear();
    m_origTags.clear();
    m_values.clear();
    m_origValues.clear();
    m_checks.clear();
    m_outputs.clear();
    m_iterations.clear();
    m_parent.reset();
    m_lookups = m_ctx.store().lookups("prompts");
    m_isNew = m_loaded = true;
}

void PromptEditor::load(const std::optional<RecordRef>& ref) {
    m_loaded = false;
    m_deleteAsk = 0;
    if (!ref) return;
    if (ref->id.empty()) {
        startNew();
        return;
    }
    Store& s = m_ctx.store();
    auto p = s.getPrompt(ref->id);
    if (!p) return;
    m_draft = m_orig = *p;
    m_isNew = false;
    m_tags = s.tagsOf(Kind::Prompt, p->id);
    m_origTags.clear();
    for (auto& t : m_tags) m_origTags.insert(t.id);
    m_values = s.lookupValuesOf(Kind::Prompt, p->id);
    m_origValues.clear();
    for (auto& v : m_values) m_origValues.insert(v.id);
    m_lookups = s.lookups("prompts");
    m_checks = s.qaChecklist(p->id);
    m_noteDrafts.clear();
    OutputFilter f;
    f.promptId = p->id;
    auto page = s.listOutputs(f, OutputSort::CapturedDesc, {}, 50);
    m_outputs = std::move(page.rows);
    m_outputTotal = page.next.valid ? s.countOutputs(f) : static_cast<int64_t>(m_outputs.size());
    m_iterations = s.iterationsOf(p->id);
    m_parent = p->derivedFromId ? s.getPrompt(*p->derivedFromId) : std::nullopt;
    m_iteration = s.iterationOf(p->id);
    m_parentNumber = m_parent ? s.iterationOf(m_parent->id).number : 0;
    m_iterationNumbers.clear();
    for (const auto& it : m_iterations) m_iterationNumbers.push_back(s.iterationOf(it.id).number);
    m_diffKey.clear();
    m_loaded = true;
}

bool PromptEditor::dirty() const {
    if (!m_loaded) return false;
    if (!sameFields(m_draft, m_orig)) return true;
    std::set<std::string> tags, values;
    for (auto& t : m_tags) tags.insert(t.id);
    for (auto& v : m_values) values.insert(v.id);
    return tags != m_origTags || values != m_origValues;
}

void PromptEditor::discard() {
    if (m_isNew) m_loaded = false;
    else load(record());
}

bool PromptEditor::save() {
    if (!m_loaded) return true;
    Store& s = m_ctx.store();
    try {
        s.transaction([&] {
            if (m_isNew) m_draft = s.createPrompt(m_draft);
            else s.updatePrompt(m_draft);
            std::set<std::string> tags, values;
            for (auto& t : m_tags) tags.insert(t.id);
            for (auto& v : m_values) values.insert(v.id);
            for (auto& id : tags)
                if (!m_origTags.count(id)) s.linkTag(Kind::Prompt, m_draft.id, id);
            for (auto& id : m_origTags)
                if (!tags.count(id)) s.unlinkTag(Kind::Prompt, m_draft.id, id);
            for (auto& id : values)
                if (!m_origValues.count(id)) s.linkLookupValue(Kind::Prompt, m_draft.id, id);
            for (auto& id : m_origValues)
                if (!values.count(id)) s.unlinkLookupValue(Kind::Prompt, m_draft.id, id);
        });
    } catch (const std::exception& e) {
        if (m_isNew) m_draft.id.clear();
        m_ctx.error(std::string("Not saved: ") + e.what());
        return false;
    }
    bool wasNew = m_isNew;
    load(RecordRef{Kind::Prompt, m_draft.id});
    m_ctx.notice(wasNew ? "Prompt created" : "Prompt saved");
    m_ctx.dataChanged();
    return true;
}

namespace {
std::string stampOf(const Stamps& s) { return s.updatedAt + "|" + s.deletedAt.value_or(""); }
} // namespace

std::string PromptEditor::loadedStamp() const { return stampOf(m_orig); }

std::string PromptEditor::storedStamp() {
    auto p = m_isNew ? std::nullopt : m_ctx.store().getPrompt(m_draft.id);
    return p ? stampOf(*p) : std::string();
}

std::optional<Draft> PromptEditor::unsavedDraft() const {
    if (!dirty()) return std::nullopt;
    Draft d;
    d.slot = draftSlot();
    d.kind = kindName(Kind::Prompt);
    d.recordId = m_isNew ? "" : m_draft.id;
    d.fields = fieldTexts(m_draft);
    d.fields["base_updated_at"] = m_orig.updatedAt;
    std::vector<std::string> tags, values;
    for (auto& t : m_tags) tags.push_back(t.id);
    for (auto& v : m_values) values.push_back(v.id);
    d.fields["tags"] = joinIds(tags);
    d.fields["values"] = joinIds(values);
    return d;
}

bool PromptEditor::restoreDraft(const Draft& d) {
    if (d.kind != kindName(Kind::Prompt)) return false;
    Store& s = m_ctx.store();
    if (!d.recordId.empty()) load(RecordRef{Kind::Prompt, d.recordId});
    if (d.recordId.empty() || !m_loaded) startNew();
    setFieldTexts(m_draft, d.fields);
    m_tags.clear();
    for (auto& id : splitIds(fieldOr(d, "tags")))
        if (auto t = s.getTag(id)) m_tags.push_back(*t);
    m_values.clear();
    for (auto& id : splitIds(fieldOr(d, "values")))
        if (auto v = s.getLookupValue(id)) m_values.push_back(*v);
    m_recovered = true;
    if (!m_isNew && fieldOr(d, "base_updated_at") != m_orig.updatedAt) m_changedElsewhere = true;
    return true;
}

void PromptEditor::drawContents() {
    const Fonts& fonts = m_ctx.fonts();
    if (!m_loaded) {
        ImGui::Dummy({0, 40});
        ImGui::PushFont(fonts.heading);
        ImGui::TextDisabled("No prompt selected");
        ImGui::PopFont();
        ImGui::TextDisabled("Pick one from the library, or create a new one.");
        return;
    }
    ImGui::PushFont(fonts.heading);
    ImGui::TextUnformatted(m_isNew ? "New prompt" : m_iteration.familySize > 1 ? ("Prompt v" + std::to_string(m_iteration.number)).c_str() : "Prompt");
    ImGui::PopFont();
    testhook::mark("prompt:title");
    if (dirty()) {
        ImGui::SameLine();
        ImGui::SetCursorPosY(ImGui::GetCursorPosY() + 4);
        ImGui::TextColored(toVec(color::warn), "● unsaved");
    }
    {
        std::vector<const char*> actions;
        if (!m_isNew) actions.push_back("Graph");
        if (!m_isNew) actions.push_back("Delete");
        actions.push_back(m_isNew ? "Cancel" : "Revert");
        actions.push_back(m_isNew ? "Create (Ctrl+S)" : "Save (Ctrl+S)");
        placeActions(actions);
    }
    if (!m_isNew) {
        if (ImGui::Button("Graph")) m_ctx.openGraph({Kind::Prompt, m_draft.id});
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open in graph");
        ImGui::SameLine();
        if (ImGui::Button("Delete")) {
            try {
                m_ctx.store().softDelete({Kind::Prompt, m_draft.id}, DeleteMode::Refuse);
                m_ctx.rememberDelete({{Kind::Prompt, m_draft.id}}, "prompt");
                m_ctx.notice("Prompt deleted — Ctrl+Z to undo");
                m_loaded = false;
                m_ctx.dataChanged();
                return;
            } catch (const InUseError& e) {
                m_deleteAsk = 1;
                m_ctx.error(e.what());
            } catch (const std::exception& e) {
                m_ctx.error(e.what());
            }
        }
        ImGui::SameLine();
    }
    ImGui::BeginDisabled(!dirty() && !m_isNew);
    if (ImGui::Button(m_isNew ? "Cancel" : "Revert")) discard();
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(46, 110, 72, 255));
    if (ImGui::Button(m_isNew ? "Create (Ctrl+S)" : "Save (Ctrl+S)")) save();
    ImGui::PopStyleColor();
    testhook::mark("prompt:save");
    if (!m_loaded) return;
    drawBanners();
    if (m_deleteAsk == 1) {
        ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(80, 40, 44, 255));
        ImGui::BeginChild("##delask", {0, ImGui::GetFrameHeightWithSpacing() * 2 + 12}, true);
        ImGui::Text("This prompt has %lld live outputs. Delete it together with them? (Ctrl+Z restores all)", static_cast<long long>(m_outputTotal));
        if (ImGui::Button("Delete with its outputs")) {
            try {
                m_ctx.store().softDelete({Kind::Prompt, m_draft.id}, DeleteMode::Cascade);
                m_ctx.rememberDelete({{Kind::Prompt, m_draft.id}}, "prompt and its outputs");
                m_loaded = false;
                m_ctx.dataChanged();
            } catch (const std::exception& e) {
                m_ctx.error(e.what());
            }
            m_deleteAsk = 0;
        }
        ImGui::SameLine();
        if (ImGui::Button("Keep it")) m_deleteAsk = 0;
        ImGui::EndChild();
        ImGui::PopStyleColor();
        if (!m_loaded) return;
    }
    ImGui::BeginChild("##scroll");
    const float headerY = ImGui::GetCursorPosY() + ImGui::GetStyle().ItemSpacing.y;
    sectionHeader(fonts, "Prompt");
    wrapToggleAt(m_ctx.view(), headerY);
    ImGui::SetNextItemWidth(-1);
    inputWithHint("##title", "title", m_draft.title);
    ImGui::PushFont(fonts.mono);
    inputMultiline("##body", m_draft.body, ImVec2(-1, 150));
    ImGui::PopFont();
    inputMultiline("##notes", m_draft.notes, ImVec2(-1, 48));
    if (m_draft.notes.empty() && !ImGui::IsItemActive()) {
        ImVec2 p = ImGui::GetItemRectMin();
        ImGui::GetWindowDrawList()->AddText({p.x + 8, p.y + 5}, color::muted, "notes…");
    }
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Tags");
    ImGui::SameLine(80);
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
    if (auto id = m_tagAdd.drawAdd(m_ctx, "ptags", "add a tag… (Enter creates)", have))
        if (auto t = m_ctx.store().getTag(*id)) m_tags.push_back(*t);
    ImGui::EndGroup();
    for (const auto& lk : m_lookups) {
        if (lk.deleted()) continue;
        auto& picker = m_lookupPickers[lk.id];
        if (!picker) picker = std::make_unique<Picker>(Kind::LookupValue, lk.name + " value", lk.id);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(shown(lk.name));
        ImGui::SameLine(80);
        ImGui::PushID(lk.id.c_str());
        ImGui::BeginGroup();
        std::vector<std::string> ids;
        for (auto& v : m_values)
            if (v.lookupId == lk.id) ids.push_back(v.id);
        if (lk.multi) {
            for (size_t i = 0; i < m_values.size(); ++i) {
                if (m_values[i].lookupId != lk.id) continue;
                if (chip(m_values[i].id, m_values[i].value)) {
                    m_values.erase(m_values.begin() + static_cast<long>(i));
                    break;
                }
                ImGui::SameLine();
            }
            ImGui::NewLine();
            if (auto id = picker->drawAdd(m_ctx, "add", ("add " + lk.name + "…").c_str(), ids))
                if (auto v = m_ctx.store().getLookupValue(*id)) m_values.push_back(*v);
        } else {
            std::optional<std::string> cur = ids.empty() ? std::nullopt : std::optional<std::string>(ids.front());
            std::string label;
            for (auto& v : m_values)
                if (cur && v.id == *cur) label = v.value;
            if (picker->drawSingle(m_ctx, "one", cur, label)) {
                m_values.erase(std::remove_if(m_values.begin(), m_values.end(), [&](const LookupValue& v) { return v.lookupId == lk.id; }), m_values.end());
                if (cur)
                    if (auto v = m_ctx.store().getLookupValue(*cur)) m_values.push_back(*v);
            }
        }
        ImGui::EndGroup();
        ImGui::PopID();
    }
    if (!m_isNew) {
        drawQa();
        drawOutputs();
        drawIterations();
    } else {
        ImGui::Spacing();
        ImGui::TextDisabled("Create the prompt to add outputs, iterations and QA checks.");
    }
    ImGui::EndChild();
}

void PromptEditor::drawQa() {
    const Fonts& fonts = m_ctx.fonts();
    int64_t done = 0;
    for (auto& c : m_checks) done += c.done ? 1 : 0;
    std::string head = "QA checklist  " + qaProgressLabel(done, static_cast<int64_t>(m_checks.size()));
    sectionHeader(fonts, shown(head));
    if (m_checks.empty()) ImGui::TextDisabled("No checks on this prompt yet: add an activity below (an activity's page adds it to many prompts).");
    Store& s = m_ctx.store();
    auto reloadChecks = [&] {
        m_checks = s.qaChecklist(m_draft.id);
        m_ctx.dataChanged();
    };
    // Over a copy: a change reloads m_checks (here or through dataChanged's refresh) mid-loop.
    const std::vector<QaCheck> checks = m_checks;
    for (const auto& c : checks) {
        ImGui::PushID(c.qaActivityId.c_str());
        bool v = c.done;
        if (ImGui::Checkbox(shown(c.activityName), &v)) {
            try {
                s.setQaCheck(m_draft.id, c.qaActivityId, v, c.note);
                reloadChecks();
            } catch (const std::exception& e) {
                m_ctx.error(e.what());
            }
            ImGui::PopID();
            break;  // the list was replaced
        }
        testhook::mark("qa:" + c.activityName);
        ImGui::SameLine(260);
        if (c.done && c.doneAt) ImGui::TextColored(toVec(color::good), "✓ %s", shown(shortTime(*c.doneAt)));
        else ImGui::TextDisabled("not done");
        ImGui::SameLine(420);
        auto it = m_noteDrafts.find(c.qaActivityId);
        if (it == m_noteDrafts.end()) it = m_noteDrafts.emplace(c.qaActivityId, c.note).first;
        ImGui::SetNextItemWidth(-ImGui::GetFrameHeight() - ImGui::GetStyle().ItemSpacing.x);
        inputWithHint("##note", "note", it->second);
        testhook::mark("qanote:" + c.activityName);
        // A check's note is saved when the field is left, like the tick itself.
        if (ImGui::IsItemDeactivatedAfterEdit()) {
            try {
                s.setQaCheck(m_draft.id, c.qaActivityId, c.done, it->second);
                m_ctx.dataChanged();
            } catch (const std::exception& e) {
                m_ctx.error(e.what());
            }
            ImGui::PopID();
            break;  // the list may have been replaced
        }
        ImGui::SameLine();
        const bool remove = ImGui::Button("×", ImVec2(ImGui::GetFrameHeight(), 0));
        testhook::mark("qaremove:" + c.activityName);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Take this activity off this prompt's checklist");
        if (remove) {
            try {
                s.removeQaCheck(m_draft.id, c.qaActivityId);
                m_noteDrafts.erase(c.qaActivityId);
                reloadChecks();
                m_ctx.notice("Removed “" + c.activityName + "” from this prompt's checklist");
            } catch (const std::exception& e) {
                m_ctx.error(e.what());
            }
            ImGui::PopID();
            break;
        }
        ImGui::PopID();
    }
    std::vector<std::string> present;
    for (const auto& c : m_checks) present.push_back(c.qaActivityId);
    ImGui::SetNextItemWidth(260);
    if (auto id = m_qaAdd.drawAdd(m_ctx, "qaadd", "add a QA activity…", present)) {
        try {
            s.addQaChecks({m_draft.id}, {*id});
            reloadChecks();
        } catch (const std::exception& e) {
            m_ctx.error(e.what());
        }
    }
}

void PromptEditor::drawOutputs() {
    const Fonts& fonts = m_ctx.fonts();
    std::string head = "Outputs (" + std::to_string(m_outputTotal) + ")";
    sectionHeader(fonts, shown(head));
    if (ImGui::Button("+ New output for this prompt")) m_ctx.newOutput(m_draft.id);
    testhook::mark("prompt:newoutput");
    for (const auto& o : m_outputs) {
        ImGui::PushID(o.id.c_str());
        std::string label = shortTime(o.capturedAt) + "  " + (o.modelName.empty() ? "" : "[" + o.modelName + "] ") + ratingStars(o.rating) +
                            (o.edited ? " ✎ " : "  ") + o.preview;
        if (ImGui::Selectable(shown(label))) m_ctx.open({Kind::Output, o.id});
        ImGui::PopID();
    }
    if (m_outputTotal > static_cast<int64_t>(m_outputs.size()))
        ImGui::TextDisabled("… and %lld more (the Outputs list filtered by this prompt shows all)",
                            static_cast<long long>(m_outputTotal - static_cast<int64_t>(m_outputs.size())));
}

std::string PromptEditor::iterationLabel(int64_t number, const Prompt& p) const {
    return "v" + std::to_string(number) + "  " + (p.title.empty() ? previewText(p.body, 60) : p.title);
}

void PromptEditor::drawIterations() {
    const Fonts& fonts = m_ctx.fonts();
    std::string head = "Iterations";
    if (m_iteration.familySize > 1)
        head += "  (this is v" + std::to_string(m_iteration.number) + " of " + std::to_string(m_iteration.familySize) + ")";
    sectionHeader(fonts, shown(head));
    if (m_parent) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("Derived from");
        ImGui::SameLine();
        if (ImGui::Selectable(shown(iterationLabel(m_parentNumber, *m_parent))))
            m_ctx.open({Kind::Prompt, m_parent->id});
        // The comparison: what this iteration changed in its parent's title and wording.
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("Compare with v%lld", static_cast<long long>(m_parentNumber));
        ImGui::SameLine();
        const char* modes[] = {"Hide changes", "Changes inline", "Side by side"};
        for (int i = 0; i < 3; ++i) {
            if (i) ImGui::SameLine();
            bool on = m_diffMode == i;
            if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_HeaderActive));
            if (ImGui::SmallButton(modes[i])) m_diffMode = i;
            testhook::mark(std::string("iterdiff:") + modes[i]);
            if (on) ImGui::PopStyleColor();
        }
        if (m_diffMode != 0) drawParentDiff();
    }
    if (!m_iterations.empty()) {
        ImGui::TextDisabled("Derived to");
        for (size_t i = 0; i < m_iterations.size(); ++i) {
            const auto& it = m_iterations[i];
            ImGui::PushID(it.id.c_str());
            ImGui::Bullet();
            if (ImGui::Selectable(shown(iterationLabel(i < m_iterationNumbers.size() ? m_iterationNumbers[i] : 0, it))))
                m_ctx.open({Kind::Prompt, it.id});
            ImGui::PopID();
        }
    }
    if (ImGui::Button("New iteration")) {
        try {
            auto copy = m_ctx.store().newIteration(m_draft.id);
            m_ctx.dataChanged();
            m_ctx.open({Kind::Prompt, copy.id});
            m_ctx.notice("New iteration v" + std::to_string(m_ctx.store().iterationOf(copy.id).number) +
                         ": edit it, the original stays as it was");
        } catch (const std::exception& e) {
            m_ctx.error(e.what());
        }
    }
    testhook::mark("prompt:newiteration");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Copy this prompt (wording, tags, QA checklist) into a new iteration derived from it");
}

void PromptEditor::drawParentDiff() {
    // Against the wording being edited, so the comparison follows the typing.
    const std::string key = m_parent->title + '\x1f' + m_parent->body + '\x1f' + m_draft.title + '\x1f' + m_draft.body;
    if (key != m_diffKey) {
        m_diffKey = key;
        m_titleDiff = wordDiff(m_parent->title, m_draft.title);
        m_bodyDiff = wordDiff(m_parent->body, m_draft.body);
    }
    const DiffStats st = diffStats(m_bodyDiff);
    const DiffStats tt = diffStats(m_titleDiff);
    if (st.inserted + st.deleted + tt.inserted + tt.deleted == 0) {
        ImGui::TextDisabled("Same title and wording as v%lld.", static_cast<long long>(m_parentNumber));
        return;
    }
    ImGui::TextDisabled("Against v%lld: %lld word(s) added, %lld removed", static_cast<long long>(m_parentNumber),
                        static_cast<long long>(st.inserted + tt.inserted), static_cast<long long>(st.deleted + tt.deleted));
    auto only = [](const std::vector<DiffSpan>& spans, DiffSpan::Op keep) {
        std::vector<DiffSpan> out;
        for (const auto& s : spans)
            if (s.op == DiffSpan::Op::Same || s.op == keep) out.push_back(s);
        return out;
    };
    const Fonts& fonts = m_ctx.fonts();
    if (m_diffMode == 1) {
        ImGui::BeginChild("##iterdiff", ImVec2(0, 180), true);
        drawWordDiff(m_titleDiff, fonts);
        ImGui::Separator();
        drawWordDiff(m_bodyDiff, fonts);
        ImGui::EndChild();
        testhook::mark("iterdiff:inline");
        return;
    }
    if (ImGui::BeginTable("##iterdiff2", 2, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY, ImVec2(0, 220))) {
        ImGui::TableSetupColumn(("v" + std::to_string(m_parentNumber) + " (parent)").c_str());
        ImGui::TableSetupColumn(("v" + std::to_string(m_iteration.number) + " (this)").c_str());
        ImGui::TableHeadersRow();
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        drawWordDiff(only(m_titleDiff, DiffSpan::Op::Delete), fonts);
        ImGui::Separator();
        drawWordDiff(only(m_bodyDiff, DiffSpan::Op::Delete), fonts);
        ImGui::TableNextColumn();
        drawWordDiff(only(m_titleDiff, DiffSpan::Op::Insert), fonts);
        ImGui::Separator();
        drawWordDiff(only(m_bodyDiff, DiffSpan::Op::Insert), fonts);
        ImGui::EndTable();
    }
    testhook::mark("iterdiff:sidebyside");
}

} // namespace pv::ui
