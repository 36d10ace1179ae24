#include "Graph.hpp"

#include "ListFilters.hpp"
#include "StoreInternals.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>

namespace pv::graph {
namespace {

// How one relation is queried. `from` names the target record as the alias of its kind (o, p, m,
// a, t, q, lk, v) and binds the focus id as ?1; `link` says when the link row is a tombstone.
struct RelationSql {
    Relation rel;
    const char* family;   // filter checkbox this relation belongs to
    const char* reverse;  // the same edge seen from the other end
    std::string from;
    std::string link;     // "" = no link row
    std::string sortExpr;
    bool desc = true;
    std::string pathFrom;  // ids for path search, when they differ from `from` ("" = same)
    std::string extraExpr;  // overrides the kind's extra column
    // Hubs: the store's relation counter (pv_counts) holding this relation's live total, and a
    // query that walks the target's newest-first index probing the link, for relations so dense
    // that probing a few rows beats collecting and sorting every link.
    std::string counter;
    std::string denseFrom;
};

constexpr int64_t kCountCap = 2000;  // without a counter (or with filters), counts stop here

const char* aliasOf(Kind k) {
    switch (k) {
    case Kind::Output: return "o";
    case Kind::Prompt: return "p";
    case Kind::Model: return "m";
    case Kind::Agent: return "a";
    case Kind::Tag: return "t";
    case Kind::QaActivity: return "q";
    case Kind::Lookup: return "lk";
    case Kind::LookupValue: return "v";
    }
    return "x";
}

// Columns every item query returns: id, label, record deleted, n1, n2, extra.
std::string selectOf(Kind k, const std::string& extraOverride) {
    std::string x = aliasOf(k);
    std::string label, n1 = "NULL", n2 = "NULL", extra = "''";
    switch (k) {
    case Kind::Output:
        label = "substr(coalesce(o.output_edited, o.output), 1, 240)";
        n1 = "o.rating";
        n2 = "o.output_edited IS NOT NULL";
        break;
    case Kind::Prompt:
        label = "CASE WHEN p.title <> '' THEN p.title ELSE substr(p.body, 1, 240) END";
        n1 = kPromptQaDone;
        n2 = kPromptQaTotal;
        break;
    case Kind::Model: label = "m.name"; extra = "m.provider"; break;
    case Kind::Agent: label = "a.name"; extra = "a.platform"; break;
    case Kind::Tag: label = "t.name"; extra = "t.color"; break;
    case Kind::QaActivity: label = "q.name"; extra = "q.description"; break;
    case Kind::Lookup: label = "lk.name"; extra = "'for ' || lk.applies_to"; break;
    case Kind::LookupValue: label = "v.value"; extra = "(SELECT name FROM lookups WHERE id = v.lookup_id)"; break;
    }
    if (!extraOverride.empty()) extra = extraOverride;
    return x + ".id, " + label + ", " + x + ".deleted_at IS NOT NULL, " + n1 + ", " + n2 + ", " + extra;
}

std::vector<RelationSql> makeRelations() {
    using K = Kind;
    const std::string qaDone = "CASE WHEN c.done THEN 'done' ELSE 'open' END";
    std::vector<RelationSql> r = {
        {{"prompt", K::Output, K::Prompt, "prompt"}, "prompts", "outputs",
         "FROM outputs s JOIN prompts p ON p.id = s.prompt_id WHERE s.id = ?1", "", "p.updated_at"},
        {{"model", K::Output, K::Model, "model"}, "models", "outputs",
         "FROM outputs s JOIN models m ON m.id = s.model_id WHERE s.id = ?1", "", "m.name", false},
        {{"agent", K::Output, K::Agent, "agent"}, "agents", "outputs",
         "FROM outputs s JOIN agents a ON a.id = s.agent_id WHERE s.id = ?1", "", "a.name", false},
        {{"tags", K::Output, K::Tag, "tagged"}, "tags", "outputs",
         "FROM output_tags l JOIN tags t ON t.id = l.tag_id WHERE l.output_id = ?1", "l.deleted_at IS NOT NULL", "t.name", false},
        {{"values", K::Output, K::LookupValue, "value"}, "lookups", "outputs",
         "FROM output_lookup_values l JOIN lookup_values v ON v.id = l.lookup_value_id WHERE l.output_id = ?1",
         "l.deleted_at IS NOT NULL", "v.value", false},

        {{"outputs", K::Prompt, K::Output, "output"}, "outputs", "prompt",
         "FROM outputs o WHERE o.prompt_id = ?1", "", "o.captured_at"},
        {{"derived_from", K::Prompt, K::Prompt, "derived from"}, "iterations", "iterations",
         "FROM prompts s JOIN prompts p ON p.id = s.derived_from_id WHERE s.id = ?1", "", "p.updated_at"},
        {{"iterations", K::Prompt, K::Prompt, "iteration"}, "iterations", "derived_from",
         "FROM prompts p WHERE p.derived_from_id = ?1", "", "p.created_at"},
        {{"tags", K::Prompt, K::Tag, "tagged"}, "tags", "prompts",
         "FROM prompt_tags l JOIN tags t ON t.id = l.tag_id WHERE l.prompt_id = ?1", "l.deleted_at IS NOT NULL", "t.name", false},
        // The checklist: the activities added to this prompt, with its state.
        {{"qa", K::Prompt, K::QaActivity, "QA"}, "qa", "prompts",
         "FROM prompt_qa_checks c JOIN qa_activities q ON q.id = c.qa_activity_id WHERE c.prompt_id = ?1", "c.deleted_at IS NOT NULL",
         "printf('%012d', q.sort_order) || q.name", false, "", qaDone},
        {{"values", K::Prompt, K::LookupValue, "value"}, "lookups", "prompts",
         "FROM prompt_lookup_values l JOIN lookup_values v ON v.id = l.lookup_value_id WHERE l.prompt_id = ?1",
         "l.deleted_at IS NOT NULL", "v.value", false},

        {{"outputs", K::Model, K::Output, "output"}, "outputs", "model", "FROM outputs o WHERE o.model_id = ?1", "", "o.captured_at"},
        {{"agents", K::Model, K::Agent, "default for"}, "agents", "default_model",
         "FROM agents a WHERE a.default_model_id = ?1", "", "a.name", false},

        {{"outputs", K::Agent, K::Output, "output"}, "outputs", "agent", "FROM outputs o WHERE o.agent_id = ?1", "", "o.captured_at"},
        {{"default_model", K::Agent, K::Model, "default model"}, "models", "agents",
         "FROM agents s JOIN models m ON m.id = s.default_model_id WHERE s.id = ?1", "", "m.name", false},

        {{"outputs", K::Tag, K::Output, "tagged"}, "outputs", "tags",
         "FROM output_tags l JOIN outputs o ON o.id = l.output_id WHERE l.tag_id = ?1", "l.deleted_at IS NOT NULL", "o.captured_at"},
        {{"prompts", K::Tag, K::Prompt, "tagged"}, "prompts", "tags",
         "FROM prompt_tags l JOIN prompts p ON p.id = l.prompt_id WHERE l.tag_id = ?1", "l.deleted_at IS NOT NULL", "p.updated_at"},

        {{"prompts", K::QaActivity, K::Prompt, "QA"}, "prompts", "qa",
         "FROM prompt_qa_checks c JOIN prompts p ON p.id = c.prompt_id WHERE c.qa_activity_id = ?1", "c.deleted_at IS NOT NULL",
         "p.updated_at", true, "", qaDone},

        {{"values", K::Lookup, K::LookupValue, "value"}, "lookups", "lookup",
         "FROM lookup_values v WHERE v.lookup_id = ?1", "", "printf('%012d', v.sort_order) || v.value", false},

        {{"lookup", K::LookupValue, K::Lookup, "lookup"}, "lookups", "values",
         "FROM lookup_values s JOIN lookups lk ON lk.id = s.lookup_id WHERE s.id = ?1", "", "lk.name", false},
        {{"outputs", K::LookupValue, K::Output, "value"}, "outputs", "values",
         "FROM output_lookup_values l JOIN outputs o ON o.id = l.output_id WHERE l.lookup_value_id = ?1", "l.deleted_at IS NOT NULL",
         "o.captured_at"},
        {{"prompts", K::LookupValue, K::Prompt, "value"}, "prompts", "values",
         "FROM prompt_lookup_values l JOIN prompts p ON p.id = l.prompt_id WHERE l.lookup_value_id = ?1", "l.deleted_at IS NOT NULL",
         "p.updated_at"},
    };
    return r;
}

const std::vector<RelationSql>& relationSql() {
    static const std::vector<RelationSql> r = [] {
        auto r = makeRelations();
        auto set = [&](Kind from, const char* name, const char* counter, std::string dense) {
            for (auto& x : r)
                if (x.rel.from == from && std::string(x.rel.name) == name) {
                    x.counter = counter;
                    x.denseFrom = std::move(dense);
                }
        };
        const std::string liveOutputs = "FROM outputs o WHERE o.deleted_at IS NULL AND EXISTS (SELECT 1 FROM ";
        const std::string livePrompts = "FROM prompts p WHERE p.deleted_at IS NULL AND EXISTS (SELECT 1 FROM ";
        set(Kind::Prompt, "outputs", "prompt.outputs", "");
        set(Kind::Model, "outputs", "model.outputs", "");
        set(Kind::Agent, "outputs", "agent.outputs", "");
        set(Kind::Tag, "outputs", "tag.outputs", liveOutputs + "output_tags l WHERE l.output_id = o.id AND l.tag_id = ?1 AND l.deleted_at IS NULL)");
        set(Kind::Tag, "prompts", "tag.prompts", livePrompts + "prompt_tags l WHERE l.prompt_id = p.id AND l.tag_id = ?1 AND l.deleted_at IS NULL)");
        set(Kind::LookupValue, "outputs", "",
            liveOutputs + "output_lookup_values l WHERE l.output_id = o.id AND l.lookup_value_id = ?1 AND l.deleted_at IS NULL)");
        set(Kind::LookupValue, "prompts", "",
            livePrompts + "prompt_lookup_values l WHERE l.prompt_id = p.id AND l.lookup_value_id = ?1 AND l.deleted_at IS NULL)");
        return r;
    }();
    return r;
}

const RelationSql* findRelation(Kind from, const std::string& name) {
    for (const auto& r : relationSql())
        if (r.rel.from == from && name == r.rel.name) return &r;
    return nullptr;
}

// The WHERE additions a filter makes for one relation.
std::string filterSql(const RelationSql& r, const Filter& f, bool forPath = false) {
    std::string x = aliasOf(r.rel.to);
    std::string w;
    if (!f.includeDeleted) {
        w += " AND " + x + ".deleted_at IS NULL";
        const std::string& link = forPath && !r.pathFrom.empty() ? std::string() : r.link;
        if (!link.empty()) w += " AND NOT (" + link + ")";
    }
    if (f.onlyEditedOutputs && r.rel.to == Kind::Output) w += " AND o.output_edited IS NOT NULL";
    return w;
}

std::string firstLine(const std::string& s, size_t n) {
    size_t start = s.find_first_not_of(" \t\r\n");
    if (start == std::string::npos) return "";
    size_t end = s.find_first_of("\r\n", start);
    return previewText(s.substr(start, end == std::string::npos ? std::string::npos : end - start), n);
}

std::string detailOf(Kind k, sql::Stmt& s, bool extraOverridden) {
    std::string extra = s.getText(5);
    if (extraOverridden) return extra;
    switch (k) {
    case Kind::Output: {
        std::string d = s.isNull(3) ? "unrated" : "\xE2\x98\x85" + std::to_string(s.getInt(3));
        d += s.getInt(4) ? " \xC2\xB7 edited" : " \xC2\xB7 raw";
        return d;
    }
    case Kind::Prompt: return "QA " + std::to_string(s.getInt(3)) + "/" + std::to_string(s.getInt(4));
    default: return extra;
    }
}

Item readItem(Kind k, sql::Stmt& s, bool extraOverridden, int sortCol, int linkCol) {
    Item it;
    it.ref = {k, s.getText(0)};
    it.label = firstLine(s.getText(1), 120);
    if (it.label.empty()) it.label = "(empty)";
    it.detail = detailOf(k, s, extraOverridden);
    it.deleted = s.getInt(2) != 0 || (linkCol >= 0 && s.getInt(linkCol) != 0);
    if (sortCol >= 0) it.sortKey = s.getText(sortCol);
    return it;
}

std::string itemsSql(const RelationSql& r, const Filter& f, const std::string& extraWhere, bool withCursor, bool dense = false) {
    std::string x = aliasOf(r.rel.to);
    std::string linkCol = r.link.empty() || dense ? "0" : "(" + r.link + ")";
    std::string where = dense ? std::string(f.onlyEditedOutputs && r.rel.to == Kind::Output ? " AND o.output_edited IS NOT NULL" : "")
                              : filterSql(r, f);
    std::string sql = "SELECT " + selectOf(r.rel.to, r.extraExpr) + ", " + r.sortExpr + ", " + linkCol + " " + (dense ? r.denseFrom : r.from) +
                      where + extraWhere;
    const char* cmp = r.desc ? "<" : ">";
    if (withCursor)
        sql += " AND (" + r.sortExpr + " " + cmp + " ?3 OR (" + r.sortExpr + " = ?3 AND " + x + ".id " + cmp + " ?4))";
    const char* dir = r.desc ? " DESC" : "";
    sql += " ORDER BY " + r.sortExpr + dir + ", " + x + ".id" + dir + " LIMIT ?2";
    return sql;
}

bool hasCounters(Store& store) {
    auto& s = StoreInternals::db(store).cached("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'pv_counts'");
    sql::StmtUse use(s);
    return s.step() && s.getInt(0) > 0;
}

int64_t counterValue(Store& store, const std::string& rel, const std::string& id) {
    auto& s = StoreInternals::db(store).cached("SELECT n FROM pv_counts WHERE rel = ?1 AND id = ?2");
    sql::StmtUse use(s);
    s.bind(1, rel).bind(2, id);
    return s.step() ? s.getInt(0) : 0;
}

struct Count {
    int64_t n = 0;
    bool exact = true;
};

// The live total from the store's counter when the filter allows it, else counted up to kCountCap.
Count countRelation(Store& store, const RelationSql& r, const Filter& f, const std::string& focusId, bool counters) {
    if (counters && !r.counter.empty() && !f.includeDeleted && !f.onlyEditedOutputs) return {counterValue(store, r.counter, focusId), true};
    auto& c = StoreInternals::db(store).cached("SELECT count(*) FROM (SELECT 1 " + r.from + filterSql(r, f) + " LIMIT " + std::to_string(kCountCap + 1) + ")");
    sql::StmtUse use(c);
    c.bind(1, focusId);
    int64_t n = c.step() ? c.getInt(0) : 0;
    if (n > kCountCap) return {kCountCap, false};
    return {n, true};
}

// Probing `limit` rows of a dense relation costs about limit * all / n row visits; collecting
// its links costs about n: probe when that is cheaper (the filter must keep to live records,
// since the newest-first indexes hold live rows only).
bool useDense(Store& store, const RelationSql& r, const Filter& f, const Count& count, int limit, bool counters) {
    if (r.denseFrom.empty() || f.includeDeleted) return false;
    if (!count.exact) return true;
    double all = counters ? double(counterValue(store, r.rel.to == Kind::Output ? "outputs" : "", "")) : 0;
    if (all <= 0) all = double(StoreInternals::db(store).queryInt(r.rel.to == Kind::Output ? "SELECT max(rowid) FROM outputs" : "SELECT max(rowid) FROM prompts"));
    return double(count.n) * double(count.n) >= double(limit) * std::max(all, 1.0);
}

} // namespace

const std::vector<Relation>& relations() {
    static const std::vector<Relation> r = [] {
        std::vector<Relation> out;
        for (const auto& s : relationSql()) out.push_back(s.rel);
        return out;
    }();
    return r;
}

std::vector<const Relation*> relationsFrom(Kind k) {
    std::vector<const Relation*> out;
    for (const auto& r : relations())
        if (r.from == k) out.push_back(&r);
    return out;
}

std::vector<std::string> relationNames() {
    std::vector<std::string> out;
    for (const auto& r : relationSql())
        if (std::find(out.begin(), out.end(), r.family) == out.end()) out.push_back(r.family);
    return out;
}

std::string relationFamily(Kind from, const std::string& relation) {
    const RelationSql* r = findRelation(from, relation);
    return r ? r->family : relation;
}

std::optional<Item> describe(Store& store, const RecordRef& ref) {
    std::string x = aliasOf(ref.kind);
    auto& s = StoreInternals::db(store).cached("SELECT " + selectOf(ref.kind, "") + " FROM " + kindTable(ref.kind) + " " + x + " WHERE " + x + ".id = ?1");
    sql::StmtUse use(s);
    s.bind(1, ref.id);
    if (!s.step()) return std::nullopt;
    return readItem(ref.kind, s, false, -1, -1);
}

Neighbourhood neighbourhood(Store& store, const RecordRef& focus, const Filter& filter, int perGroupLimit) {
    Neighbourhood n;
    auto self = describe(store, focus);
    if (!self || (self->deleted && !filter.includeDeleted)) return n;
    n.found = true;
    n.focus = *self;
    const bool counters = hasCounters(store);
    for (const auto& r : relationSql()) {
        if (r.rel.from != focus.kind || !filter.shows(r.family)) continue;
        Group g{r.rel.name, r.rel.to, 0, {}};
        Count count = countRelation(store, r, filter, focus.id, counters);
        g.total = count.n;
        g.totalIsLowerBound = !count.exact;
        if (g.total == 0) continue;
        auto& s = StoreInternals::db(store).cached(itemsSql(r, filter, "", false, useDense(store, r, filter, count, perGroupLimit, counters)));
        sql::StmtUse use(s);
        s.bind(1, focus.id).bind(2, int64_t(perGroupLimit));
        while (s.step()) g.items.push_back(readItem(r.rel.to, s, !r.extraExpr.empty(), 6, 7));
        n.groups.push_back(std::move(g));
    }
    return n;
}

std::vector<Slot> groupForDisplay(const std::vector<Group>& groups, int hubThreshold, int maxNodes) {
    std::vector<Slot> slots;
    for (const auto& g : groups) {
        Slot s{g.relation, g.kind, g.total > hubThreshold, g.total, g.totalIsLowerBound, {}};
        if (!s.hub) s.items = g.items;
        slots.push_back(std::move(s));
    }
    auto drawn = [&] {
        size_t n = 0;
        for (const auto& s : slots) n += s.items.size();
        return n;
    };
    while (drawn() > size_t(std::max(0, maxNodes))) {
        auto biggest = std::max_element(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) { return a.items.size() < b.items.size(); });
        biggest->hub = true;
        biggest->items.clear();
    }
    return slots;
}

