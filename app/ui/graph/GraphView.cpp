#include "GraphView.hpp"
#include "ui/Widgets.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <future>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

namespace pv::ui {
namespace {

constexpr float kNodeW = 184.f, kNodeH = 46.f;  // world units at zoom 1
constexpr float kFocusW = 300.f, kFocusH = 96.f;
constexpr float kGapX = 16.f, kGapY = 12.f;
constexpr float kPi = 3.14159265f;

ImVec2 operator+(ImVec2 a, ImVec2 b) { return {a.x + b.x, a.y + b.y}; }
ImVec2 operator-(ImVec2 a, ImVec2 b) { return {a.x - b.x, a.y - b.y}; }
ImVec2 operator*(ImVec2 a, float s) { return {a.x * s, a.y * s}; }
float lengthOf(ImVec2 a) { return std::sqrt(a.x * a.x + a.y * a.y); }
ImVec2 lerp(ImVec2 a, ImVec2 b, float t) { return a + (b - a) * t; }
float ease(float t) { return t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t); }

// One colour per kind, readable on the dark canvas.
ImVec4 kindRgb(Kind k) {
    switch (k) {
    case Kind::Prompt: return {0.33f, 0.58f, 0.98f, 1};
    case Kind::Output: return {0.36f, 0.80f, 0.50f, 1};
    case Kind::Model: return {0.98f, 0.62f, 0.25f, 1};
    case Kind::Agent: return {0.72f, 0.50f, 0.98f, 1};
    case Kind::Tag: return {0.96f, 0.42f, 0.62f, 1};
    case Kind::QaActivity: return {0.28f, 0.82f, 0.84f, 1};
    case Kind::Lookup: return {0.70f, 0.70f, 0.70f, 1};
    case Kind::LookupValue: return {0.86f, 0.78f, 0.40f, 1};
    }
    return {1, 1, 1, 1};
}
ImU32 kindColor(Kind k, float alpha = 1.f, float shade = 1.f) {
    ImVec4 c = kindRgb(k);
    return ImGui::GetColorU32(ImVec4(c.x * shade, c.y * shade, c.z * shade, alpha));
}
ImU32 grey(float v, float alpha) { return ImGui::GetColorU32(ImVec4(v, v, v, alpha)); }

const char* kindTitle(Kind k) {
    switch (k) {
    case Kind::Prompt: return "PROMPT";
    case Kind::Output: return "OUTPUT";
    case Kind::Model: return "MODEL";
    case Kind::Agent: return "AGENT";
    case Kind::Tag: return "TAG";
    case Kind::QaActivity: return "QA";
    case Kind::Lookup: return "LOOKUP";
    case Kind::LookupValue: return "VALUE";
    }
    return "?";
}

const char* kindWord(Kind k) {
    switch (k) {
    case Kind::QaActivity: return "QA";
    case Kind::LookupValue: return "value";
    default: return kindName(k);
    }
}

std::string refKey(const RecordRef& r) { return std::string(kindName(r.kind)) + ":" + r.id; }

std::string withThousands(int64_t n) {
    std::string s = std::to_string(n);
    for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
    return s;
}

std::string shortLabel(const std::string& s, size_t n) {
    if (s.size() <= n) return s;
    return previewText(s, n) + "...";
}

// s cut to fit width at this font size, ending in "..." when cut (never inside a UTF-8 sequence).
std::string fitText(ImFont* font, float size, const std::string& s, float width) {
    if (font->CalcTextSizeA(size, 1e9f, 0, s.c_str()).x <= width) return s;
    float dots = font->CalcTextSizeA(size, 1e9f, 0, "...").x;
    const char* rest = nullptr;
    font->CalcTextSizeA(size, std::max(0.f, width - dots), 0, s.c_str(), nullptr, &rest);
    size_t n = size_t(rest - s.c_str());
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n) + "...";
}

// Ratings ("\xE2\x98\x85" "4") are shown with a star when the font has one, else as "rated 4/5".
std::string withRating(const std::string& detail) {
    if (detail.rfind("\xE2\x98\x85", 0) != 0 || detail.size() < 4 || ImGui::GetFont()->FindGlyphNoFallback(0x2605)) return detail;
    return "rated " + detail.substr(3, 1) + "/5" + detail.substr(4);
}

struct Rect {
    ImVec2 min, max;
    bool overlaps(const Rect& o, float margin) const {
        return min.x - margin < o.max.x && o.min.x - margin < max.x && min.y - margin < o.max.y && o.min.y - margin < max.y;
    }
};

} // namespace

struct GraphView::Impl {
    struct VNode {
        RecordRef ref;             // id empty for a hub
        std::string label, detail;
        Kind kind = Kind::Output;
        bool deleted = false;
        bool hub = false;
        int64_t count = 0;
        std::string relation;      // relation from its parent
        int parent = -1;           // node it hangs off
        int ring = 0;
        ImVec2 from, to;           // world positions, animated from -> to
        float alphaFrom = 1.f;
        ImVec2 size{kNodeW, kNodeH};
        ImVec2 screen;             // centre on screen, last frame
        std::string key;           // identity across layouts
        mutable std::string fitted;  // label cut to the node's width with "...", for fittedAt
        mutable float fittedAt = -1.f;
    };
    struct VEdge {
        int a, b;
        int via = -1;  // a big group's edges branch from its label (one trunk from the parent)
    };
    struct VLabel {
        int parent;
        ImVec2 at;  // world position of the group's centre
        std::string text;
        Kind kind;
        bool trunk = false;  // draw one edge from the parent to here
    };
    struct Expansion {
        RecordRef ref;
        std::vector<graph::Slot> slots;
    };

    Store& store;
    graph::Filter filter;
    graph::EditStack edits;
    std::vector<RecordRef> hist;
    int histIdx = -1;
    graph::Neighbourhood hood;
    std::vector<Expansion> expanded;
    std::map<std::string, std::vector<graph::Item>> hubsInPlace;  // focus relation -> its 50 most recent

    std::vector<VNode> nodes;
    std::vector<VEdge> edges;
    std::vector<VLabel> labels;
    std::vector<VNode> ghosts;  // nodes of the previous layout fading out

    ImVec2 pan{0, 0}, panFrom{0, 0};
    float zoom = 1.f, zoomFrom = 1.f, zoomTo = 1.f;
    ImVec2 canvasSize{1200, 800};
    bool canvasSeen = false, fitPending = false;
    double animStart = -1;
    float animSeconds = 0.35f;
    float animT = 1.f;

