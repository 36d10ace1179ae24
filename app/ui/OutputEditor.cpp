#include "OutputEditor.hpp"
#include "Language.hpp"

#include "EntityTables.hpp"

#include <algorithm>

namespace pv::ui {

OutputEditor::OutputEditor(AppContext& ctx) : Editor("output_editor", ctx) {}

std::optional<RecordRef> OutputEditor::record() const {
    if (!m_loaded || m_isNew) return std::nullopt;
    return RecordRef{Kind::Output, m_draft.id};
}

void OutputEditor::load(const std::optional<RecordRef>& ref) {
    m_loaded = false;
    m_labels.clear();
    m_lookups = m_ctx.store().lookups("outputs");
    if (!ref) return;
    auto o = m_ctx.store().getOutput(ref->id);
    if (!o) return;
    m_draft = m_orig = *o;
    m_isNew = false;
    m_tags = m_ctx.store().tagsOf(Kind::Output, o->id);
    m_origTags.clear();
    for (auto& t : m_tags) m_origTags.insert(t.id);
    m_values = m_ctx.store().lookupValuesOf(Kind::Output, o->id);
    m_origValues.clear();
    for (auto& v : m_values) m_origValues.insert(v.id);
    m_loaded = true;
}

void OutputEditor::startNew(const std::string& promptId, const std::string& text) {
    m_labels.clear();
    m_lookups = m_ctx.store().lookups("outputs");
    m_draft = m_orig = Output{};
    m_draft.source = m_orig.source = "manual";
    if (!promptId.empty()) m_draft.promptId = promptId;
    m_draft.output = text;
    m_tags.clear();
    m_origTags.clear();
    m_values.clear();
    m_origValues.clear();
    m_isNew = true;
    m_loaded = true;
    m_tabRequest = 0;
}

bool OutputEditor::dirty() const {
    if (!m_loaded) return false;
    if (!sameFields(m_draft, m_orig)) return true;
    std::set<std::string> tags, values;
    for (auto& t : m_tags) tags.insert(t.id);
    for (auto& v : m_values) values.insert(v.id);
    return tags != m_origTags || values != m_origValues;
}

void OutputEditor::discard() {
    if (m_isNew) m_loaded = false;
    else load(record());
}

bool OutputEditor::save() {
    if (!m_loaded) return true;
    Store& s = m_ctx.store();
    try {
        s.transaction([&] {
            if (m_isNew) {
                // Captured by hand: the language is guessed unless the person chose one.
                if (m_draft.language.empty()) m_draft.language = detectLanguage(m_draft.outputEdited.value_or(m_draft.output));
                m_draft = s.createOutput(m_draft);
            }
            else s.updateOutput(m_draft);
            std::set<std::string> tags, values;
            for (auto& t : m_tags) tags.insert(t.id);
            for (auto& v : m_values) values.insert(v.id);
            for (auto& id : tags)
                if (!m_origTags.count(id)) s.linkTag(Kind::Output, m_draft.id, id);
            for (auto& id : m_origTags)
                if (!tags.count(id)) s.unlinkTag(Kind::Output, m_draft.id, id);
            for (auto& id : values)
                if (!m_origValues.count(id)) s.linkLookupValue(Kind::Output, m_draft.id, id);
            for (auto& id : m_origValues)
                if (!values.count(id)) s.unlinkLookupValue(Kind::Output, m_draft.id, id);
        });
    } catch (const std::exception& e) {
        if (m_isNew) m_draft.id.clear();
        m_ctx.error(std::string("Not saved: ") + e.what());
        return false;
    }
    bool wasNew = m_isNew;
    load(RecordRef{Kind::Output, m_draft.id});
    m_ctx.notice(wasNew ? "Output created" : "Output saved");
    m_ctx.dataChanged();
    return true;
}

namespace {
std::string stampOf(const Stamps& s) { return s.updatedAt + "|" + s.deletedAt.value_or(""); }
} // namespace

std::string OutputEditor::loadedStamp() const { return stampOf(m_orig); }

std::string OutputEditor::storedStamp() {
    auto o = m_isNew ? std::nullopt : m_ctx.store().getOutput(m_draft.id);
    return o ? stampOf(*o) : std::string();
}

std::optional<Draft> OutputEditor::unsavedDraft() const {
    if (!dirty()) return std::nullopt;
    Draft d;
    d.slot = draftSlot();
    d.kind = kindName(Kind::Output);
    d.recordId = m_isNew ? "" : m_draft.id;
    auto& f = d.fields;
    f = fieldTexts(m_draft);
    f["base_updated_at"] = m_orig.updatedAt;
    std::vector<std::string> tags, values;
    for (auto& t : m_tags) tags.push_back(t.id);
    for (auto& v : m_values) values.push_back(v.id);
    f["tags"] = joinIds(tags);
    f["values"] = joinIds(values);
    return d;
}

bool OutputEditor::restoreDraft(const Draft& d) {
    if (d.kind != kindName(Kind::Output)) return false;
    Store& s = m_ctx.store();
    if (!d.recordId.empty()) load(RecordRef{Kind::Output, d.recordId});
    if (d.recordId.empty() || !m_loaded) startNew("", "");
    setFieldTexts(m_draft, d.fields);
    m_tags.clear();
    for (auto& id : splitIds(fieldOr(d, "tags")))
        if (auto t = s.getTag(id)) m_tags.push_back(*t);
    m_values.clear();
    for (auto& id : splitIds(fieldOr(d, "values")))
        if (auto v = s.getLookupValue(id)) m_values.push_back(*v);
    m_labels.clear();
    m_recovered = true;
    // Back where the person was typing: the corrected version, when that is what the draft changed.
    if (!m_isNew && m_draft.outputEdited != m_orig.outputEdited && m_draft.output == m_orig.output) m_tabRequest = 1;
    // Recovered over a record that changed since: say so, as for a change made while editing.
    if (!m_isNew && fieldOr(d, "base_updated_at") != m_orig.updatedAt) m_changedElsewhere = true;
    return true;
}

const std::string& OutputEditor::labelOf(Kind k, const std::optional<std::string>& id) {
    static const std::string none;
    if (!id) return none;
    auto it = m_labels.find(*id);
    if (it == m_labels.end()) it = m_labels.emplace(*id, m_ctx.store().labelOf({k, *id})).first;
    return it->second;
}

void OutputEditor::drawContents() {
    const Fonts& fonts = m_ctx.fonts();
    if (!m_loaded) {
        ImGui::Dummy({0, 40});
        ImGui::PushFont(fonts.heading);
        ImGui::TextDisabled("No output selected");
        ImGui::PopFont();
        ImGui::TextDisabled("Pick one from the list, or press Ctrl+N to capture a new one.");
        if (ImGui::Button("+ New output")) m_ctx.newOutput();
        return;
    }
    // Header: title + actions.
    ImGui::PushFont(fonts.heading);
    ImGui::TextUnformatted(m_isNew ? "New output" : "Output");
    ImGui::PopFont();
    testhook::mark("output:title");
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
        if (ImGui::Button("Graph")) m_ctx.openGraph({Kind::Output, m_draft.id});
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open in graph");
        ImGui::SameLine();
        if (ImGui::Button("Delete")) {
            try {
                m_ctx.store().softDelete({Kind::Output, m_draft.id});
                m_ctx.rememberDelete({{Kind::Output, m_draft.id}}, "output");
                m_ctx.notice("Output deleted — Ctrl+Z to undo");
                m_loaded = false;
                m_ctx.dataChanged();
                return;
            } catch (const std::exception& e) {
                m_ctx.error(e.what());
            }
        }
        testhook::mark("output:delete");
        ImGui::SameLine();
    }
    ImGui::BeginDisabled(!dirty() && !m_isNew);
    if (ImGui::Button(m_isNew ? "Cancel" : "Revert")) discard();
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(46, 110, 72, 255));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, IM_COL32(60, 140, 92, 255));
    if (ImGui::Button(m_isNew ? "Create (Ctrl+S)" : "Save (Ctrl+S)")) save();
    ImGui::PopStyleColor(2);
    testhook::mark("output:save");
    if (!m_loaded) return;
    if (!m_isNew) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::Text("captured %s · updated %s · %s", shown(shortTime(m_draft.capturedAt)), shown(shortTime(m_draft.updatedAt)),
                    m_draft.source.empty() ? "manual" : m_draft.source.c_str());
        ImGui::PopStyleColor();
    }
    drawBanners();
    ImGui::BeginChild("##scroll", ImVec2(0, 0), false);
    drawRelations();
    drawTexts();
    drawDetails();
    ImGui::EndChild();
}

