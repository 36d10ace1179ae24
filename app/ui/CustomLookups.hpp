// The person's own lookups ("Project", "Use case", "Language"): create one for outputs or prompts,
// one value or many, add / rename / delete values. They then appear as pickers in the editors and
// as filters in the lists. Stored as data, so they sync like everything else.
#pragma once
#include "Editor.hpp"
#include "ListPanel.hpp"
#include "Store.hpp"
#include "Widgets.hpp"

#include <map>

namespace pv::ui {

class CustomLookupsPanel : public ListPanel {
public:
    explicit CustomLookupsPanel(AppContext& ctx);
    void reload() override;
    void setSearch(const std::string& text) override;

protected:
    void drawContents() override;

private:
    std::string m_filter, m_newName;
    int m_newAppliesTo = 0;
    bool m_newMulti = false;
    std::vector<NamedRow> m_rows;
    uint64_t m_token = 0;
};

class CustomLookupEditor : public Editor {
public:
    explicit CustomLookupEditor(AppContext& ctx);
    bool dirty() const override;
    bool isNew() const override { return false; }
    bool save() override;
    void discard() override;
    void load(const std::optional<RecordRef>& ref) override;
    std::optional<RecordRef> record() const override;
    bool handles(Kind k) const override { return k == Kind::Lookup || k == Kind::LookupValue; }

protected:
    void drawContents() override;

private:
    bool m_loaded = false;
    Lookup m_draft, m_orig;
    std::vector<LookupValue> m_values;
    std::map<std::string, std::string> m_valueDrafts;
    std::string m_newValue;
    bool m_refocusNewValue = false;  // after adding one, the next value is typed straight away
};

} // namespace pv::ui