    int selected = 0;
    int pressed = -1;
    bool dragging = false, panning = false;
    ImVec2 pressPos;
    RecordRef lastClicked;
    int contextNode = -1;
    ImVec2 origin;  // screen position of world (0,0) before pan

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
    std::string pathSearch;
    std::vector<SearchHit> pathHits;

    std::string status;
    bool statusError = false;
    std::function<void(const RecordRef&)> onOpen;
    std::function<void()> onEdited;

    Impl(Store& s) : store(s), edits(s) {}
    ~Impl() {
        if (pathJob.result.valid()) {
            *pathJob.cancel = true;
            pathJob.result.wait();
        }
    }

    // ---- model ------------------------------------------------------------------------------
    void load(const RecordRef& r, bool animate, ImVec2 spawnAt) {
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
        layout(animate, spawnAt);
    }

    void setStatus(std::string s, bool error = false) {
        status = std::move(s);
        statusError = error;
    }

    // Places a cluster of `count` nodes, starting at `anchor` and pushed along `dir` until it
    // overlaps nothing placed before. Returns the cluster's top-left corner.
    ImVec2 placeCluster(std::vector<Rect>& placed, ImVec2 anchor, ImVec2 dir, ImVec2 size) {
        ImVec2 c = anchor;
        for (int i = 0; i < 400; ++i) {
            Rect r{c - size * 0.5f, c + size * 0.5f};
            bool hit = false;
            for (const auto& p : placed)
                if (r.overlaps(p, 18.f)) {
                    hit = true;
                    break;
                }
            if (!hit) break;
            c = c + dir * 14.f;
        }
        placed.push_back({c - size * 0.5f, c + size * 0.5f});
        return c - size * 0.5f;
    }

    // Where a group's edge label goes: on the line from the parent, just outside the group.
    static ImVec2 labelSpot(ImVec2 parent, ImVec2 centre, ImVec2 size) {
        ImVec2 u = parent - centre;
        float len = lengthOf(u);
        if (len < 1) return centre;
        u = u * (1.f / len);
        float s = std::min(std::abs(u.x) > 1e-4f ? size.x * 0.5f / std::abs(u.x) : 1e9f,
                           std::abs(u.y) > 1e-4f ? size.y * 0.5f / std::abs(u.y) : 1e9f);
        return centre + u * std::min(s + 16.f, len * 0.5f + s * 0.5f);
    }

    static int columnsFor(size_t n) { return n <= 4 ? 1 : n <= 12 ? 2 : n <= 30 ? 3 : 5; }

    int addNode(VNode n) {
        n.key = n.hub ? "hub:" + std::to_string(n.parent) + ":" + n.relation : refKey(n.ref);
        nodes.push_back(std::move(n));
        return int(nodes.size()) - 1;
    }

    // Lays out one group of records (or its hub) around parent node p in direction `dir`.
    void layoutSlot(const graph::Slot& slot, const std::vector<graph::Item>* inPlace, int p, ImVec2 dir, float distance,
                    std::vector<Rect>& placed, std::unordered_map<std::string, int>& index) {
        const ImVec2 base = nodes[size_t(p)].to;  // copied: addNode() below may move the nodes
        const int ring = nodes[size_t(p)].ring + 1;
        const std::vector<graph::Item>* items = slot.hub ? inPlace : &slot.items;
        char text[96];
        std::string name = slot.relation;
        std::replace(name.begin(), name.end(), '_', ' ');
        const std::string total = withThousands(slot.total) + (slot.totalIsLowerBound ? "+" : "");
        std::snprintf(text, sizeof text, "%s \xC2\xB7 %s", name.c_str(), total.c_str());
        if (!items) {
            VNode n;
            n.kind = slot.kind;
            n.hub = true;
            n.count = slot.total;
            n.relation = slot.relation;
            n.parent = p;
            n.ring = ring;
            n.label = slot.relation;
            n.detail = total;
            n.size = {kNodeW, kNodeH + 8};
            ImVec2 tl = placeCluster(placed, base + dir * distance, dir, n.size);
            n.to = tl + n.size * 0.5f;
            int i = addNode(std::move(n));
            edges.push_back({p, i});
            labels.push_back({p, labelSpot(base, nodes[size_t(i)].to, nodes[size_t(i)].size), text, slot.kind});
            return;
        }
        // Records already on screen get an edge, not a second node.
        std::vector<const graph::Item*> fresh;
        for (const auto& it : *items) {
            auto f = index.find(refKey(it.ref));
            if (f != index.end()) {
                if (f->second != p) edges.push_back({p, f->second});
            } else {
                fresh.push_back(&it);
            }
        }
        if (fresh.empty()) return;
        int cols = columnsFor(fresh.size());
        int rows = int((fresh.size() + size_t(cols) - 1) / size_t(cols));
        ImVec2 size{cols * (kNodeW + kGapX) - kGapX, rows * (kNodeH + kGapY) - kGapY};
        ImVec2 tl = placeCluster(placed, base + dir * (distance + 0.5f * std::abs(dir.x) * size.x + 0.5f * std::abs(dir.y) * size.y),
                                 dir, size);
        // More than a few records: one trunk to the group's label, short branches from there.
        const int via = fresh.size() > 3 ? int(labels.size()) : -1;
        for (size_t k = 0; k < fresh.size(); ++k) {
            VNode n;
            n.ref = fresh[k]->ref;
            n.kind = slot.kind;
            n.label = fresh[k]->label;
            n.detail = fresh[k]->detail;
            n.deleted = fresh[k]->deleted;
            n.relation = slot.relation;
            n.parent = p;
            n.ring = ring;
            int col = int(k) % cols, row = int(k) / cols;
            n.to = tl + ImVec2{col * (kNodeW + kGapX) + kNodeW * 0.5f, row * (kNodeH + kGapY) + kNodeH * 0.5f};
            int i = addNode(std::move(n));
            index[nodes[size_t(i)].key] = i;
            edges.push_back({p, i, via});
        }
        labels.push_back({p, labelSpot(base, tl + size * 0.5f, size), text, slot.kind, via >= 0});
    }