ItemPage relationPage(Store& store, const RecordRef& focus, const std::string& relation, const Filter& filter,
                      const std::string& search, const Item* after, int limit) {
    const RelationSql* r = findRelation(focus.kind, relation);
    if (!r) throw StoreError(std::string("a ") + kindName(focus.kind) + " has no relation '" + relation + "'");
    std::string where;
    std::string fts;
    if (!search.empty()) {
        if (r->rel.to == Kind::Output) {
            fts = toFtsQuery(search);
            where = " AND o.rowid IN (SELECT rowid FROM outputs_fts WHERE outputs_fts MATCH ?5)";
        } else if (r->rel.to == Kind::Prompt) {
            fts = toFtsQuery(search);
            where = " AND p.rowid IN (SELECT rowid FROM prompts_fts WHERE prompts_fts MATCH ?5)";
        } else {
            std::string x = aliasOf(r->rel.to);
            std::string nameCol = r->rel.to == Kind::LookupValue ? "v.value" : x + ".name";
            where = " AND instr(lower(" + nameCol + "), lower(?5)) > 0";
            fts = search;
        }
    }
    bool dense = false;
    if (search.empty() && !r->denseFrom.empty() && !filter.includeDeleted) {
        const bool counters = hasCounters(store);
        dense = useDense(store, *r, filter, countRelation(store, *r, filter, focus.id, counters), limit, counters);
    }
    auto& s = StoreInternals::db(store).cached(itemsSql(*r, filter, where, after != nullptr, dense));
    sql::StmtUse use(s);
    s.bind(1, focus.id).bind(2, int64_t(limit) + 1);
    if (after) s.bind(3, after->sortKey).bind(4, after->ref.id);
    if (!search.empty()) s.bind(5, fts);
    ItemPage page;
    while (s.step()) {
        if (int(page.items.size()) == limit) {
            page.more = true;
            break;
        }
        page.items.push_back(readItem(r->rel.to, s, !r->extraExpr.empty(), 6, 7));
    }
    return page;
}