void OutputEditor::drawRelations() {
    const Fonts& fonts = m_ctx.fonts();
    sectionHeader(fonts, "Relations");
    const float labelW = 80;
    auto field = [&](const char* name) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(name);
        ImGui::SameLine(labelW);
    };
    field("Prompt");
    if (m_prompt.drawSingle(m_ctx, "prompt", m_draft.promptId, labelOf(Kind::Prompt, m_draft.promptId))) m_labels.clear();
    field("Model");
    if (m_model.drawSingle(m_ctx, "model", m_draft.modelId, labelOf(Kind::Model, m_draft.modelId))) m_labels.clear();
    field("Agent");
    if (m_agent.drawSingle(m_ctx, "agent", m_draft.agentId, labelOf(Kind::Agent, m_draft.agentId))) m_labels.clear();
    field("Tags");
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
    if (auto id = m_tagAdd.drawAdd(m_ctx, "tags", "add a tag… (Enter creates)", have)) {
        if (auto t = m_ctx.store().getTag(*id); t && std::find(have.begin(), have.end(), t->id) == have.end()) m_tags.push_back(*t);
    }
    ImGui::EndGroup();
    // The person's own lookups for outputs.
    for (const auto& lk : m_lookups) {
        if (lk.deleted()) continue;
        auto& picker = m_lookupPickers[lk.id];
        if (!picker) picker = std::make_unique<Picker>(Kind::LookupValue, lk.name + " value", lk.id);
        field(lk.name.c_str());
        ImGui::PushID(lk.id.c_str());
        ImGui::BeginGroup();
        std::vector<std::string> have;
        for (auto& v : m_values)
            if (v.lookupId == lk.id) have.push_back(v.id);
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
            if (auto id = picker->drawAdd(m_ctx, "add", ("add " + lk.name + "…").c_str(), have))
                if (auto v = m_ctx.store().getLookupValue(*id)) m_values.push_back(*v);
        } else {
            std::optional<std::string> cur = have.empty() ? std::nullopt : std::optional<std::string>(have.front());
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
    field("Rating");
    drawRating();
    field("Language");
    drawLanguage();
}