    void layout(bool animate, ImVec2 spawnAt) {
        // Where every node is now, so the new layout can start from there.
        std::unordered_map<std::string, std::pair<ImVec2, float>> was;
        for (const auto& n : nodes) was[n.key] = {currentPos(n), 1.f};
        std::vector<VNode> old = std::move(nodes);
        nodes.clear();
        edges.clear();
        labels.clear();

        std::vector<Rect> placed;
        std::unordered_map<std::string, int> index;
        if (pathMode && path.found) {
            float x0 = -0.5f * float(path.steps.size() - 1) * (kNodeW + 90.f);
            for (size_t k = 0; k < path.steps.size(); ++k) {
                auto d = graph::describe(store, path.steps[k].ref);
                VNode n;
                n.ref = path.steps[k].ref;
                n.kind = n.ref.kind;
                n.label = d ? d->label : "?";
                n.detail = d ? d->detail : "";
                n.deleted = d && d->deleted;
                n.relation = path.steps[k].relation;
                n.parent = k ? int(k) - 1 : -1;
                n.ring = k ? 1 : 0;
                n.to = {x0 + float(k) * (kNodeW + 90.f), (k % 2) ? 40.f : -40.f};
                int i = addNode(std::move(n));
                if (k) {
                    edges.push_back({i - 1, i});
                    labels.push_back({i - 1, lerp(nodes[size_t(i) - 1].to, nodes[size_t(i)].to, 0.5f), path.steps[k].relation,
                                      path.steps[k].ref.kind});
                }
            }
        } else {
            VNode f;
            f.ref = hood.focus.ref;
            f.kind = f.ref.kind;
            f.label = hood.focus.label;
            f.detail = hood.focus.detail;
            f.deleted = hood.focus.deleted;
            f.size = {kFocusW, kFocusH};
            f.to = {0, 0};
            addNode(std::move(f));
            index[nodes[0].key] = 0;
            placed.push_back({nodes[0].to - nodes[0].size * 0.5f, nodes[0].to + nodes[0].size * 0.5f});

            auto slots = graph::groupForDisplay(hood.groups);
            // Angles by weight: a group of 25 records gets more of the circle than a single prompt.
            float totalW = 0;
            for (const auto& s : slots) totalW += 1.f + std::sqrt(float(s.hub ? (hubsInPlace.count(s.relation) ? 30 : 1) : s.items.size()));
            float a = -kPi * 0.75f;
            for (const auto& s : slots) {
                float w = 1.f + std::sqrt(float(s.hub ? (hubsInPlace.count(s.relation) ? 30 : 1) : s.items.size()));
                float mid = a + kPi * w / totalW;
                a += 2 * kPi * w / totalW;
                ImVec2 dir{std::cos(mid), std::sin(mid)};
                auto in = hubsInPlace.find(s.relation);
                layoutSlot(s, s.hub && in != hubsInPlace.end() ? &in->second : nullptr, 0, dir, 200.f, placed, index);
            }
            // Expanded rings go outward, away from the focus.
            for (const auto& e : expanded) {
                auto at = index.find(refKey(e.ref));
                if (at == index.end()) continue;
                int p = at->second;
                ImVec2 out = nodes[size_t(p)].to;
                float len = lengthOf(out);
                ImVec2 dir = len > 1 ? out * (1.f / len) : ImVec2{1, 0};
                float base = std::atan2(dir.y, dir.x);
                int k = 0, n = int(e.slots.size());
                for (const auto& s : e.slots) {
                    float ang = base + (n > 1 ? (float(k) / float(n - 1) - 0.5f) * 1.4f : 0.f);
                    ++k;
                    layoutSlot(s, nullptr, p, {std::cos(ang), std::sin(ang)}, 150.f, placed, index);
                }
            }
        }

        std::set<std::string> now;
        for (auto& n : nodes) {
            now.insert(n.key);
            auto w = was.find(n.key);
            if (!animate) {
                n.from = n.to;
                n.alphaFrom = 1;
            } else if (w != was.end()) {
                n.from = w->second.first;
                n.alphaFrom = 1;
            } else {
                n.from = spawnAt;
                n.alphaFrom = 0;
            }
        }
        ghosts.clear();
        if (animate)
            for (auto& n : old)
                if (!now.count(n.key)) {
                    n.from = n.to = currentPos(n);
                    ghosts.push_back(n);
                }
        if (animate) {
            panFrom = pan;
            animStart = ImGui::GetCurrentContext() ? ImGui::GetTime() : 0;
            animT = animSeconds > 0 ? 0.f : 1.f;
        } else {
            animT = 1.f;
        }
        selected = std::clamp(selected, 0, std::max(0, int(nodes.size()) - 1));
        if (animate) selected = 0;
        zoomFrom = zoomTo = zoom;
        updateScreens();
    }

    // Screen positions as the next frame starts them, so hit tests and test hooks agree.
    void updateScreens() {
        ImVec2 p = currentPan();
        for (auto& n : nodes) n.screen = origin + (currentPos(n) + p) * zoom;
    }

    // Zoom so the whole neighbourhood fits around the centred focus (never above 100%, and not
    // so small that titles become unreadable: the rest is a pan away).
    void fitZoom(bool animate) {
        float ex = 1, ey = 1;
        for (const auto& n : nodes) {
            ex = std::max(ex, std::abs(n.to.x) + n.size.x * 0.5f);
            ey = std::max(ey, std::abs(n.to.y) + n.size.y * 0.5f);
        }
        if (!canvasSeen) fitPending = true;  // redone once the first frame knows the canvas size
        float z = std::min((canvasSize.x * 0.5f - 16.f) / ex, (canvasSize.y * 0.5f - 16.f) / ey);
        z = std::clamp(z, 0.5f, 1.f);
        zoomFrom = zoom;
        zoomTo = z;
        if (!animate || animT >= 1.f) zoom = z;
        updateScreens();
    }

    ImVec2 currentPos(const VNode& n) const { return lerp(n.from, n.to, ease(animT)); }
    ImVec2 currentPan() const { return animT < 1 ? lerp(panFrom, ImVec2{0, 0}, ease(animT)) : pan; }

    // ---- walking ----------------------------------------------------------------------------
    void focusOn(RecordRef r, ImVec2 spawnAt, bool push) {
        if (push) {
            if (histIdx >= 0 && hist[size_t(histIdx)] == r && !pathMode) return;
            hist.resize(size_t(histIdx + 1));
            hist.push_back(r);
            histIdx = int(hist.size()) - 1;
        }
        load(r, true, spawnAt);
        pan = {0, 0};
        fitZoom(true);
    }
    ImVec2 positionOf(const RecordRef& r) const {
        for (const auto& n : nodes)
            if (!n.hub && n.ref == r) return currentPos(n);
        return {0, 0};
    }
    bool go(int idx) {
        if (idx < 0 || idx >= int(hist.size()) || idx == histIdx) return false;
        histIdx = idx;
        focusOn(hist[size_t(idx)], positionOf(hist[size_t(idx)]), false);
        return true;
    }

