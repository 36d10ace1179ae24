// The outputs list: full-text search as you type, filters, sortable columns, multi-select with
// bulk actions; rows come from keyset pages fetched on the worker, drawn with ImGuiListClipper.
#pragma once
#include "ListPanel.hpp"
#include "Widgets.hpp"

#include <optional>

namespace pv::ui {

class OutputsPanel : public ListPanel {
public:
    explicit OutputsPanel(AppContext& ctx);
    void reload() override;
    void setSearch(const std::string& text) override;
    // Show only outputs related to a record (a model, agent, tag, prompt or lookup value).
    void filterBy(const RecordRef& ref);
    void clearFilters();
    const OutputFilter& filter() const { return m_filter; }
    PagedList<OutputRow>& rows() { return m_rows; }
    // Scroll so that row `index` is at the top (benchmark and tests).
    void scrollToIndex(int64_t index) { m_scrollTo = index; }
    float scrollY() const { return m_scrollY; }

protected:
    void drawContents() override;

private:
    void drawFilters();
    void drawBulkBar();
    void drawTable();
    void pumpRequests();
    void bulkApply(const std::function<void(Store&, const std::string&)>& fn, const std::string& what);

    OutputFilter m_filter;
    OutputSort m_sort = OutputSort::CapturedDesc;
    PagedList<OutputRow> m_rows;
    bool m_showFilters = false;
    int m_editedChoice = 0;  // any / edited / not edited
    std::string m_otherLanguage;  // a code being typed into the language filter
    int m_ratingChoice = 0;  // any / >=1..5
    std::string m_dateFrom, m_dateTo;
    std::string m_filterLabels[5];
    Picker m_tagFilter{Kind::Tag, "tag", "", false};
    Picker m_modelFilter{Kind::Model, "model", "", false};
    Picker m_agentFilter{Kind::Agent, "agent", "", false};
    Picker m_promptFilter{Kind::Prompt, "prompt", "", false};
    Picker m_lookupFilter{Kind::LookupValue, "value", "", false};
    Picker m_bulkTag{Kind::Tag, "tag"};
    Picker m_bulkUntag{Kind::Tag, "tag", "", false};
    Picker m_bulkModel{Kind::Model, "model"};
    int m_bulkMode = 0;  // 0 none, 1 tag, 2 untag, 3 set model
    float m_filtersH = 0, m_bulkH = 0;  // measured heights of the strips above the list
    int64_t m_scrollTo = -1;
    float m_scrollY = 0;
};

} // namespace pv::ui
