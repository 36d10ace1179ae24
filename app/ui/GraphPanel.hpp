// The Graph screen: hosts the relation browser (ui/graph/GraphView, by the graph engineer).
#pragma once
#include "AppContext.hpp"
#include "Panel.hpp"

#include <memory>

namespace pv::ui {

class GraphView;

class GraphPanel : public Panel {
public:
    explicit GraphPanel(AppContext& ctx);
    ~GraphPanel() override;
    void focus(const RecordRef& ref);
    GraphView* view() { return m_view.get(); }

protected:
    void drawContents() override;

private:
    AppContext& m_ctx;
    std::unique_ptr<GraphView> m_view;
    uint64_t m_seenVersion = 0;
    bool m_focused = false;
};

} // namespace pv::ui