void OutputEditor::drawLanguage() {
    std::optional<std::string> code = m_draft.language;
    ImGui::SetNextItemWidth(220);
    if (languagePicker("language", code, false, m_otherLanguage)) m_draft.language = code.value_or("");
    testhook::mark("output:language");
    ImGui::SameLine();
    if (ImGui::Button("Detect")) {
        std::string guess = detectLanguage(m_draft.outputEdited.value_or(m_draft.output));
        if (guess.empty()) m_ctx.notice("Could not tell the language of this text; choose it from the list");
        else m_draft.language = guess;
    }
    testhook::mark("output:detect-language");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Guess the language from the text (the edited version when there is one)");
}

void OutputEditor::drawRating() {
    for (int i = 1; i <= 5; ++i) {
        ImGui::PushID(i);
        bool on = m_draft.rating && *m_draft.rating >= i;
        ImGui::PushStyleColor(ImGuiCol_Text, on ? toVec(color::warn) : toVec(color::muted));
        ImGui::PushStyleColor(ImGuiCol_Button, IM_COL32(0, 0, 0, 0));
        if (ImGui::Button(on ? "★" : "☆")) m_draft.rating = (m_draft.rating && *m_draft.rating == i) ? std::nullopt : std::optional<int64_t>(i);
        testhook::mark("star:" + std::to_string(i));
        ImGui::PopStyleColor(2);
        ImGui::PopID();
        ImGui::SameLine(0, 0);
    }
    ImGui::NewLine();
}