    void openHubList(const VNode& n) {
        list.open = true;
        list.owner = nodes[size_t(n.parent)].ref;
        list.relation = n.relation;
        list.kind = n.kind;
        list.total = n.detail;
        list.search.clear();
        list.loadedFor = "\x01";  // force a load
        list.items.clear();
    }
    void loadListPage() {
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

    void toggleExpand(RecordRef r) {  // by value: layout() rebuilds the nodes it may point into
        auto it = std::find_if(expanded.begin(), expanded.end(), [&](const Expansion& e) { return e.ref == r; });
        if (it != expanded.end()) {
            expanded.erase(it);
        } else {
            if (r == hood.focus.ref) return;
            try {
                expanded.push_back({r, graph::groupForDisplay(graph::neighbourhood(store, r, filter, 9).groups, 8, 24)});
            } catch (const std::exception& e) {
                setStatus(e.what(), true);
                return;
            }
        }
        layout(true, positionOf(r));
        animStart = ImGui::GetTime();
        fitZoom(true);
    }

    void showInPlace(const std::string& relation) {
        if (hubsInPlace.count(relation)) {
            hubsInPlace.erase(relation);
        } else {
            try {
                hubsInPlace[relation] = graph::relationPage(store, hood.focus.ref, relation, filter, "", nullptr, graph::kHubPreview).items;
            } catch (const std::exception& e) {
                setStatus(e.what(), true);
                return;
            }
        }
        layout(true, {0, 0});
    }

    void applyEdit(const graph::Edit& e) {
        try {
            if (edits.apply(e)) {
                setStatus(edits.last()->description + "  (Ctrl+Z undoes)");
                if (onEdited) onEdited();
            } else
                setStatus("nothing to change");
        } catch (const std::exception& ex) {
            setStatus(std::string("could not edit: ") + ex.what(), true);
        }
        reload();
    }
    void reload() {
        if (histIdx < 0) return;
        if (pathMode) return;  // the path stays as found until the person leaves path mode
        load(hist[size_t(histIdx)], true, {0, 0});
    }
    bool undo() {
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
        reload();
        return true;
    }

    // The search runs on its own thread with its own read-only connection, so a walk through big
    // hubs never freezes the UI; drawContents() picks the result up when it is ready.
    void runPath(const RecordRef& a, const RecordRef& b) {
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
    bool pathSearching() const { return pathJob.result.valid(); }
    void cancelPath() {
        if (!pathJob.result.valid()) return;
        *pathJob.cancel = true;
        pathJob.result.wait();
        pathJob.result = {};
        setStatus("path search cancelled");
    }
    void pollPath() {
        if (!pathJob.result.valid() || pathJob.result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
        try {
            path = pathJob.result.get();
        } catch (const std::exception& e) {
            pathJob.result = {};
            setStatus(std::string("could not search a path: ") + e.what(), true);
            return;
        }
        pathJob.result = {};
        pathMode = true;
        if (path.found)
            setStatus("path: " + std::to_string(path.steps.size() - 1) + " steps (" + withThousands(path.visited) + " records searched)");
        else
            setStatus(path.exhausted ? "no path within 6 steps (" + withThousands(path.visited) + " records searched)"
                                     : "these records are not connected", !path.found);
        layout(true, {0, 0});
        pan = {0, 0};
        fitZoom(true);
    }

    int nodeAt(ImVec2 mouse) const {
        for (int i = int(nodes.size()) - 1; i >= 0; --i) {
            const auto& n = nodes[size_t(i)];
            ImVec2 h = n.size * (0.5f * zoom);
            if (mouse.x >= n.screen.x - h.x && mouse.x <= n.screen.x + h.x && mouse.y >= n.screen.y - h.y && mouse.y <= n.screen.y + h.y)
                return i;
        }
        return -1;
    }

    // The nearest node from the selected one in a direction, for the arrow keys.
    int neighbourIn(ImVec2 dir) const {
        if (nodes.empty()) return -1;
        ImVec2 at = nodes[size_t(selected)].to;
        int best = -1;
        float bestScore = 1e30f;
        for (int i = 0; i < int(nodes.size()); ++i) {
            if (i == selected) continue;
            ImVec2 d = nodes[size_t(i)].to - at;
            float len = lengthOf(d);
            if (len < 1) continue;
            float cosA = (d.x * dir.x + d.y * dir.y) / len;
            if (cosA < 0.45f) continue;
            float score = len * (2.f - cosA);
            if (score < bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }

    // ---- drawing ----------------------------------------------------------------------------
    void drawToolbar();
    void drawCanvas();
    void drawNode(ImDrawList* dl, const VNode& n, float alpha, bool hovered, bool dropOk, bool isSelected);
    void drawHubList();
    void drawContextMenu();
};

void GraphView::Impl::drawToolbar() {
    ImGui::BeginDisabled(histIdx <= 0);
    if (ImGui::ArrowButton("##back", ImGuiDir_Left)) go(histIdx - 1);
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Back (Alt+Left, mouse button 4)");
    ImGui::SameLine(0, 2);
    ImGui::BeginDisabled(histIdx + 1 >= int(hist.size()));
    if (ImGui::ArrowButton("##fwd", ImGuiDir_Right)) go(histIdx + 1);
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Forward (Alt+Right, mouse button 5)");

    ImGui::SameLine();
    if (ImGui::Button("Filters")) ImGui::OpenPopup("graph-filters");
    if (ImGui::BeginPopup("graph-filters")) {
        bool changed = false;
        ImGui::TextDisabled("Show related");
        for (const auto& name : graph::relationNames()) {
            bool on = filter.shows(name);
            if (ImGui::Checkbox(name.c_str(), &on)) {
                if (on)
                    filter.hiddenRelations.erase(name);
                else
                    filter.hiddenRelations.insert(name);
                changed = true;
            }
        }
        ImGui::Separator();
        bool hide = !filter.includeDeleted;
        if (ImGui::Checkbox("Hide deleted", &hide)) {
            filter.includeDeleted = !hide;
            changed = true;
        }
        changed |= ImGui::Checkbox("Only edited outputs", &filter.onlyEditedOutputs);
        if (changed) reload();
        ImGui::EndPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button(pathMode ? "Exit path" : "Path to...")) {
        if (pathMode) {
            pathMode = false;
            reload();
        } else {
            ImGui::OpenPopup("graph-path");
            pathSearch.clear();
            pathHits.clear();
        }
    }
    if (ImGui::BeginPopup("graph-path")) {
        ImGui::TextDisabled("From: %s", shown(shortLabel(hood.focus.label, 40)));
        if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
        if (inputWithHint("##to", "to: type a name or title", pathSearch)) {
            try {
                pathHits = !pathSearch.empty() ? store.jumpTo(pathSearch, 12) : std::vector<SearchHit>{};
            } catch (const std::exception& e) {
                setStatus(e.what(), true);
            }
        }
        for (const auto& h : pathHits) {
            ImGui::PushID(h.ref.id.c_str());
            ImGui::TextColored(kindRgb(h.ref.kind), "%-7s", kindTitle(h.ref.kind));
            ImGui::SameLine();
            if (ImGui::Selectable(shown(shortLabel(h.title, 60)))) {
                runPath(pathStart.value_or(hood.focus.ref), h.ref);
                ImGui::CloseCurrentPopup();
            }
            ImGui::PopID();
        }
        ImGui::EndPopup();
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(edits.depth() == 0);
    if (ImGui::Button("Undo")) undo();
    ImGui::EndDisabled();
    if (edits.depth() && ImGui::IsItemHovered()) ImGui::SetTooltip("Undo: %s (Ctrl+Z)", shown(edits.last()->description));
    ImGui::SameLine();
    if (ImGui::Button("Fit")) {
        pan = {0, 0};
        fitZoom(false);
    }
    ImGui::SameLine();
    ImGui::TextDisabled("zoom %d%%", int(zoom * 100 + 0.5f));

    // Breadcrumbs: the walk so far, newest last; forward entries dimmed.
    int first = std::max(0, histIdx - 6);
    int last = std::min(int(hist.size()) - 1, histIdx + 2);
    for (int i = first; i <= last; ++i) {
        if (i > first) {
            ImGui::SameLine(0, 4);
            ImGui::TextDisabled(">");
            ImGui::SameLine(0, 4);
        } else if (first > 0) {
            ImGui::TextDisabled("...");
            ImGui::SameLine(0, 4);
        }
        const RecordRef& r = hist[size_t(i)];
        std::string text = std::string(kindTitle(r.kind)) + " " + shortLabel(store.labelOf(r), 22);
        ImGui::PushID(i);
        ImGui::PushStyleColor(ImGuiCol_Text, i == histIdx ? kindRgb(r.kind) : i > histIdx ? ImVec4(0.5f, 0.5f, 0.5f, 1) : ImVec4(0.85f, 0.85f, 0.85f, 1));
        if (ImGui::SmallButton(shown(text))) go(i);
        ImGui::PopStyleColor();
        ImGui::PopID();
    }
    if (hist.empty()) ImGui::TextDisabled("Pick a record: \"Open in graph\" from any editor, or choose one in a list.");
    if (!status.empty()) {
        ImGui::TextColored(statusError ? ImVec4(1, 0.45f, 0.4f, 1) : ImVec4(0.6f, 0.85f, 0.6f, 1), "%s", shown(status));
    }
}

void GraphView::Impl::drawNode(ImDrawList* dl, const VNode& n, float alpha, bool hovered, bool dropOk, bool isSelected) {
    ImVec2 h = n.size * (0.5f * zoom);
    ImVec2 a = n.screen - h, b = n.screen + h;
    if (n.deleted) alpha *= 0.5f;
    float rounding = 6.f * zoom;
    bool isFocus = n.ring == 0 && !pathMode;
    ImU32 fill = n.hub ? kindColor(n.kind, 0.92f * alpha, 0.32f) : ImGui::GetColorU32(ImVec4(0.13f, 0.14f, 0.17f, 0.97f * alpha));
    if (hovered) fill = n.hub ? kindColor(n.kind, alpha, 0.42f) : ImGui::GetColorU32(ImVec4(0.19f, 0.20f, 0.25f, alpha));
    dl->AddRectFilled(a, b, fill, rounding);
    // Kind stripe on the left, border in the kind colour.
    dl->AddRectFilled(a, {a.x + 5.f * zoom, b.y}, kindColor(n.kind, alpha), rounding, ImDrawFlags_RoundCornersLeft);
    float border = isFocus ? 3.f : 1.2f;
    dl->AddRect(a, b, kindColor(n.kind, (isFocus ? 1.f : 0.7f) * alpha), rounding, 0, border * std::max(0.6f, zoom));
    if (n.hub) dl->AddRect(a + ImVec2{3, 3} * zoom, b - ImVec2{3, 3} * zoom, kindColor(n.kind, 0.5f * alpha), rounding);
    if (isSelected)
        dl->AddRect(a - ImVec2{3, 3}, b + ImVec2{3, 3}, ImGui::GetColorU32(ImVec4(1, 0.85f, 0.3f, alpha)), rounding + 3, 0, 2.f);
    if (dropOk) dl->AddRect(a - ImVec2{5, 5}, b + ImVec2{5, 5}, ImGui::GetColorU32(ImVec4(0.4f, 1, 0.5f, alpha)), rounding + 5, 0, 3.f);

    float fs = ImGui::GetFontSize() * zoom * (isFocus ? 1.15f : 1.f);
    if (fs < 6.f) return;
    ImFont* font = ImGui::GetFont();
    ImVec4 clip(a.x + 8 * zoom, a.y, b.x - 6 * zoom, b.y);
    float x = a.x + 11.f * zoom;
    float y = a.y + 5.f * zoom;
    float small = fs * 0.82f;
    if (isFocus || n.hub) {
        dl->AddText(font, small, {x, y}, kindColor(n.kind, alpha), n.hub ? "GROUP" : kindTitle(n.kind), nullptr, 0, &clip);
        y += small + 2 * zoom;
    }
    if (n.hub) {
        std::string t = n.detail + " " + n.relation;
        dl->AddText(font, fs, {x, y}, grey(0.97f, alpha), shown(t), nullptr, 0, &clip);
        y += fs + 2 * zoom;
        dl->AddText(font, small, {x, y}, grey(0.72f, alpha), "click: list \xC2\xB7 right-click: 50 most recent", nullptr, 0, &clip);
        return;
    }
    if (n.fittedAt != fs) {
        n.fitted = fitText(font, fs, n.label, clip.z - x);
        n.fittedAt = fs;
    }
    dl->AddText(font, fs, {x, y}, grey(n.deleted ? 0.6f : 0.96f, alpha), shown(n.fitted), nullptr, 0, &clip);
    if (n.deleted) dl->AddLine({x, y + fs * 0.55f}, {b.x - 6 * zoom, y + fs * 0.55f}, grey(0.8f, alpha), 1.f);
    y += fs + 3 * zoom;
    std::string detail = n.detail;
    detail = withRating(detail);
    if (!isFocus) detail = std::string(kindWord(n.kind)) + (detail.empty() ? "" : " \xC2\xB7 " + detail);
    if (n.deleted) detail += " \xC2\xB7 deleted";
    dl->AddText(font, small, {x, y}, grey(0.68f, alpha), shown(detail), nullptr, 0, &clip);
    if (isFocus) {
        y += small + 3 * zoom;
        std::string counts;
        for (const auto& g : hood.groups) counts += (counts.empty() ? "" : "  ") + withThousands(g.total) + " " + g.relation;
        dl->AddText(font, small, {x, y}, grey(0.55f, alpha), shown(counts), nullptr, clip.z - x, &clip);
    }
}

void GraphView::Impl::drawCanvas() {
    ImVec2 avail = ImGui::GetContentRegionAvail();
    avail.x = std::max(avail.x, 100.f);
    avail.y = std::max(avail.y, 100.f);
    ImVec2 cmin = ImGui::GetCursorScreenPos();
    ImVec2 cmax = cmin + avail;
    canvasSize = avail;
    origin = cmin + avail * 0.5f;
    if (!canvasSeen) {
        canvasSeen = true;
        if (fitPending) fitZoom(false);
        fitPending = false;
    }
    ImGui::InvisibleButton("graph-canvas", avail,
                           ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight | ImGuiButtonFlags_MouseButtonMiddle);
    bool hoveredCanvas = ImGui::IsItemHovered();
    bool activeCanvas = ImGui::IsItemActive();
    ImGuiIO& io = ImGui::GetIO();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(cmin, cmax, true);
    dl->AddRectFilled(cmin, cmax, ImGui::GetColorU32(ImVec4(0.07f, 0.075f, 0.09f, 1)));
    origin = cmin + avail * 0.5f;

    // Animation clock.
    if (animT < 1.f) {
        float t = animSeconds > 0 ? float((ImGui::GetTime() - animStart) / animSeconds) : 1.f;
        animT = std::min(1.f, std::max(t, 0.f));
        zoom = zoomFrom + (zoomTo - zoomFrom) * ease(animT);
        if (animT >= 1.f) {
            pan = {0, 0};
            zoom = zoomTo;
            ghosts.clear();
        }
    }
    ImVec2 curPan = animT < 1 ? currentPan() : pan;
    auto toScreen = [&](ImVec2 w) { return origin + (w + curPan) * zoom; };

    // Dot grid, so panning is visible even on an empty area.
    float step = 48.f * zoom;
    if (step > 10.f) {
        float ox = std::fmod(origin.x + curPan.x * zoom - cmin.x, step), oy = std::fmod(origin.y + curPan.y * zoom - cmin.y, step);
        if (ox < 0) ox += step;
        if (oy < 0) oy += step;
        for (float x = cmin.x + ox; x < cmax.x; x += step)
            for (float y = cmin.y + oy; y < cmax.y; y += step) dl->AddRectFilled({x, y}, {x + 1.5f, y + 1.5f}, grey(0.22f, 1));
    }

    float e = ease(animT);
    for (auto& n : nodes) n.screen = toScreen(currentPos(n));
    for (auto& g : ghosts) g.screen = toScreen(g.to);

    int hovered = hoveredCanvas || dragging ? nodeAt(io.MousePos) : -1;

    // Edges, then their labels, then nodes (ring 2 under ring 1 under the focus).
    for (const auto& l : labels)
        if (l.trunk) {
            bool hot = hovered == l.parent;
            dl->AddLine(nodes[size_t(l.parent)].screen, toScreen(l.at), kindColor(l.kind, (hot ? 0.9f : 0.55f) * e),
                        (hot ? 3.f : 2.4f) * std::max(0.5f, zoom));
        }
    for (const auto& ed : edges) {
        const auto& a = nodes[size_t(ed.a)];
        const auto& b = nodes[size_t(ed.b)];
        float alpha = b.alphaFrom + (1 - b.alphaFrom) * e;
        bool hot = hovered == ed.a || hovered == ed.b;
        ImVec2 from = ed.via >= 0 ? lerp(a.screen, toScreen(labels[size_t(ed.via)].at), e) : a.screen;
        dl->AddLine(from, b.screen, kindColor(b.kind, (hot ? 0.9f : 0.38f) * alpha), (hot ? 2.2f : 1.3f) * std::max(0.5f, zoom));
    }
    for (const auto& g : ghosts) drawNode(dl, g, 1.f - e, false, false, false);

    std::optional<graph::Edit> drop;
    int pressedIdx = pressed;
    for (int ring = 3; ring >= 0; --ring)
        for (int i = 0; i < int(nodes.size()); ++i) {
            const auto& n = nodes[size_t(i)];
            if (std::min(n.ring, 3) != ring) continue;
            // Cull what is off screen: a panned 200-node view draws only what shows.
            ImVec2 h = n.size * (0.5f * zoom);
            if (n.screen.x + h.x < cmin.x || n.screen.x - h.x > cmax.x || n.screen.y + h.y < cmin.y || n.screen.y - h.y > cmax.y) continue;
            bool dropOk = false;
            if (dragging && pressedIdx >= 0 && i == hovered && i != pressedIdx && !n.hub && !nodes[size_t(pressedIdx)].hub) {
                drop = graph::dropEdit(nodes[size_t(pressedIdx)].ref, n.ref);
                dropOk = drop.has_value();
            }
            drawNode(dl, n, n.alphaFrom + (1 - n.alphaFrom) * e, i == hovered, dropOk, i == selected);
        }
    if (zoom > 0.45f) {
        for (const auto& l : labels) {
            ImVec2 at = toScreen(l.at);
            float fs = ImGui::GetFontSize() * std::min(zoom, 1.3f) * 0.9f;
            ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(fs, 1e9f, 0, shown(l.text));
            ImVec2 a = at - ts * 0.5f - ImVec2{5, 2}, b = at + ts * 0.5f + ImVec2{5, 2};
            dl->AddRectFilled(a, b, ImGui::GetColorU32(ImVec4(0.07f, 0.075f, 0.09f, 0.92f * e)), 8.f);
            dl->AddRect(a, b, kindColor(l.kind, 0.6f * e), 8.f);
            dl->AddText(ImGui::GetFont(), fs, at - ts * 0.5f, kindColor(l.kind, e), shown(l.text));
        }
    }
    if (dragging && pressedIdx >= 0) {
        dl->AddLine(nodes[size_t(pressedIdx)].screen, io.MousePos, kindColor(nodes[size_t(pressedIdx)].kind, 0.9f), 2.f);
        const char* what = "drop on an output or prompt to tag it, on a prompt or model to set it";
        if (drop) {
            switch (drop->op) {
            case graph::EditOp::LinkTag: what = "release: link this tag"; break;
            case graph::EditOp::SetPrompt: what = "release: set the output's prompt"; break;
            case graph::EditOp::SetModel: what = "release: set the output's model"; break;
            case graph::EditOp::UnlinkTag: break;
            }
        }
        dl->AddText(io.MousePos + ImVec2{14, 8}, grey(0.95f, 1), what);
    }
    if (nodes.empty() || hist.empty())
        dl->AddText(origin - ImVec2{160, 0}, grey(0.5f, 1), "Nothing in focus yet: open a record in the graph.");
    dl->PopClipRect();

    // ---- mouse --------------------------------------------------------------------------------
    if (hoveredCanvas && io.MouseWheel != 0.f && animT >= 1.f) {
        ImVec2 world = (io.MousePos - origin) * (1.f / zoom) - pan;
        zoom = zoomTo = std::clamp(zoom * std::pow(1.12f, io.MouseWheel), 0.2f, 3.f);
        pan = (io.MousePos - origin) * (1.f / zoom) - world;
    }
    if (hoveredCanvas && ImGui::IsMouseClicked(3)) go(histIdx - 1);
    if (hoveredCanvas && ImGui::IsMouseClicked(4)) go(histIdx + 1);

    if (hoveredCanvas && ImGui::IsMouseClicked(0)) {
        pressed = hovered;
        pressPos = io.MousePos;
        dragging = panning = false;
        if (hovered >= 0) selected = hovered;
        if (ImGui::IsMouseDoubleClicked(0) && !lastClicked.id.empty()) {
            if (onOpen) onOpen(lastClicked);
            pressed = -1;
        }
    }
    if (activeCanvas && ImGui::IsMouseDragging(0, 5.f)) {
        if (pressed >= 0 && !pathMode) {
            dragging = true;
        } else if (pressed < 0) {
            panning = true;
            if (animT >= 1.f) pan = pan + io.MouseDelta * (1.f / zoom);
        }
    }
    if (activeCanvas && ImGui::IsMouseDragging(2, 0.f) && animT >= 1.f) pan = pan + io.MouseDelta * (1.f / zoom);
    if (ImGui::IsMouseReleased(0)) {
        if (dragging && pressed >= 0) {
            if (drop) applyEdit(*drop);
        } else if (pressed >= 0 && !panning && pressed < int(nodes.size())) {
            const VNode n = nodes[size_t(pressed)];
            if (n.hub) {
                openHubList(n);
            } else {
                lastClicked = n.ref;
                focusOn(n.ref, currentPos(n), true);
            }
        }
        pressed = -1;
        dragging = panning = false;
    }
    if (hoveredCanvas && ImGui::IsMouseClicked(1)) {
        contextNode = hovered;
        if (hovered >= 0) {
            selected = hovered;
            ImGui::OpenPopup("graph-node-menu");
        }
    }

    // ---- keyboard ---------------------------------------------------------------------------
    if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) && !io.WantTextInput && !nodes.empty()) {
        if (io.KeyAlt && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) {
            go(histIdx - 1);
        } else if (io.KeyAlt && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) {
            go(histIdx + 1);
        } else if (!io.KeyAlt && !io.KeyCtrl) {
            const std::pair<ImGuiKey, ImVec2> arrows[] = {{ImGuiKey_LeftArrow, {-1, 0}}, {ImGuiKey_RightArrow, {1, 0}},
                                                          {ImGuiKey_UpArrow, {0, -1}}, {ImGuiKey_DownArrow, {0, 1}}};
            for (const auto& [key, dir] : arrows)
                if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(key))) {
                    int n = neighbourIn(dir);
                    if (n >= 0) selected = n;
                }
            selected = std::clamp(selected, 0, int(nodes.size()) - 1);
            const VNode& s = nodes[size_t(selected)];
            if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter))) {
                if (s.hub)
                    openHubList(s);
                else if (onOpen)
                    onOpen(s.ref);
            } else if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space)) && !s.hub) {
                RecordRef r = s.ref;
                focusOn(r, currentPos(s), true);
            } else if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace))) {
                go(histIdx - 1);
            }
            for (ImWchar c : io.InputQueueCharacters)
                if ((c == 'e' || c == '+') && selected < int(nodes.size()) && !nodes[size_t(selected)].hub) {
                    toggleExpand(nodes[size_t(selected)].ref);
                    break;
                }
        }
        if (io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z))) undo();
        if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
            if (pathSearching()) {
                cancelPath();
            } else if (list.open) {
                list.open = false;
            } else if (pathMode) {
                pathMode = false;
                reload();
            }
        }
    }
    drawContextMenu();
}

