// The catalogs (models, agents, tags and QA activities; not to be confused with the person's own
// lookups, CustomLookups): each a small table with usage counts; the editor beside
// it renames, edits details, merges two into one and deletes by the README rule.
#pragma once
#include "Editor.hpp"
#include "ListPanel.hpp"
#include "Store.hpp"
#include "Widgets.hpp"

namespace pv::ui {

const char* kindNoun(Kind k);  // "model", "agent", "tag", "QA activity", ...

class CatalogPanel : public ListPanel {
public:
    CatalogPanel(AppContext& ctx, Kind kind);
    void reload() override;
    void setSearch(const std::string& text) override;
    const std::vector<NamedRow>& rows() const { return m_rows; }

protected:
    void drawContents() override;

private:
    Kind m_kind;
    std::string m_filter;
    std::string m_newName;
    std::vector<NamedRow> m_rows;
    bool m_loading = false;
    bool m_showDeleted = false;
    uint64_t m_token = 0;
};

// The editor beside the four catalog lists (one record of any of their kinds at a time).
class CatalogEditor : public Editor {
public:
    explicit CatalogEditor(AppContext& ctx);
    bool dirty() const override;
    bool isNew() const override { return false; }
    bool save() override;
    void discard() override;
    void load(const std::optional<RecordRef>& ref) override;
    std::optional<RecordRef> record() const override;
    bool handles(Kind k) const override { return k == Kind::Model || k == Kind::Agent || k == Kind::Tag || k == Kind::QaActivity; }
    // Current name field (tests).
    std::string& name();
    std::string draftSlot() const override { return "lookup"; }  // as stored in pv_drafts by earlier builds
    std::optional<Draft> unsavedDraft() const override;
    bool restoreDraft(const Draft& d) override;

protected:
    void drawContents() override;
    std::string loadedStamp() const override;
    std::string storedStamp() override;

private:
    bool m_loaded = false;
    Kind m_kind = Kind::Model;
    std::string m_id;
    Model m_model, m_modelOrig;
    Agent m_agent, m_agentOrig;
    Tag m_tag, m_tagOrig;
    QaActivity m_qa, m_qaOrig;
    int64_t m_usage = 0;
    std::optional<std::string> m_mergeInto;
    std::string m_mergeLabel;
    std::unique_ptr<Picker> m_mergePicker;
    Picker m_defaultModel{Kind::Model, "model"};
    std::string m_defaultModelLabel;
    bool m_confirmMerge = false;
    std::string m_inUse;
    // QA activity: adding it to many prompts at once (all, or those with a tag).
    void addToPrompts(const std::optional<std::string>& tagId);
    Picker m_qaTag{Kind::Tag, "tag", "", false};
    std::optional<std::string> m_qaTagId;
    std::string m_qaTagLabel;
    bool m_qaAdding = false;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace pv::ui
