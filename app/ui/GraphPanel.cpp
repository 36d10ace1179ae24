#include "GraphPanel.hpp"

#include "Store.hpp"
#include "ui/graph/GraphView.hpp"

namespace pv::ui {

GraphPanel::GraphPanel(AppContext& ctx) : Panel("graph"), m_ctx(ctx) {}

GraphPanel::~GraphPanel() = default;

void GraphPanel::focus(const RecordRef& ref) {
    if (!m_view) {
        m_view = std::make_unique<GraphView>(m_ctx.store());
        m_view->onOpenRecord = [this](const RecordRef& r) { m_ctx.open(r); };
        m_seenVersion = m_ctx.dataVersion();
    }
    m_view->focus(ref);
    m_focused = true;
}

void GraphPanel::drawContents() {
    if (!m_focused) {
        // Nothing chosen yet: start from the most recent output, if any.
        auto page = m_ctx.store().listOutputs({}, OutputSort::CapturedDesc, {}, 1);
        if (!page.rows.empty()) focus({Kind::Output, page.rows.front().id});
        else {
            ImGui::TextDisabled("The graph shows a record and everything related to it. Open a record first (Ctrl+K).");
            return;
        }
    }
    if (m_seenVersion != m_ctx.dataVersion()) {
        m_seenVersion = m_ctx.dataVersion();
        m_view->refresh();
    }
    m_view->drawContents();
}

} // namespace pv::ui
