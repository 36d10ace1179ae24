// Shared parts of the big lists: the search box (Ctrl+F), multi-selection by id, keyboard
// navigation with a focused row, strips drawn above the list, and the glue between a PagedList
// and the worker.
#pragma once
#include "AppContext.hpp"
#include "PagedList.hpp"
#include "Panel.hpp"
#include "Worker.hpp"

#include <functional>
#include <memory>
#include <set>
#include <vector>

namespace pv::ui {

class ListPanel : public Panel {
public:
    ListPanel(std::string id, AppContext& ctx) : Panel(std::move(id)), m_ctx(ctx) {}
    void focusSearch() { m_focusSearch = true; }
    virtual void setSelected(const std::string& id) { m_current = id; }
    const std::set<std::string>& selection() const { return m_selection; }
    const std::string& current() const { return m_current; }
    int64_t focusedRow() const { return m_focus; }
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
        m_focus = index;
        keepInView(index);  // a bulk bar appearing above must not push the row out of view
    }
    bool searchBox(std::string& text, const char* hint);

    // Keyboard navigation over `count` rows while this list has the focus and no field is active:
    // arrows, Page Up/Down and Home/End move the focused row, Enter opens it. Call inside the
    // table (its scrolling window) before the clipper; the focused row is scrolled into view even
    // when its page is not loaded yet (the clipper then asks for it).
    void navigate(int64_t count);
    // For each drawn row, after its Selectable: outlines the focused row and opens it when Enter
    // was pressed before its page arrived.
    void rowDrawn(int64_t index, const std::string& id, Kind kind);
    void keepInView(int64_t index) {
        m_viewIndex = index;
        m_viewFrames = 3;  // a strip above the table settles its height over a frame or two
    }
    // A strip above the list (filters, bulk actions): as tall as its contents, at most half the
    // pane, so the list always stays in view. `height` is measured each frame.
    void beginStrip(const char* id, ImU32 bg, float& height);
    // Columns a narrow pane gives up so the others keep readable headers. Call right after
    // BeginTable (before TableSetupColumn) with the table's width. `need`: each column's width (a
    // fixed column's, or the smallest a stretch column stays readable at); columns are given up in
    // `dropOrder` until the rest fit. Returns ImGuiTableColumnFlags_Disabled or 0 per column.
    // Test hook: each shown column's rect under "<table>:col:<name>".
    static void markColumns(const std::string& table);
    static std::vector<int> fitColumns(float tableWidth, const std::vector<float>& need, const std::vector<int>& dropOrder);
    void endStrip(float& height);
    // Before a button after the first in a strip: on the same line when it fits, else the next.
    static void nextInRow(const char* label);

    AppContext& m_ctx;
    std::set<std::string> m_selection;
    std::string m_current;
    int64_t m_anchor = -1;
    int64_t m_focus = -1;        // the keyboard's row, outlined
    bool m_openFocused = false;  // Enter on a row whose page is still loading
    int64_t m_viewIndex = -1;    // a row to scroll into view
    int m_viewFrames = 0;
    bool m_focusSearch = false;
    uint64_t m_seenVersion = 0;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0);
};

} // namespace pv::ui
