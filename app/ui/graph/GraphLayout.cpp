#include "GraphLayout.hpp"

#include <algorithm>
#include <cstdio>

namespace pv::ui::graphview {

namespace {

// Where a group's edge label goes: on the line from the parent, just outside the group.
ImVec2 labelSpot(ImVec2 parent, ImVec2 centre, ImVec2 size) {
    ImVec2 u = parent - centre;
    float len = lengthOf(u);
    if (len < 1) return centre;
    u = u * (1.f / len);
    float s = std::min(std::abs(u.x) > 1e-4f ? size.x * 0.5f / std::abs(u.x) : 1e9f,
                       std::abs(u.y) > 1e-4f ? size.y * 0.5f / std::abs(u.y) : 1e9f);
    return centre + u * std::min(s + 16.f, len * 0.5f + s * 0.5f);
}

int columnsFor(size_t n) { return n <= 4 ? 1 : n <= 12 ? 2 : n <= 30 ? 3 : 5; }

} // namespace

std::string refKey(const RecordRef& r) { return std::string(kindName(r.kind)) + ":" + r.id; }

std::string withThousands(int64_t n) {
    std::string s = std::to_string(n);
    for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
    return s;
}

int Layout::addNode(Node n) {
    n.key = n.hub ? "hub:" + std::to_string(n.parent) + ":" + n.relation : refKey(n.ref);
    nodes.push_back(std::move(n));
    return int(nodes.size()) - 1;
}

// Places a cluster of `size`, starting at `anchor` and pushed along `dir` until it overlaps
// nothing placed before. Returns the cluster's top-left corner.
ImVec2 Layout::placeCluster(ImVec2 anchor, ImVec2 dir, ImVec2 size) {
    ImVec2 c = anchor;
    for (int i = 0; i < 400; ++i) {
        Rect r{c - size * 0.5f, c + size * 0.5f};
        bool hit = false;
        for (const auto& p : m_placed)
            if (r.overlaps(p, 18.f)) {
                hit = true;
                break;
            }
        if (!hit) break;
        c = c + dir * 14.f;
    }
    m_placed.push_back({c - size * 0.5f, c + size * 0.5f});
    return c - size * 0.5f;
}

// Lays out one group of records (or its hub) around parent node p in direction `dir`.
void Layout::layoutSlot(const graph::Slot& slot, const std::vector<graph::Item>* inPlace, int p, ImVec2 dir, float distance) {
    const ImVec2 base = nodes[size_t(p)].to;  // copied: addNode() below may move the nodes
    const int ring = nodes[size_t(p)].ring + 1;
    const std::vector<graph::Item>* items = slot.hub ? inPlace : &slot.items;
    char text[96];
    std::string name = slot.relation;
    std::replace(name.begin(), name.end(), '_', ' ');
    const std::string total = withThousands(slot.total) + (slot.totalIsLowerBound ? "+" : "");
    std::snprintf(text, sizeof text, "%s \xC2\xB7 %s", name.c_str(), total.c_str());
    if (!items) {
        Node n;
        n.kind = slot.kind;
        n.hub = true;
        n.count = slot.total;
        n.relation = slot.relation;
        n.parent = p;
        n.ring = ring;
        n.label = slot.relation;
        n.detail = total;
        n.size = {kNodeW, kNodeH + 8};
        ImVec2 tl = placeCluster(base + dir * distance, dir, n.size);
        n.to = tl + n.size * 0.5f;
        int i = addNode(std::move(n));
        edges.push_back({p, i});
        labels.push_back({p, labelSpot(base, nodes[size_t(i)].to, nodes[size_t(i)].size), text, slot.kind});
        return;
    }
    // Records already on screen get an edge, not a second node.
    std::vector<const graph::Item*> fresh;
    for (const auto& it : *items) {
        auto f = m_index.find(refKey(it.ref));
        if (f != m_index.end()) {
            if (f->second != p) edges.push_back({p, f->second});
        } else {
            fresh.push_back(&it);
        }
    }
    if (fresh.empty()) return;
    int cols = columnsFor(fresh.size());
    int rows = int((fresh.size() + size_t(cols) - 1) / size_t(cols));
    ImVec2 size{cols * (kNodeW + kGapX) - kGapX, rows * (kNodeH + kGapY) - kGapY};
    ImVec2 tl = placeCluster(base + dir * (distance + 0.5f * std::abs(dir.x) * size.x + 0.5f * std::abs(dir.y) * size.y), dir, size);
    // More than a few records: one trunk to the group's label, short branches from there.
    const int via = fresh.size() > 3 ? int(labels.size()) : -1;
    for (size_t k = 0; k < fresh.size(); ++k) {
        Node n;
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
        m_index[nodes[size_t(i)].key] = i;
        edges.push_back({p, i, via});
    }
    labels.push_back({p, labelSpot(base, tl + size * 0.5f, size), text, slot.kind, via >= 0});
}

Layout Layout::ofPath(const graph::PathResult& path, const std::vector<std::optional<graph::Item>>& described) {
    Layout l;
    float x0 = -0.5f * float(path.steps.size() - 1) * (kNodeW + 90.f);
    for (size_t k = 0; k < path.steps.size(); ++k) {
        const auto& d = described[k];
        Node n;
        n.ref = path.steps[k].ref;
        n.kind = n.ref.kind;
        n.label = d ? d->label : "?";
        n.detail = d ? d->detail : "";
        n.deleted = d && d->deleted;
        n.relation = path.steps[k].relation;
        n.parent = k ? int(k) - 1 : -1;
        n.ring = k ? 1 : 0;
        n.to = {x0 + float(k) * (kNodeW + 90.f), (k % 2) ? 40.f : -40.f};
        int i = l.addNode(std::move(n));
        if (k) {
            l.edges.push_back({i - 1, i});
            l.labels.push_back({i - 1, lerp(l.nodes[size_t(i) - 1].to, l.nodes[size_t(i)].to, 0.5f), path.steps[k].relation,
                                path.steps[k].ref.kind});
        }
    }
    return l;
}

Layout Layout::ofNeighbourhood(const graph::Neighbourhood& hood, const std::map<std::string, std::vector<graph::Item>>& hubsInPlace,
                               const std::vector<Expansion>& expanded) {
    Layout l;
    Node f;
    f.ref = hood.focus.ref;
    f.kind = f.ref.kind;
    f.label = hood.focus.label;
    f.detail = hood.focus.detail;
    f.deleted = hood.focus.deleted;
    f.size = {kFocusW, kFocusH};
    f.to = {0, 0};
    l.addNode(std::move(f));
    l.m_index[l.nodes[0].key] = 0;
    l.m_placed.push_back({l.nodes[0].to - l.nodes[0].size * 0.5f, l.nodes[0].to + l.nodes[0].size * 0.5f});

    auto slots = graph::groupForDisplay(hood.groups);
    // Angles by weight: a group of 25 records gets more of the circle than a single prompt.
    auto weight = [&](const graph::Slot& s) {
        return 1.f + std::sqrt(float(s.hub ? (hubsInPlace.count(s.relation) ? 30 : 1) : s.items.size()));
    };
    float totalW = 0;
    for (const auto& s : slots) totalW += weight(s);
    float a = -kPi * 0.75f;
    for (const auto& s : slots) {
        float w = weight(s);
        float mid = a + kPi * w / totalW;
        a += 2 * kPi * w / totalW;
        ImVec2 dir{std::cos(mid), std::sin(mid)};
        auto in = hubsInPlace.find(s.relation);
        l.layoutSlot(s, s.hub && in != hubsInPlace.end() ? &in->second : nullptr, 0, dir, 200.f);
    }
    // Expanded rings go outward, away from the focus.
    for (const auto& e : expanded) {
        auto at = l.m_index.find(refKey(e.ref));
        if (at == l.m_index.end()) continue;
        int p = at->second;
        ImVec2 out = l.nodes[size_t(p)].to;
        float len = lengthOf(out);
        ImVec2 dir = len > 1 ? out * (1.f / len) : ImVec2{1, 0};
        float base = std::atan2(dir.y, dir.x);
        int k = 0, n = int(e.slots.size());
        for (const auto& s : e.slots) {
            float ang = base + (n > 1 ? (float(k) / float(n - 1) - 0.5f) * 1.4f : 0.f);
            ++k;
            l.layoutSlot(s, nullptr, p, {std::cos(ang), std::sin(ang)}, 150.f);
        }
    }
    l.m_placed.clear();
    l.m_index.clear();
    return l;
}

} // namespace pv::ui::graphview
