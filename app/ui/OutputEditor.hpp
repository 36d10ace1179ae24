// The output editor: prompt / model / agent pickers (search as you type, create in place, jump),
// tag chips, the person's own lookups, raw and edited text with a word diff and Markdown preview,
// rating, notes and the source reference. Edits are a draft until Save (Ctrl+S).
#pragma once
#include "Editor.hpp"
#include "Store.hpp"
#include "Widgets.hpp"

#include <map>
#include <memory>
#include <set>

namespace pv::ui {

class OutputEditor : public Editor {
public:
    explicit OutputEditor(AppContext& ctx);
    bool dirty() const override;
    bool save() override;
    void discard() override;
    void load(const std::optional<RecordRef>& ref) override;
    std::optional<RecordRef> record() const override;
    bool handles(Kind kind) const override { return kind == Kind::Output; }
    // A new output (not stored until saved).
    void startNew(const std::string& promptId, const std::string& text);
    bool isNew() const override { return m_loaded && m_isNew; }
    const Output& draft() const { return m_draft; }
    Output& draft() { return m_draft; }
    std::string draftSlot() const override { return "output"; }
    std::optional<Draft> unsavedDraft() const override;
    bool restoreDraft(const Draft& d) override;
    int tab() const { return m_tab; }
    void setTab(int t) { m_tabRequest = t; }

protected:
    void drawContents() override;
    std::string loadedStamp() const override;
    std::string storedStamp() override;

private:
    const std::string& labelOf(Kind k, const std::optional<std::string>& id);
    void drawRelations();
    void drawTexts();
    void drawDetails();
    void drawRating();
    void drawLanguage();

    bool m_loaded = false;
    bool m_isNew = false;
    Output m_draft, m_orig;
    std::vector<Tag> m_tags;
    std::set<std::string> m_origTags;
    std::vector<LookupValue> m_values;
    std::set<std::string> m_origValues;
    std::map<std::string, std::string> m_labels;
    Picker m_prompt{Kind::Prompt, "prompt"};
    Picker m_model{Kind::Model, "model"};
    Picker m_agent{Kind::Agent, "agent"};
    Picker m_tagAdd{Kind::Tag, "tag"};
    std::map<std::string, std::unique_ptr<Picker>> m_lookupPickers;
    std::vector<Lookup> m_lookups;
    int m_tab = 0;
    int m_tabRequest = -1;
    bool m_previewEdited = true;
    std::string m_otherLanguage;  // a code being typed into the language picker
    std::string m_diffA = "\x01", m_diffB;
    std::vector<DiffSpan> m_diff;
    MarkdownView m_markdown;
};

} // namespace pv::ui