void GraphView::Impl::drawContextMenu() {
    if (!ImGui::BeginPopup("graph-node-menu")) return;
    if (contextNode < 0 || contextNode >= int(nodes.size())) {
        ImGui::EndPopup();
        return;
    }
    const VNode n = nodes[size_t(contextNode)];
    const RecordRef focusRef = hood.focus.ref;
    if (n.hub) {
        ImGui::TextDisabled("%s %s", shown(n.detail), shown(n.relation));
        if (ImGui::MenuItem("List all (paged, searchable)")) openHubList(n);
        if (n.parent == 0 && !pathMode && ImGui::MenuItem("Show the 50 most recent here")) showInPlace(n.relation);
        ImGui::EndPopup();
        return;
    }
    ImGui::TextColored(kindRgb(n.kind), "%s", kindTitle(n.kind));
    ImGui::SameLine();
    ImGui::TextUnformatted(shown(shortLabel(n.label, 40)));
    ImGui::Separator();
    if (ImGui::MenuItem("Focus", "click / Space")) focusOn(n.ref, currentPos(n), true);
    if (ImGui::MenuItem("Open in editor", "double-click / Enter") && onOpen) onOpen(n.ref);
    if (!(n.ref == focusRef) && !pathMode) {
        bool isExpanded = std::any_of(expanded.begin(), expanded.end(), [&](const Expansion& e) { return e.ref == n.ref; });
        if (ImGui::MenuItem(isExpanded ? "Collapse its ring" : "Expand one more ring", "E")) toggleExpand(n.ref);
    }
    if (n.parent == 0 && !pathMode && hubsInPlace.count(n.relation) && ImGui::MenuItem("Group these again")) showInPlace(n.relation);
    ImGui::Separator();
    if (ImGui::MenuItem("Mark as path start")) {
        pathStart = n.ref;
        setStatus("path start: " + shortLabel(n.label, 40) + " \xE2\x80\x94 right-click another record: \"Path from the mark to here\"");
    }
    if (pathStart && !(*pathStart == n.ref) && ImGui::MenuItem("Path from the mark to here")) runPath(*pathStart, n.ref);
    if (!(n.ref == focusRef) && ImGui::MenuItem("Path from the focus to here")) runPath(focusRef, n.ref);

    // Edits between this node and the focus.
    if (!pathMode && !(n.ref == focusRef)) {
        auto offered = graph::contextEdits(focusRef, n.ref, n.parent == 0, n.relation);
        if (!offered.empty()) ImGui::Separator();
        for (const auto& o : offered)
            if (ImGui::MenuItem(shown(o.label))) applyEdit(o.edit);
    }
    if (edits.depth()) {
        ImGui::Separator();
        if (ImGui::MenuItem(shown(("Undo: " + shortLabel(edits.last()->description, 50))), "Ctrl+Z")) undo();
    }
    ImGui::EndPopup();
}

