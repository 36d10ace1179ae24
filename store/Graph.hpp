// Queries behind the relation browser: a record's neighbourhood grouped by relation (with
// filters), the rules that turn big groups into hub nodes, keyset pages of one relation for a
// hub's list, a bounded shortest path between two records, and graph edits with undo.
// No UI here: the graph view (app/ui/graph) draws what these return.
#pragma once
#include "Store.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pv::graph {

// One relation from a record kind to another, as drawn on an edge ("outputs", "prompt", ...).
struct Relation {
    const char* name;
    Kind from;
    Kind to;
    const char* label;  // edge label shown in the view
};
// Every relation the browser walks; each is listed from both of its ends.
const std::vector<Relation>& relations();
std::vector<const Relation*> relationsFrom(Kind k);
// Relation names, each once, for the filter checkboxes.
std::vector<std::string> relationNames();
// The filter name (relationNames()) of a relation from a record kind.
std::string relationFamily(Kind from, const std::string& relation);

struct Filter {
    std::set<std::string> hiddenRelations;  // relationNames() not shown (nor walked by path)
    bool includeDeleted = false;            // show tombstoned records and links (drawn dimmed)
    bool onlyEditedOutputs = false;         // outputs without output_edited are left out
    bool shows(const std::string& relation) const { return !hiddenRelations.count(relation); }
};

struct Item {
    RecordRef ref;
    std::string label;    // title or first line
    std::string detail;   // rating, edited, QA progress, provider...
    bool deleted = false;  // the record or its link is tombstoned
    std::string sortKey;  // keyset cursor part (with ref.id)
};

struct Group {
    std::string relation;
    Kind kind = Kind::Output;
    int64_t total = 0;         // every related record passing the filter
    bool totalIsLowerBound = false;  // counting stopped at a cap: "total or more"
    std::vector<Item> items;   // the first perGroupLimit, most recent first (names: A..Z)
};

struct Neighbourhood {
    bool found = false;  // the focus exists (and is live, unless the filter includes deleted)
    Item focus;
    std::vector<Group> groups;  // non-empty groups only, in relations() order
};

constexpr int kHubThreshold = 25;  // a group with more records becomes one hub node
constexpr int kHubPreview = 50;    // a hub shown in place draws this many most recent records

// The focused record with, per visible relation, its total and first perGroupLimit items.
Neighbourhood neighbourhood(Store& store, const RecordRef& focus, const Filter& filter,
                            int perGroupLimit = kHubThreshold + 1);

// Title and summary of one record (the focus card, breadcrumbs, path nodes).
std::optional<Item> describe(Store& store, const RecordRef& r);

// Grouping rules: what the view draws for one group.
struct Slot {
    std::string relation;
    Kind kind = Kind::Output;
    bool hub = false;          // one group node with the count instead of the records
    int64_t total = 0;
    bool totalIsLowerBound = false;
    std::vector<Item> items;   // the records drawn as nodes (empty for a hub)
};
// Groups with at most hubThreshold records are drawn record by record; bigger ones become hubs.
// When the drawn records would still exceed maxNodes, the biggest remaining groups become hubs
// too, so one view never draws more than maxNodes record nodes (plus one node per hub).
std::vector<Slot> groupForDisplay(const std::vector<Group>& groups, int hubThreshold = kHubThreshold,
                                  int maxNodes = 60);

// One keyset page of a relation (a hub's list), optionally narrowed by a search text.
struct ItemPage {
    std::vector<Item> items;
    bool more = false;  // another page may follow: pass the last item as `after`
};
ItemPage relationPage(Store& store, const RecordRef& focus, const std::string& relation, const Filter& filter,
                      const std::string& search, const Item* after, int limit);

// How two records are connected: the shortest chain of relations, searched breadth-first from
// both ends until maxDepth edges or maxVisited records; hubs are walked in full (ids only).
struct PathStep {
    RecordRef ref;
    std::string relation;  // relation from the previous step to this one ("" for the first)
};
struct PathResult {
    bool found = false;
    bool exhausted = false;  // stopped at a bound before finding one (a longer path may exist)
    bool cancelled = false;
    int64_t visited = 0;
    std::vector<PathStep> steps;  // from .. to, inclusive
};
// `cancel`, when given and set (from another thread), stops the search soon.
PathResult shortestPath(Store& store, const RecordRef& from, const RecordRef& to, const Filter& filter,
                        int maxDepth = 6, int64_t maxVisited = 200000, const std::atomic<bool>* cancel = nullptr);

// ---- edits from the graph, each remembered with its inverse ---------------------------------
enum class EditOp { LinkTag, UnlinkTag, SetPrompt, SetModel };
struct Edit {
    EditOp op = EditOp::LinkTag;
    RecordRef record;                   // the output (or prompt, for tags)
    std::optional<std::string> value;   // tag id, or new prompt/model id (nullopt = clear)
    std::optional<std::string> before;  // SetPrompt/SetModel: the previous id
    std::string description;            // "Tag 'x' linked to output …"
};

// What dropping `dragged` onto `target` does, if anything (symmetric: a tag dropped on an output
// links it, so does the output dropped on the tag).
std::optional<Edit> dropEdit(const RecordRef& dragged, const RecordRef& target);

// The edits a node's context menu offers between it and the focus. `linked`: the node is shown as
// related to the focus, through `relation` (the focus's ring); else it sits further out.
struct NamedEdit {
    std::string label;
    Edit edit;
};
std::vector<NamedEdit> contextEdits(const RecordRef& focus, const RecordRef& node, bool linked, const std::string& relation);

class EditStack {
public:
    explicit EditStack(Store& store) : m_store(store) {}
    // Applies e in one transaction; returns false (and remembers nothing) when it changes nothing.
    bool apply(Edit e);
    bool undo();  // applies the inverse of the newest edit
    size_t depth() const { return m_done.size(); }
    const Edit* last() const { return m_done.empty() ? nullptr : &m_done.back(); }

private:
    void run(const Edit& e);
    Store& m_store;
    std::vector<Edit> m_done;
};

} // namespace pv::graph
