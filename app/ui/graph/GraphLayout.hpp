// Where the relation browser's nodes go, in world units with the focus at (0,0): each relation's
// records clustered in a direction of their own (a big group behind one hub node), expanded rings
// further out; or a path as one row. Geometry only: no drawing, input or queries (GraphModel holds
// what is laid out, GraphView draws it and animates between layouts).
#pragma once
#include "Graph.hpp"

#include <imgui.h>

#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pv::ui::graphview {

constexpr float kNodeW = 184.f, kNodeH = 46.f;  // world units at zoom 1
constexpr float kFocusW = 300.f, kFocusH = 96.f;
constexpr float kGapX = 16.f, kGapY = 12.f;
constexpr float kPi = 3.14159265f;

inline ImVec2 operator+(ImVec2 a, ImVec2 b) { return {a.x + b.x, a.y + b.y}; }
inline ImVec2 operator-(ImVec2 a, ImVec2 b) { return {a.x - b.x, a.y - b.y}; }
inline ImVec2 operator*(ImVec2 a, float s) { return {a.x * s, a.y * s}; }
inline float lengthOf(ImVec2 a) { return std::sqrt(a.x * a.x + a.y * a.y); }
inline ImVec2 lerp(ImVec2 a, ImVec2 b, float t) { return a + (b - a) * t; }
inline float ease(float t) { return t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t); }

std::string refKey(const RecordRef& r);
std::string withThousands(int64_t n);

struct Node {
    RecordRef ref;  // id empty for a hub
    std::string label, detail;
    Kind kind = Kind::Output;
    bool deleted = false;
    bool hub = false;
    int64_t count = 0;
    std::string relation;  // relation from its parent
    int parent = -1;       // node it hangs off
    int ring = 0;
    ImVec2 from, to;  // world positions, animated from -> to (the layout sets `to`)
    float alphaFrom = 1.f;
    ImVec2 size{kNodeW, kNodeH};
    ImVec2 screen;               // centre on screen, last frame
    std::string key;             // identity across layouts
    mutable std::string fitted;  // label cut to the node's width with "...", for fittedAt
    mutable float fittedAt = -1.f;
};
struct Edge {
    int a, b;
    int via = -1;  // a big group's edges branch from its label (one trunk from the parent)
};
struct Label {
    int parent;
    ImVec2 at;  // world position of the group's centre
    std::string text;
    Kind kind;
    bool trunk = false;  // draw one edge from the parent to here
};
// One more ring around a shown record (its groups as the view draws them).
struct Expansion {
    RecordRef ref;
    std::vector<graph::Slot> slots;
};

struct Layout {
    std::vector<Node> nodes;
    std::vector<Edge> edges;
    std::vector<Label> labels;

    // The focus in the middle, its groups around it (weighted by size; hubs in `hubsInPlace` drawn
    // record by record), then each expansion outward from its record.
    static Layout ofNeighbourhood(const graph::Neighbourhood& hood, const std::map<std::string, std::vector<graph::Item>>& hubsInPlace,
                                  const std::vector<Expansion>& expanded);
    // The path's records in a row, zigzagging; `described[k]` is step k's record (nullopt: unknown).
    static Layout ofPath(const graph::PathResult& path, const std::vector<std::optional<graph::Item>>& described);

private:
    struct Rect {
        ImVec2 min, max;
        bool overlaps(const Rect& o, float margin) const {
            return min.x - margin < o.max.x && o.min.x - margin < max.x && min.y - margin < o.max.y && o.min.y - margin < max.y;
        }
    };
    int addNode(Node n);
    ImVec2 placeCluster(ImVec2 anchor, ImVec2 dir, ImVec2 size);
    void layoutSlot(const graph::Slot& slot, const std::vector<graph::Item>* inPlace, int p, ImVec2 dir, float distance);

    std::vector<Rect> m_placed;                   // while laying out: what is placed so far
    std::unordered_map<std::string, int> m_index;  // while laying out: record key -> node
};

} // namespace pv::ui::graphview