PathResult shortestPath(Store& store, const RecordRef& from, const RecordRef& to, const Filter& filter, int maxDepth,
                        int64_t maxVisited, const std::atomic<bool>* cancel) {
    PathResult result;
    auto key = [](const RecordRef& r) { return std::string(1, char('0' + int(r.kind))) + r.id; };
    auto refOf = [](const std::string& k) { return RecordRef{Kind(k[0] - '0'), k.substr(1)}; };
    struct Seen {
        std::string parent;  // key of the record it was reached from ("" at the start)
        const RelationSql* via = nullptr;
    };
    struct Side {
        std::unordered_map<std::string, Seen> seen;
        std::vector<std::string> frontier;
        int depth = 0;
    };
    Side a, b;
    if (!describe(store, from) || !describe(store, to)) return result;
    a.seen[key(from)] = {};
    a.frontier = {key(from)};
    b.seen[key(to)] = {};
    b.frontier = {key(to)};
    result.visited = 2;

    std::string meetA, meetB;  // the edge where the two searches met
    if (key(from) == key(to)) meetA = meetB = key(from);

    while (meetA.empty() && a.depth + b.depth < maxDepth && !a.frontier.empty() && !b.frontier.empty()) {
        bool fromA = a.frontier.size() <= b.frontier.size();
        Side& side = fromA ? a : b;
        Side& other = fromA ? b : a;
        std::vector<std::string> next;
        for (const auto& k : side.frontier) {
            if (cancel && cancel->load(std::memory_order_relaxed)) {
                result.cancelled = true;
                return result;
            }
            RecordRef r = refOf(k);
            for (const auto& rel : relationSql()) {
                if (rel.rel.from != r.kind || !filter.shows(rel.family)) continue;
                const std::string& fromSql = rel.pathFrom.empty() ? rel.from : rel.pathFrom;
                auto& s = StoreInternals::db(store).cached(std::string("SELECT ") + aliasOf(rel.rel.to) + ".id " + fromSql + filterSql(rel, filter, true));
                sql::StmtUse use(s);
                s.bind(1, r.id);
                while (s.step()) {
                    std::string nk = key({rel.rel.to, s.getText(0)});
                    if (side.seen.count(nk)) continue;
                    side.seen[nk] = {k, &rel};
                    ++result.visited;
                    if (other.seen.count(nk)) {
                        meetA = meetB = nk;  // reached from both ends
                        break;
                    }
                    next.push_back(nk);
                    if (result.visited >= maxVisited) break;
                }
                if (!meetA.empty() || result.visited >= maxVisited) break;
            }
            if (!meetA.empty() || result.visited >= maxVisited) break;
        }
        ++side.depth;
        side.frontier = std::move(next);
        if (meetA.empty() && result.visited >= maxVisited) break;
    }
    if (meetA.empty()) {
        result.exhausted = !a.frontier.empty() && !b.frontier.empty();
        return result;
    }
    // Walk back to `from` on side a, then forward to `to` on side b (reversing b's relations).
    std::vector<PathStep> head;
    for (std::string k = meetA;;) {
        const Seen& s = a.seen.at(k);
        head.push_back({refOf(k), s.via ? s.via->rel.name : ""});
        if (s.parent.empty()) break;
        k = s.parent;
    }
    std::reverse(head.begin(), head.end());
    for (std::string k = meetB;;) {
        const Seen& s = b.seen.at(k);
        if (s.parent.empty()) break;
        head.push_back({refOf(s.parent), s.via->reverse});
        k = s.parent;
    }
    result.found = true;
    result.steps = std::move(head);
    return result;
}