void GraphView::Impl::drawHubList() {
    if (!list.open) return;
    ImGui::SetNextWindowSize({360, 0});
    ImGui::TextColored(kindRgb(list.kind), "%s", shown(list.relation));
    ImGui::SameLine();
    ImGui::Text("of %s \xC2\xB7 %s", shown(shortLabel(store.labelOf(list.owner), 30)), shown(list.total));
    ImGui::SameLine();
    if (ImGui::SmallButton("Close")) {
        list.open = false;
        return;
    }
    ImGui::SetNextItemWidth(-1);
    inputWithHint("##hubsearch", "search these records", list.search);
    if (list.loadedFor != list.search) {
        list.loadedFor = list.search;
        list.items.clear();
        list.more = true;
        loadListPage();
    }
    ImGui::BeginChild("hub-rows", {0, 0}, true);
    ImGuiListClipper clipper;
    clipper.Begin(int(list.items.size()) + (list.more ? 1 : 0));
    while (clipper.Step()) {
        if (clipper.DisplayEnd > int(list.items.size()) && list.more) loadListPage();
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd && i < int(list.items.size()); ++i) {
            const auto& it = list.items[size_t(i)];
            ImGui::PushID(i);
            ImGui::PushStyleColor(ImGuiCol_Text, it.deleted ? ImVec4(0.5f, 0.5f, 0.5f, 1) : ImVec4(0.92f, 0.92f, 0.92f, 1));
            bool clicked = ImGui::Selectable(shown(shortLabel(it.label, 70)), false, ImGuiSelectableFlags_AllowDoubleClick);
            ImGui::PopStyleColor();
            if (!it.detail.empty()) {
                // The summary at the right edge, over the selectable's tail.
                std::string d = withRating(it.detail);
                float w = ImGui::CalcTextSize(shown(d)).x;
                ImGui::SameLine(std::max(ImGui::GetWindowContentRegionMax().x - w - 4.f, 120.f));
                ImGui::TextDisabled("%s", shown(d));
            }
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s", shown(it.label), shown(it.detail));
            if (clicked) {
                RecordRef r = it.ref;
                if (ImGui::IsMouseDoubleClicked(0)) {
                    if (onOpen) onOpen(r);
                } else {
                    focusOn(r, {0, 0}, true);
                }
            }
            ImGui::PopID();
            if (!list.open) break;
        }
    }
    if (!list.more && list.items.empty()) ImGui::TextDisabled("no match");
    ImGui::EndChild();
}

