// What the relation browser shows, without drawing it: the walk (history), the focus's
// neighbourhood under the filter, expanded rings and hubs shown in place, a hub's paged list, the
// path search (on a thread of its own) and edits with undo. GraphLayout places it; GraphView draws.
#pragma once
#include "GraphLayout.hpp"

#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pv::ui::graphview {

struct GraphModel {
    explicit GraphModel(Store& s) : store(s), edits(s) {}
    ~GraphModel();
    GraphModel(const GraphModel&) = delete;
    GraphModel& operator=(const GraphModel&) = delete;

    // Re-reads r's neighbourhood (a new focus drops the expansions, hubs in place and the list).
    void query(const RecordRef& r);
    // Adds r to the walk after the current entry; false when r is already the current one.
    bool push(const RecordRef& r);
    std::optional<RecordRef> current() const;

    // False when nothing changed (the focus itself, or a query error: see status).
    bool toggleExpansion(const RecordRef& r);
    bool toggleHubInPlace(const std::string& relation);

    // The paged list of one relation of `owner` (what clicking a hub opens).
    void openList(const RecordRef& owner, const std::string& relation, Kind kind, const std::string& total);
    void loadListPage();

    // Status says what happened; onEdited runs after a change. Either way the view re-reads.
    void applyEdit(const graph::Edit& e);
    bool undo();  // false when there was nothing to undo or it failed

    void runPath(const RecordRef& a, const RecordRef& b);
    bool pathSearching() const { return pathJob.result.valid(); }
    void cancelPath();
    bool takePath();  // true once a finished search's result is in `path` (pathMode on)

    void setStatus(std::string s, bool error = false) {
        status = std::move(s);
        statusError = error;
    }

    Store& store;
    graph::Filter filter;
    graph::EditStack edits;
    std::vector<RecordRef> hist;
    int histIdx = -1;
    graph::Neighbourhood hood;
    std::vector<Expansion> expanded;
    std::map<std::string, std::vector<graph::Item>> hubsInPlace;  // focus relation -> its 50 most recent

    struct HubList {
        bool open = false;
        RecordRef owner;
        std::string relation;
        Kind kind = Kind::Output;
        std::string total;
        std::string search;
        std::string loadedFor;
        std::vector<graph::Item> items;
        bool more = false;
    } list;

    bool pathMode = false;
    graph::PathResult path;
    struct PathJob {
        std::future<graph::PathResult> result;
        std::shared_ptr<std::atomic<bool>> cancel;
    } pathJob;
    std::optional<RecordRef> pathStart;

    std::string status;
    bool statusError = false;
    std::function<void()> onEdited;
};

} // namespace pv::ui::graphview