// ---- edits --------------------------------------------------------------------------------

std::optional<Edit> dropEdit(const RecordRef& dragged, const RecordRef& target) {
    auto pair = [&](Kind x, Kind y) -> std::optional<std::pair<RecordRef, RecordRef>> {
        if (dragged.kind == x && target.kind == y) return std::make_pair(dragged, target);
        if (dragged.kind == y && target.kind == x) return std::make_pair(target, dragged);
        return std::nullopt;
    };
    if (auto p = pair(Kind::Tag, Kind::Output)) return Edit{EditOp::LinkTag, p->second, p->first.id, {}, ""};
    if (auto p = pair(Kind::Tag, Kind::Prompt)) return Edit{EditOp::LinkTag, p->second, p->first.id, {}, ""};
    if (auto p = pair(Kind::Prompt, Kind::Output)) return Edit{EditOp::SetPrompt, p->second, p->first.id, {}, ""};
    if (auto p = pair(Kind::Model, Kind::Output)) return Edit{EditOp::SetModel, p->second, p->first.id, {}, ""};
    return std::nullopt;
}

std::vector<NamedEdit> contextEdits(const RecordRef& focus, const RecordRef& n, bool linked, const std::string& relation) {
    std::vector<NamedEdit> out;
    if (n == focus) return out;
    auto item = [&](const char* label, EditOp op, const RecordRef& record, std::optional<std::string> value) {
        out.push_back({label, Edit{op, record, std::move(value), {}, ""}});
    };
    const bool taggable = focus.kind == Kind::Output || focus.kind == Kind::Prompt;
    if (n.kind == Kind::Tag && taggable) {
        if (linked && relation == "tags")
            item("Unlink this tag", EditOp::UnlinkTag, focus, n.id);
        else
            item("Tag the focus with it", EditOp::LinkTag, focus, n.id);
    }
    if (focus.kind == Kind::Tag && (n.kind == Kind::Output || n.kind == Kind::Prompt)) {
        if (linked)
            item("Remove this tag from it", EditOp::UnlinkTag, n, focus.id);
        else
            item("Tag it with the focus", EditOp::LinkTag, n, focus.id);
    }
    if (focus.kind == Kind::Output && (n.kind == Kind::Prompt || n.kind == Kind::Model)) {
        const bool prompt = n.kind == Kind::Prompt;
        const EditOp op = prompt ? EditOp::SetPrompt : EditOp::SetModel;
        if (linked && relation == (prompt ? "prompt" : "model"))
            item(prompt ? "Clear the output's prompt" : "Clear the output's model", op, focus, std::nullopt);
        else
            item(prompt ? "Make it the output's prompt" : "Make it the output's model", op, focus, n.id);
    }
    if (n.kind == Kind::Output && (focus.kind == Kind::Prompt || focus.kind == Kind::Model)) {
        const bool prompt = focus.kind == Kind::Prompt;
        const EditOp op = prompt ? EditOp::SetPrompt : EditOp::SetModel;
        if (linked)
            item(prompt ? "Detach from this prompt" : "Clear its model", op, n, std::nullopt);
        else
            item(prompt ? "Move it to this prompt" : "Set its model to this one", op, n, focus.id);
    }
    return out;
}

