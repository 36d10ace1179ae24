#include "GraphModel.hpp"

#include <algorithm>
#include <chrono>

namespace pv::ui::graphview {

GraphModel::~GraphModel() {
    if (pathJob.result.valid()) {
        *pathJob.cancel = true;
        pathJob.result.wait();
    }
}

void GraphModel::query(const RecordRef& r) {
    if (hist.empty() || !(hood.focus.ref == r)) {
        expanded.clear();
        hubsInPlace.clear();
        list.open = false;
    }
    pathMode = false;
    try {
        hood = graph::neighbourhood(store, r, filter);
        for (auto& [rel, items] : hubsInPlace) {
            auto page = graph::relationPage(store, r, rel, filter, "", nullptr, graph::kHubPreview);
            items = page.items;
        }
        for (auto& e : expanded) e.slots = graph::groupForDisplay(graph::neighbourhood(store, e.ref, filter, 9).groups, 8, 24);
    } catch (const std::exception& e) {
        hood = {};
        setStatus(std::string("could not load the neighbourhood: ") + e.what(), true);
    }
    if (!hood.found) hood.focus = {r, store.labelOf(r), "not found, or deleted (see Filters)", true, ""};
}

bool GraphModel::push(const RecordRef& r) {
    if (histIdx >= 0 && hist[size_t(histIdx)] == r && !pathMode) return false;
    hist.resize(size_t(histIdx + 1));
    hist.push_back(r);
    histIdx = int(hist.size()) - 1;
    return true;
}

std::optional<RecordRef> GraphModel::current() const {
    if (histIdx < 0) return std::nullopt;
    return hist[size_t(histIdx)];
}

bool GraphModel::toggleExpansion(const RecordRef& r) {
    auto it = std::find_if(expanded.begin(), expanded.end(), [&](const Expansion& e) { return e.ref == r; });
    if (it != expanded.end()) {
        expanded.erase(it);
        return true;
    }
    if (r == hood.focus.ref) return false;
    try {
        expanded.push_back({r, graph::groupForDisplay(graph::neighbourhood(store, r, filter, 9).groups, 8, 24)});
    } catch (const std::exception& e) {
        setStatus(e.what(), true);
        return false;
    }
    return true;
}

bool GraphModel::toggleHubInPlace(const std::string& relation) {
    if (hubsInPlace.count(relation)) {
        hubsInPlace.erase(relation);
        return true;
    }
    try {
        hubsInPlace[relation] = graph::relationPage(store, hood.focus.ref, relation, filter, "", nullptr, graph::kHubPreview).items;
    } catch (const std::exception& e) {
        setStatus(e.what(), true);
        return false;
    }
    return true;
}

void GraphModel::openList(const RecordRef& owner, const std::string& relation, Kind kind, const std::string& total) {
    list.open = true;
    list.owner = owner;
    list.relation = relation;
    list.kind = kind;
    list.total = total;
    list.search.clear();
    list.loadedFor = "\x01";  // force a load
    list.items.clear();
}

void GraphModel::loadListPage() {
    const graph::Item* after = list.items.empty() ? nullptr : &list.items.back();
    try {
        auto page = graph::relationPage(store, list.owner, list.relation, filter, list.search, after, 100);
        list.items.insert(list.items.end(), page.items.begin(), page.items.end());
        list.more = page.more;
    } catch (const std::exception& e) {
        list.more = false;
        setStatus(e.what(), true);
    }
}

void GraphModel::applyEdit(const graph::Edit& e) {
    try {
        if (edits.apply(e)) {
            setStatus(edits.last()->description + "  (Ctrl+Z undoes)");
            if (onEdited) onEdited();
        } else
            setStatus("nothing to change");
    } catch (const std::exception& ex) {
        setStatus(std::string("could not edit: ") + ex.what(), true);
    }
}

bool GraphModel::undo() {
    if (!edits.depth()) return false;
    std::string d = edits.last()->description;
    try {
        edits.undo();
        setStatus("undone: " + d);
        if (onEdited) onEdited();
    } catch (const std::exception& ex) {
        setStatus(std::string("could not undo: ") + ex.what(), true);
        return false;
    }
    return true;
}

// The search runs on its own thread with its own read-only connection, so a walk through big
// hubs never freezes the UI; the view picks the result up (takePath) when it is ready.
void GraphModel::runPath(const RecordRef& a, const RecordRef& b) {
    cancelPath();
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    const std::string vault = store.path();
    const graph::Filter f = filter;
    pathJob.result = std::async(std::launch::async, [vault, a, b, f, cancel] {
        Store own(vault, {.readOnly = true, .create = false});
        return graph::shortestPath(own, a, b, f, 6, 400000, cancel.get());
    });
    pathJob.cancel = cancel;
    setStatus("searching how they are connected... (Escape cancels)");
}

void GraphModel::cancelPath() {
    if (!pathJob.result.valid()) return;
    *pathJob.cancel = true;
    pathJob.result.wait();
    pathJob.result = {};
    setStatus("path search cancelled");
}

bool GraphModel::takePath() {
    if (!pathJob.result.valid() || pathJob.result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
    try {
        path = pathJob.result.get();
    } catch (const std::exception& e) {
        pathJob.result = {};
        setStatus(std::string("could not search a path: ") + e.what(), true);
        return false;
    }
    pathJob.result = {};
    pathMode = true;
    if (path.found)
        setStatus("path: " + std::to_string(path.steps.size() - 1) + " steps (" + withThousands(path.visited) + " records searched)");
    else
        setStatus(path.exhausted ? "no path within 6 steps (" + withThousands(path.visited) + " records searched)"
                                 : "these records are not connected", !path.found);
    return true;
}

} // namespace pv::ui::graphview
