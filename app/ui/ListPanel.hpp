// Shared parts of the big lists: the search box (Ctrl+F), multi-selection by id, and the glue
// between a PagedList and the worker.
#pragma once
#include "AppContext.hpp"
#include "PagedList.hpp"
#include "Panel.hpp"
#include "Worker.hpp"

#include <functional>
#include <memory>
#include <set>

namespace pv::ui {

class ListPanel : public Panel {
public:
    ListPanel(std::string id, AppContext& ctx) : Panel(std::move(id)), m_ctx(ctx) {}
    void focusSearch() { m_focusSearch = true; }
    virtual void setSelected(const std::string& id) { m_current = id; }
    const std::set<std::string>& selection() const { return m_selection; }
    const std::string& current() const { return m_current; }
    virtual void reload() = 0;
    virtual void setSearch(const std::string& text) = 0;

protected:
    // Row click: plain = open, Ctrl = toggle in the selection, Shift = range over loaded rows.
    template <class Getter>
    void clickRow(int64_t index, const std::string& id, Kind kind, Getter idAt) {
        const auto& io = ImGui::GetIO();
        if (io.KeyCtrl) {
            if (!m_selection.erase(id)) m_selection.insert(id);
        } else if (io.KeyShift && m_anchor >= 0) {
            for (int64_t i = std::min(m_anchor, index); i <= std::max(m_anchor, index); ++i)
                if (auto rid = idAt(i); !rid.empty()) m_selection.insert(rid);
        } else {
            m_selection.clear();
            m_ctx.open({kind, id});
        }
        if (!io.KeyShift) m_anchor = index;
    }
    bool searchBox(std::string& text, const char* hint);

    AppContext& m_ctx;
    std::set<std::string> m_selection;
    std::string m_current;
    int64_t m_anchor = -1;
    bool m_focusSearch = false;
    uint64_t m_seenVersion = 0;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace pv::ui