void OutputEditor::drawTexts() {
    const Fonts& fonts = m_ctx.fonts();
    sectionHeader(fonts, "Text");
    const float h = std::max(180.0f, ImGui::GetContentRegionAvail().y * 0.55f);
    const char* names[] = {"Raw output", "Edited", "Diff", "Preview"};
    {
        // The Wrap toggle sits at the right end of the tabs' line.
        const ImVec2 at = ImGui::GetCursorPos();
        ImGui::SetCursorPos({wrapToggleX(ImGui::GetStyle().FramePadding.x), at.y});
        wrapToggle(m_ctx.view());
        ImGui::SetCursorPos(at);
    }
    if (ImGui::BeginTabBar("##texttabs")) {
        for (int t = 0; t < 4; ++t) {
            ImGuiTabItemFlags f = (m_tabRequest == t) ? ImGuiTabItemFlags_SetSelected : 0;
            std::string label = names[t];
            if (t == 1 && m_draft.outputEdited) label += " ✎";
            label += std::string("###tab") + std::to_string(t);
            bool open = ImGui::BeginTabItem(shown(label), nullptr, f);
            testhook::mark(std::string("tab:") + names[t]);
            if (!open) continue;
            m_tab = t;
            if (t == 0) {
                ImGui::PushFont(fonts.mono);
                inputMultiline("##raw", m_draft.output, ImVec2(-1, h));
                testhook::mark("text:raw");
                ImGui::PopFont();
            } else if (t == 1) {
                if (!m_draft.outputEdited) {
                    ImGui::TextWrapped("No edited version yet. Start one from the raw output and correct it; the raw text stays as it was.");
                    if (ImGui::Button("Start editing from the raw output")) m_draft.outputEdited = m_draft.output;
                    testhook::mark("edited:start");
                } else {
                    ImGui::PushFont(fonts.mono);
                    inputMultiline("##edited", *m_draft.outputEdited, ImVec2(-1, h - ImGui::GetFrameHeightWithSpacing()));
                    testhook::mark("text:edited");
                    ImGui::PopFont();
                    if (ImGui::SmallButton("Remove the edited version")) m_draft.outputEdited.reset();
                }
            } else if (t == 2) {
                if (!m_draft.outputEdited) {
                    ImGui::TextDisabled("Nothing to compare: there is no edited version.");
                } else {
                    if (m_diffA != m_draft.output || m_diffB != *m_draft.outputEdited) {
                        m_diffA = m_draft.output;
                        m_diffB = *m_draft.outputEdited;
                        m_diff = wordDiff(m_diffA, m_diffB);
                    }
                    auto st = diffStats(m_diff);
                    ImGui::TextColored(toVec(color::good), "+%lld words", static_cast<long long>(st.inserted));
                    ImGui::SameLine();
                    ImGui::TextColored(toVec(color::bad), "−%lld words", static_cast<long long>(st.deleted));
                    ImGui::BeginChild("##diff", ImVec2(-1, h), true);
                    drawWordDiff(m_diff, fonts);
                    ImGui::EndChild();
                }
            } else {
                if (m_draft.outputEdited) {
                    if (ImGui::RadioButton("edited", m_previewEdited)) m_previewEdited = true;
                    ImGui::SameLine();
                    if (ImGui::RadioButton("raw", !m_previewEdited)) m_previewEdited = false;
                }
                ImGui::BeginChild("##preview", ImVec2(-1, h), true);
                m_markdown.draw(m_draft.outputEdited && m_previewEdited ? *m_draft.outputEdited : m_draft.output, fonts);
                ImGui::EndChild();
            }
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    m_tabRequest = -1;
}

void OutputEditor::drawDetails() {
    const Fonts& fonts = m_ctx.fonts();
    sectionHeader(fonts, "Notes and source");
    inputMultiline("##notes", m_draft.notes, ImVec2(-1, 70));
    if (m_draft.notes.empty() && !ImGui::IsItemActive()) {
        ImVec2 p = ImGui::GetItemRectMin();
        ImGui::GetWindowDrawList()->AddText({p.x + 8, p.y + 5}, color::muted, "notes…");
    }
    if (ImGui::BeginTable("##src", 2, ImGuiTableFlags_SizingStretchProp)) {
        ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, 110);
        ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
        auto row = [&](const char* k, std::string& v) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::AlignTextToFramePadding();
            ImGui::TextDisabled("%s", k);
            ImGui::TableNextColumn();
            ImGui::SetNextItemWidth(-1);
            inputText((std::string("##") + k).c_str(), v);
        };
        row("Source", m_draft.source);
        row("Conversation", m_draft.conversationTitle);
        row("Conversation id", m_draft.conversationId);
        row("Message id", m_draft.messageId);
        row("URL", m_draft.conversationUrl);
        row("Captured", m_draft.capturedAt);
        ImGui::EndTable();
    }
}

} // namespace pv::ui
