// The relation browser: the focused record in the middle, its related records around it, walked
// by clicking. Three parts: GraphModel (what is shown, queries through pv::graph in
// store/Graph.hpp), GraphLayout (where it goes) and this view (animation, drawing with ImDrawList,
// input).
#pragma once
#include "Graph.hpp"
#include "Store.hpp"

#include <imgui.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pv::ui {

class GraphView {
public:
    explicit GraphView(pv::Store& store);
    ~GraphView();
    GraphView(const GraphView&) = delete;
    GraphView& operator=(const GraphView&) = delete;

    void focus(const pv::RecordRef& r);  // make r the focus (pushes history)
    void drawContents();                  // draws inside the current window/child; no Begin/End
    std::function<void(const pv::RecordRef&)> onOpenRecord;  // double-click or Enter on a node
    std::function<void()> onEdited;  // after an edit or undo made from the graph (lists may refresh)

    // ---- state the app and tests may read or drive -----------------------------------------
    std::optional<pv::RecordRef> focused() const;
    bool back();     // Alt+Left, mouse button 4
    bool forward();  // Alt+Right, mouse button 5
    const std::vector<pv::RecordRef>& history() const;
    int historyIndex() const;

    pv::graph::Filter& filter();
    void applyFilter();  // re-query the current focus after filter() changed

    // Path mode: show how two records are connected (bounded shortest path). The search runs on
    // a thread of its own; the path shows on the first frame after it finishes.
    void showPath(const pv::RecordRef& from, const pv::RecordRef& to);
    bool pathSearching() const;
    void clearPath();
    const pv::graph::PathResult& path() const;

    // Expand (or collapse) one more ring around a shown record; show a focus hub's 50 most
    // recent records as nodes (or group them again).
    void expand(const pv::RecordRef& r);
    void showHubInPlace(const std::string& relation);
    // Open the paged, searchable list of one of the focus's relations (what clicking its hub does).
    void openList(const std::string& relation);
    bool listOpen() const;

    // Edits made from the graph, undone newest first.
    bool applyEdit(const pv::graph::Edit& e);  // false when it changed nothing or failed (see status())
    bool undo();
    size_t undoDepth() const;
    const std::string& status() const;  // last message (edit done, path found, error)

    // Re-read the focus from the store (after edits elsewhere in the app).
    void refresh();

    // ---- test hooks --------------------------------------------------------------------------
    struct NodeInfo {
        pv::RecordRef ref;       // empty id for a group (hub) node
        std::string relation;    // relation to the focus ("" for the focus itself)
        bool hub = false;        // a group node standing for many records
        int64_t count = 0;       // hub: how many records it stands for
        ImVec2 screenPos;        // centre on screen as of the last drawContents()
        int ring = 0;            // 0 focus, 1 neighbour, 2 expanded ring
    };
    std::vector<NodeInfo> nodes() const;
    bool animating() const;
    // Seconds per focus transition (0 = instant); tests and the benchmark use 0.
    void setAnimationSeconds(float s);

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

} // namespace pv::ui