namespace {
bool tagLinked(Store& store, const RecordRef& record, const std::string& tagId) {
    for (const auto& t : store.tagsOf(record.kind, record.id))
        if (t.id == tagId) return true;
    return false;
}

Edit inverseOf(const Edit& e) {
    Edit inv = e;
    switch (e.op) {
    case EditOp::LinkTag: inv.op = EditOp::UnlinkTag; break;
    case EditOp::UnlinkTag: inv.op = EditOp::LinkTag; break;
    case EditOp::SetPrompt:
    case EditOp::SetModel:
        inv.value = e.before;
        inv.before = e.value;
        break;
    }
    return inv;
}

std::string quoted(Store& store, const RecordRef& r) {
    std::string l = store.labelOf(r);
    if (l.size() > 40) l = previewText(l, 40) + "...";
    return std::string(kindName(r.kind)) + " '" + l + "'";
}
} // namespace

void EditStack::run(const Edit& e) {
    switch (e.op) {
    case EditOp::LinkTag: m_store.linkTag(e.record.kind, e.record.id, e.value.value()); break;
    case EditOp::UnlinkTag: m_store.unlinkTag(e.record.kind, e.record.id, e.value.value()); break;
    case EditOp::SetPrompt:
    case EditOp::SetModel: {
        auto o = m_store.getOutput(e.record.id);
        if (!o) throw StoreError("output '" + e.record.id + "' does not exist");
        (e.op == EditOp::SetPrompt ? o->promptId : o->modelId) = e.value;
        m_store.updateOutput(*o);
        break;
    }
    }
}