// ---- public API ---------------------------------------------------------------------------

GraphView::GraphView(pv::Store& store) : m(std::make_unique<Impl>(store)) {}
GraphView::~GraphView() = default;

void GraphView::focus(const pv::RecordRef& r) {
    m->onOpen = onOpenRecord;
    m->onEdited = onEdited;
    m->focusOn(r, m->positionOf(r), true);
}

void GraphView::drawContents() {
    m->onOpen = onOpenRecord;
    m->onEdited = onEdited;
    m->pollPath();
    ImGui::PushID(this);
    m->drawToolbar();
    if (m->list.open) {
        float w = std::min(380.f, ImGui::GetContentRegionAvail().x * 0.4f);
        ImGui::BeginGroup();
        ImVec2 avail = ImGui::GetContentRegionAvail();
        ImGui::BeginChild("graph-main", {avail.x - w - 8, avail.y}, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
        m->drawCanvas();
        ImGui::EndChild();
        ImGui::EndGroup();
        ImGui::SameLine();
        ImGui::BeginChild("graph-hub", {w, avail.y}, false);
        m->drawHubList();
        ImGui::EndChild();
    } else {
        m->drawCanvas();
    }
    ImGui::PopID();
}

std::optional<pv::RecordRef> GraphView::focused() const {
    if (m->histIdx < 0) return std::nullopt;
    return m->hist[size_t(m->histIdx)];
}
bool GraphView::back() { return m->go(m->histIdx - 1); }
bool GraphView::forward() { return m->go(m->histIdx + 1); }
const std::vector<pv::RecordRef>& GraphView::history() const { return m->hist; }
int GraphView::historyIndex() const { return m->histIdx; }
pv::graph::Filter& GraphView::filter() { return m->filter; }
void GraphView::applyFilter() { m->reload(); }
void GraphView::showPath(const pv::RecordRef& from, const pv::RecordRef& to) { m->runPath(from, to); }
bool GraphView::listOpen() const { return m->list.open; }
bool GraphView::pathSearching() const { return m->pathSearching(); }
void GraphView::clearPath() {
    m->pathMode = false;
    m->reload();
}
const pv::graph::PathResult& GraphView::path() const { return m->path; }
bool GraphView::undo() {
    m->onEdited = onEdited;
    return m->undo();
}
size_t GraphView::undoDepth() const { return m->edits.depth(); }
bool GraphView::applyEdit(const pv::graph::Edit& e) {
    m->onEdited = onEdited;
    size_t before = m->edits.depth();
    m->applyEdit(e);
    return m->edits.depth() > before;
}
void GraphView::refresh() { m->reload(); }
void GraphView::expand(const pv::RecordRef& r) { m->toggleExpand(r); }
void GraphView::showHubInPlace(const std::string& relation) { m->showInPlace(relation); }
void GraphView::openList(const std::string& relation) {
    for (const auto& g : m->hood.groups)
        if (g.relation == relation) {
            Impl::VNode n;
            n.parent = 0;
            n.relation = relation;
            n.kind = g.kind;
            n.detail = withThousands(g.total) + (g.totalIsLowerBound ? "+" : "");
            if (!m->nodes.empty()) m->openHubList(n);
        }
}
const std::string& GraphView::status() const { return m->status; }

std::vector<GraphView::NodeInfo> GraphView::nodes() const {
    std::vector<NodeInfo> out;
    for (const auto& n : m->nodes) out.push_back({n.ref, n.relation, n.hub, n.count, n.screen, n.ring});
    return out;
}
bool GraphView::animating() const { return m->animT < 1.f; }
void GraphView::setAnimationSeconds(float s) { m->animSeconds = s; }

} // namespace pv::ui
