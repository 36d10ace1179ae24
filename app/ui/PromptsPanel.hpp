// The prompt library: every prompt with its QA progress, filterable by QA state, tag and the
// person's lookups; and the prompt editor with its outputs, iterations, tags and QA checklist.
#pragma once
#include "Editor.hpp"
#include "ListPanel.hpp"
#include "Store.hpp"
#include "Widgets.hpp"

#include <map>
#include <memory>
#include <set>

namespace pv::ui {

class PromptsPanel : public ListPanel {
public:
    explicit PromptsPanel(AppContext& ctx);
    void reload() override;
    void setSearch(const std::string& text) override;
    PromptFilter& filter() { return m_filter; }
    PagedList<PromptRow>& rows() { return m_rows; }

protected:
    void drawContents() override;

private:
    void pumpRequests();
    PromptFilter m_filter;
    PromptSort m_sort = PromptSort::UpdatedDesc;
    PagedList<PromptRow> m_rows;
    std::string m_tagLabel, m_valueLabel;
    Picker m_tagFilter{Kind::Tag, "tag", "", false};
    Picker m_lookupFilter{Kind::LookupValue, "value", "", false};
};

class PromptEditor : public Editor {
public:
    explicit PromptEditor(AppContext& ctx);
    bool dirty() const override;
    bool isNew() const override { return m_loaded && m_isNew; }
    bool save() override;
    void discard() override;
    void load(const std::optional<RecordRef>& ref) override;
    std::optional<RecordRef> record() const override;
    bool handles(Kind kind) const override { return kind == Kind::Prompt; }
    void startNew();
    Prompt& draft() { return m_draft; }
    std::string draftSlot() const override { return "prompt"; }
    std::optional<Draft> unsavedDraft() const override;
    bool restoreDraft(const Draft& d) override;

protected:
    void drawContents() override;
    std::string loadedStamp() const override;
    std::string storedStamp() override;

private:
    void drawQa();
    void drawOutputs();
    void drawIterations();
    void drawParentDiff();
    std::string iterationLabel(int64_t number, const Prompt& p) const;

    bool m_loaded = false, m_isNew = false;
    Prompt m_draft, m_orig;
    std::vector<Tag> m_tags;
    std::set<std::string> m_origTags;
    std::vector<LookupValue> m_values;
    std::set<std::string> m_origValues;
    std::vector<Lookup> m_lookups;
    std::map<std::string, std::unique_ptr<Picker>> m_lookupPickers;
    Picker m_tagAdd{Kind::Tag, "tag"};
    Picker m_qaAdd{Kind::QaActivity, "QA activity"};
    std::vector<QaCheck> m_checks;
    std::map<std::string, std::string> m_noteDrafts;
    std::vector<OutputRow> m_outputs;
    int64_t m_outputTotal = 0;
    std::vector<Prompt> m_iterations;
    std::optional<Prompt> m_parent;
    IterationInfo m_iteration;
    int64_t m_parentNumber = 0;
    std::vector<int64_t> m_iterationNumbers;  // of m_iterations
    int m_diffMode = 0;  // against the parent: 0 hidden, 1 inline, 2 side by side
    std::string m_diffKey;
    std::vector<DiffSpan> m_titleDiff, m_bodyDiff;
    int m_deleteAsk = 0;  // 1: asking whether to delete with its outputs
};

} // namespace pv::ui