bool EditStack::apply(Edit e) {
    if ((e.op == EditOp::SetPrompt || e.op == EditOp::SetModel) && e.record.kind != Kind::Output)
        throw StoreError("only an output has a prompt and a model to set");
    if ((e.op == EditOp::LinkTag || e.op == EditOp::UnlinkTag) && e.record.kind != Kind::Output && e.record.kind != Kind::Prompt)
        throw StoreError("only outputs and prompts carry tags");
    switch (e.op) {
    case EditOp::LinkTag:
        if (tagLinked(m_store, e.record, e.value.value())) return false;
        e.description = "linked tag '" + m_store.labelOf({Kind::Tag, *e.value}) + "' to " + quoted(m_store, e.record);
        break;
    case EditOp::UnlinkTag:
        if (!tagLinked(m_store, e.record, e.value.value())) return false;
        e.description = "unlinked tag '" + m_store.labelOf({Kind::Tag, *e.value}) + "' from " + quoted(m_store, e.record);
        break;
    case EditOp::SetPrompt:
    case EditOp::SetModel: {
        auto o = m_store.getOutput(e.record.id);
        if (!o) throw StoreError("output '" + e.record.id + "' does not exist");
        e.before = e.op == EditOp::SetPrompt ? o->promptId : o->modelId;
        if (e.before == e.value) return false;
        Kind k = e.op == EditOp::SetPrompt ? Kind::Prompt : Kind::Model;
        e.description = std::string(e.value ? "set " : "cleared ") + kindName(k) + " of " + quoted(m_store, e.record) +
                        (e.value ? " to " + quoted(m_store, {k, *e.value}) : "");
        break;
    }
    }
    m_store.transaction([&] { run(e); });
    m_done.push_back(std::move(e));
    return true;
}

bool EditStack::undo() {
    if (m_done.empty()) return false;
    Edit inv = inverseOf(m_done.back());
    m_store.transaction([&] { run(inv); });
    m_done.pop_back();
    return true;
}

} // namespace pv::graph
