#include "GraphView.hpp"
#include "GraphLayout.hpp"
#include "GraphModel.hpp"
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
using namespace graphview;
namespace {

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

} // namespace

struct GraphView::Impl {
    using VNode = Node;

    GraphModel model;
    // The current layout, with what the animation and hit tests add to it.
    std::vector<VNode> nodes;
    std::vector<Edge> edges;
    std::vector<Label> labels;
    std::vector<VNode> ghosts;  // nodes of the previous layout fading out

    // Camera and the focus transition.
    ImVec2 pan{0, 0}, panFrom{0, 0};
    float zoom = 1.f, zoomFrom = 1.f, zoomTo = 1.f;
    ImVec2 canvasSize{1200, 800};
    bool canvasSeen = false, fitPending = false;
    double animStart = -1;
    float animSeconds = 0.35f;
    float animT = 1.f;
    ImVec2 origin;  // screen position of world (0,0) before pan

    // Input.
    int selected = 0;
    int pressed = -1;
    bool dragging = false, panning = false;
    ImVec2 pressPos;
    RecordRef lastClicked;
    int contextNode = -1;
    std::string pathSearch;  // the "Path to..." popup
    std::vector<SearchHit> pathHits;
    std::function<void(const RecordRef&)> onOpen;

    explicit Impl(Store& s) : model(s) {}

    // ---- layout and animation -----------------------------------------------------------------
    void load(const RecordRef& r, bool animate, ImVec2 spawnAt) {
        model.query(r);
        layout(animate, spawnAt);
    }

    // A new layout of what the model holds; nodes still shown move from where they are, new ones
    // grow from spawnAt, gone ones fade out where they were.
    void layout(bool animate, ImVec2 spawnAt) {
        std::unordered_map<std::string, std::pair<ImVec2, float>> was;
        for (const auto& n : nodes) was[n.key] = {currentPos(n), 1.f};
        std::vector<VNode> old = std::move(nodes);
        Layout next;
        if (model.pathMode && model.path.found) {
            std::vector<std::optional<graph::Item>> described;
            for (const auto& step : model.path.steps) described.push_back(graph::describe(model.store, step.ref));
            next = Layout::ofPath(model.path, described);
        } else {
            next = Layout::ofNeighbourhood(model.hood, model.hubsInPlace, model.expanded);
        }
        nodes = std::move(next.nodes);
        edges = std::move(next.edges);
        labels = std::move(next.labels);

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
    ImVec2 toScreen(ImVec2 world) const { return origin + (world + currentPan()) * zoom; }

    // ---- walking and what changes the layout ------------------------------------------------------
    void focusOn(RecordRef r, ImVec2 spawnAt, bool push) {
        if (push && !model.push(r)) return;
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
        if (idx < 0 || idx >= int(model.hist.size()) || idx == model.histIdx) return false;
        model.histIdx = idx;
        focusOn(model.hist[size_t(idx)], positionOf(model.hist[size_t(idx)]), false);
        return true;
    }
    void openHubList(const VNode& n) { model.openList(nodes[size_t(n.parent)].ref, n.relation, n.kind, n.detail); }

    void toggleExpand(RecordRef r) {  // by value: layout() rebuilds the nodes it may point into
        if (!model.toggleExpansion(r)) return;
        layout(true, positionOf(r));
        animStart = ImGui::GetTime();
        fitZoom(true);
    }
    void showInPlace(const std::string& relation) {
        if (model.toggleHubInPlace(relation)) layout(true, {0, 0});
    }
    void applyEdit(const graph::Edit& e) {
        model.applyEdit(e);
        reload();
    }
    void reload() {
        if (model.histIdx < 0) return;
        if (model.pathMode) return;  // the path stays as found until the person leaves path mode
        load(model.hist[size_t(model.histIdx)], true, {0, 0});
    }
    bool undo() {
        if (!model.undo()) return false;
        reload();
        return true;
    }
    void pollPath() {
        if (!model.takePath()) return;
        layout(true, {0, 0});
        pan = {0, 0};
        fitZoom(true);
    }

    // ---- hit tests ----------------------------------------------------------------------------
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
    struct Canvas {
        ImVec2 min, max;
        bool hovered = false, active = false;
        ImDrawList* dl = nullptr;
    };
    void drawToolbar();
    void drawCanvas();  // one frame of the canvas: the steps below, in order
    Canvas beginCanvas();
    void advanceAnimation();
    void drawGrid(const Canvas& c);
    void drawEdges(ImDrawList* dl, int hovered);
    std::optional<graph::Edit> drawNodes(const Canvas& c, int hovered);
    void drawLabels(ImDrawList* dl);
    void drawDragHint(ImDrawList* dl, const std::optional<graph::Edit>& drop);
    void handleMouse(const Canvas& c, int hovered, const std::optional<graph::Edit>& drop);
    void handleKeys();
    void drawNode(ImDrawList* dl, const VNode& n, float alpha, bool hovered, bool dropOk, bool isSelected);
    void drawHubList();
    void drawContextMenu();
};

void GraphView::Impl::drawToolbar() {
    ImGui::BeginDisabled(model.histIdx <= 0);
    if (ImGui::ArrowButton("##back", ImGuiDir_Left)) go(model.histIdx - 1);
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Back (Alt+Left, mouse button 4)");
    ImGui::SameLine(0, 2);
    ImGui::BeginDisabled(model.histIdx + 1 >= int(model.hist.size()));
    if (ImGui::ArrowButton("##fwd", ImGuiDir_Right)) go(model.histIdx + 1);
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Forward (Alt+Right, mouse button 5)");

    ImGui::SameLine();
    if (ImGui::Button("Filters")) ImGui::OpenPopup("graph-filters");
    if (ImGui::BeginPopup("graph-filters")) {
        bool changed = false;
        ImGui::TextDisabled("Show related");
        for (const auto& name : graph::relationNames()) {
            bool on = model.filter.shows(name);
            if (ImGui::Checkbox(name.c_str(), &on)) {
                if (on)
                    model.filter.hiddenRelations.erase(name);
                else
                    model.filter.hiddenRelations.insert(name);
                changed = true;
            }
        }
        ImGui::Separator();
        bool hide = !model.filter.includeDeleted;
        if (ImGui::Checkbox("Hide deleted", &hide)) {
            model.filter.includeDeleted = !hide;
            changed = true;
        }
        changed |= ImGui::Checkbox("Only edited outputs", &model.filter.onlyEditedOutputs);
        if (changed) reload();
        ImGui::EndPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button(model.pathMode ? "Exit path" : "Path to...")) {
        if (model.pathMode) {
            model.pathMode = false;
            reload();
        } else {
            ImGui::OpenPopup("graph-path");
            pathSearch.clear();
            pathHits.clear();
        }
    }
    if (ImGui::BeginPopup("graph-path")) {
        ImGui::TextDisabled("From: %s", shown(shortLabel(model.hood.focus.label, 40)));
        if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
        if (inputWithHint("##to", "to: type a name or title", pathSearch)) {
            try {
                pathHits = !pathSearch.empty() ? model.store.jumpTo(pathSearch, 12) : std::vector<SearchHit>{};
            } catch (const std::exception& e) {
                model.setStatus(e.what(), true);
            }
        }
        for (const auto& h : pathHits) {
            ImGui::PushID(h.ref.id.c_str());
            ImGui::TextColored(kindRgb(h.ref.kind), "%-7s", kindTitle(h.ref.kind));
            ImGui::SameLine();
            if (ImGui::Selectable(shown(shortLabel(h.title, 60)))) {
                model.runPath(model.pathStart.value_or(model.hood.focus.ref), h.ref);
                ImGui::CloseCurrentPopup();
            }
            ImGui::PopID();
        }
        ImGui::EndPopup();
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(model.edits.depth() == 0);
    if (ImGui::Button("Undo")) undo();
    ImGui::EndDisabled();
    if (model.edits.depth() && ImGui::IsItemHovered()) ImGui::SetTooltip("Undo: %s (Ctrl+Z)", shown(model.edits.last()->description));
    ImGui::SameLine();
    if (ImGui::Button("Fit")) {
        pan = {0, 0};
        fitZoom(false);
    }
    ImGui::SameLine();
    ImGui::TextDisabled("zoom %d%%", int(zoom * 100 + 0.5f));

    // Breadcrumbs: the walk so far, newest last; forward entries dimmed.
    int first = std::max(0, model.histIdx - 6);
    int last = std::min(int(model.hist.size()) - 1, model.histIdx + 2);
    for (int i = first; i <= last; ++i) {
        if (i > first) {
            ImGui::SameLine(0, 4);
            ImGui::TextDisabled(">");
            ImGui::SameLine(0, 4);
        } else if (first > 0) {
            ImGui::TextDisabled("...");
            ImGui::SameLine(0, 4);
        }
        const RecordRef& r = model.hist[size_t(i)];
        std::string text = std::string(kindTitle(r.kind)) + " " + shortLabel(model.store.labelOf(r), 22);
        ImGui::PushID(i);
        ImGui::PushStyleColor(ImGuiCol_Text, i == model.histIdx ? kindRgb(r.kind) : i > model.histIdx ? ImVec4(0.5f, 0.5f, 0.5f, 1) : ImVec4(0.85f, 0.85f, 0.85f, 1));
        if (ImGui::SmallButton(shown(text))) go(i);
        ImGui::PopStyleColor();
        ImGui::PopID();
    }
    if (model.hist.empty()) ImGui::TextDisabled("Pick a record: \"Open in graph\" from any editor, or choose one in a list.");
    if (!model.status.empty()) {
        ImGui::TextColored(model.statusError ? ImVec4(1, 0.45f, 0.4f, 1) : ImVec4(0.6f, 0.85f, 0.6f, 1), "%s", shown(model.status));
    }
}

void GraphView::Impl::drawNode(ImDrawList* dl, const VNode& n, float alpha, bool hovered, bool dropOk, bool isSelected) {
    ImVec2 h = n.size * (0.5f * zoom);
    ImVec2 a = n.screen - h, b = n.screen + h;
    if (n.deleted) alpha *= 0.5f;
    float rounding = 6.f * zoom;
    bool isFocus = n.ring == 0 && !model.pathMode;
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
        for (const auto& g : model.hood.groups) counts += (counts.empty() ? "" : "  ") + withThousands(g.total) + " " + g.relation;
        dl->AddText(font, small, {x, y}, grey(0.55f, alpha), shown(counts), nullptr, clip.z - x, &clip);
    }
}

GraphView::Impl::Canvas GraphView::Impl::beginCanvas() {
    ImVec2 avail = ImGui::GetContentRegionAvail();
    avail.x = std::max(avail.x, 100.f);
    avail.y = std::max(avail.y, 100.f);
    Canvas c;
    c.min = ImGui::GetCursorScreenPos();
    c.max = c.min + avail;
    canvasSize = avail;
    origin = c.min + avail * 0.5f;
    if (!canvasSeen) {
        canvasSeen = true;
        if (fitPending) fitZoom(false);
        fitPending = false;
    }
    ImGui::InvisibleButton("graph-canvas", avail,
                           ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight | ImGuiButtonFlags_MouseButtonMiddle);
    c.hovered = ImGui::IsItemHovered();
    c.active = ImGui::IsItemActive();
    c.dl = ImGui::GetWindowDrawList();
    c.dl->PushClipRect(c.min, c.max, true);
    c.dl->AddRectFilled(c.min, c.max, ImGui::GetColorU32(ImVec4(0.07f, 0.075f, 0.09f, 1)));
    return c;
}

// The focus transition: node positions, pan and zoom move from the old layout to the new one.
void GraphView::Impl::advanceAnimation() {
    if (animT >= 1.f) return;
    float t = animSeconds > 0 ? float((ImGui::GetTime() - animStart) / animSeconds) : 1.f;
    animT = std::min(1.f, std::max(t, 0.f));
    zoom = zoomFrom + (zoomTo - zoomFrom) * ease(animT);
    if (animT >= 1.f) {
        pan = {0, 0};
        zoom = zoomTo;
        ghosts.clear();
    }
}

// Dot grid, so panning is visible even on an empty area.
void GraphView::Impl::drawGrid(const Canvas& c) {
    const ImVec2 curPan = currentPan();
    float step = 48.f * zoom;
    if (step <= 10.f) return;
    float ox = std::fmod(origin.x + curPan.x * zoom - c.min.x, step), oy = std::fmod(origin.y + curPan.y * zoom - c.min.y, step);
    if (ox < 0) ox += step;
    if (oy < 0) oy += step;
    for (float x = c.min.x + ox; x < c.max.x; x += step)
        for (float y = c.min.y + oy; y < c.max.y; y += step) c.dl->AddRectFilled({x, y}, {x + 1.5f, y + 1.5f}, grey(0.22f, 1));
}

// Group trunks, then edges, then the previous layout's nodes fading out.
void GraphView::Impl::drawEdges(ImDrawList* dl, int hovered) {
    const float e = ease(animT);
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
}

// Nodes, ring 2 under ring 1 under the focus, culled to the canvas. While a node is dragged, the
// edit dropping it on the hovered node would make (if any) is returned.
std::optional<graph::Edit> GraphView::Impl::drawNodes(const Canvas& c, int hovered) {
    const float e = ease(animT);
    std::optional<graph::Edit> drop;
    for (int ring = 3; ring >= 0; --ring)
        for (int i = 0; i < int(nodes.size()); ++i) {
            const auto& n = nodes[size_t(i)];
            if (std::min(n.ring, 3) != ring) continue;
            // Cull what is off screen: a panned 200-node view draws only what shows.
            ImVec2 h = n.size * (0.5f * zoom);
            if (n.screen.x + h.x < c.min.x || n.screen.x - h.x > c.max.x || n.screen.y + h.y < c.min.y || n.screen.y - h.y > c.max.y) continue;
            bool dropOk = false;
            if (dragging && pressed >= 0 && i == hovered && i != pressed && !n.hub && !nodes[size_t(pressed)].hub) {
                drop = graph::dropEdit(nodes[size_t(pressed)].ref, n.ref);
                dropOk = drop.has_value();
            }
            drawNode(c.dl, n, n.alphaFrom + (1 - n.alphaFrom) * e, i == hovered, dropOk, i == selected);
        }
    return drop;
}

// The groups' labels ("outputs · 1,234"), when the zoom leaves them readable.
void GraphView::Impl::drawLabels(ImDrawList* dl) {
    if (zoom <= 0.45f) return;
    const float e = ease(animT);
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

// Drag-to-edit: a line from the dragged node to the mouse, saying what releasing here would do.
void GraphView::Impl::drawDragHint(ImDrawList* dl, const std::optional<graph::Edit>& drop) {
    if (!dragging || pressed < 0) return;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    dl->AddLine(nodes[size_t(pressed)].screen, mouse, kindColor(nodes[size_t(pressed)].kind, 0.9f), 2.f);
    const char* what = "drop on an output or prompt to tag it, on a prompt or model to set it";
    if (drop) {
        switch (drop->op) {
        case graph::EditOp::LinkTag: what = "release: link this tag"; break;
        case graph::EditOp::SetPrompt: what = "release: set the output's prompt"; break;
        case graph::EditOp::SetModel: what = "release: set the output's model"; break;
        case graph::EditOp::UnlinkTag: break;
        }
    }
    dl->AddText(mouse + ImVec2{14, 8}, grey(0.95f, 1), what);
}

// Wheel zoom about the mouse, back/forward buttons, click to focus or open a hub's list, drag a
// node onto another to edit (the drop), drag the background to pan, right-click for the menu.
void GraphView::Impl::handleMouse(const Canvas& c, int hovered, const std::optional<graph::Edit>& drop) {
    ImGuiIO& io = ImGui::GetIO();
    if (c.hovered && io.MouseWheel != 0.f && animT >= 1.f) {
        ImVec2 world = (io.MousePos - origin) * (1.f / zoom) - pan;
        zoom = zoomTo = std::clamp(zoom * std::pow(1.12f, io.MouseWheel), 0.2f, 3.f);
        pan = (io.MousePos - origin) * (1.f / zoom) - world;
    }
    if (c.hovered && ImGui::IsMouseClicked(3)) go(model.histIdx - 1);
    if (c.hovered && ImGui::IsMouseClicked(4)) go(model.histIdx + 1);

    if (c.hovered && ImGui::IsMouseClicked(0)) {
        pressed = hovered;
        pressPos = io.MousePos;
        dragging = panning = false;
        if (hovered >= 0) selected = hovered;
        if (ImGui::IsMouseDoubleClicked(0) && !lastClicked.id.empty()) {
            if (onOpen) onOpen(lastClicked);
            pressed = -1;
        }
    }
    if (c.active && ImGui::IsMouseDragging(0, 5.f)) {
        if (pressed >= 0 && !model.pathMode) {
            dragging = true;
        } else if (pressed < 0) {
            panning = true;
            if (animT >= 1.f) pan = pan + io.MouseDelta * (1.f / zoom);
        }
    }
    if (c.active && ImGui::IsMouseDragging(2, 0.f) && animT >= 1.f) pan = pan + io.MouseDelta * (1.f / zoom);
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
    if (c.hovered && ImGui::IsMouseClicked(1)) {
        contextNode = hovered;
        if (hovered >= 0) {
            selected = hovered;
            ImGui::OpenPopup("graph-node-menu");
        }
    }
}

// Alt+arrows walk the history; arrows move the selection, Enter opens, Space focuses, E expands,
// Backspace goes back; Ctrl+Z undoes an edit; Escape cancels a path search, the list, path mode.
void GraphView::Impl::handleKeys() {
    ImGuiIO& io = ImGui::GetIO();
    if (!ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) || io.WantTextInput || nodes.empty()) return;
    if (io.KeyAlt && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) {
        go(model.histIdx - 1);
    } else if (io.KeyAlt && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) {
        go(model.histIdx + 1);
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
            go(model.histIdx - 1);
        }
        for (ImWchar c : io.InputQueueCharacters)
            if ((c == 'e' || c == '+') && selected < int(nodes.size()) && !nodes[size_t(selected)].hub) {
                toggleExpand(nodes[size_t(selected)].ref);
                break;
            }
    }
    if (io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z))) undo();
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
        if (model.pathSearching()) {
            model.cancelPath();
        } else if (model.list.open) {
            model.list.open = false;
        } else if (model.pathMode) {
            model.pathMode = false;
            reload();
        }
    }
}

void GraphView::Impl::drawCanvas() {
    const Canvas c = beginCanvas();
    advanceAnimation();
    drawGrid(c);
    for (auto& n : nodes) n.screen = toScreen(currentPos(n));
    for (auto& g : ghosts) g.screen = toScreen(g.to);
    const int hovered = c.hovered || dragging ? nodeAt(ImGui::GetIO().MousePos) : -1;
    drawEdges(c.dl, hovered);
    const std::optional<graph::Edit> drop = drawNodes(c, hovered);
    drawLabels(c.dl);
    drawDragHint(c.dl, drop);
    if (nodes.empty() || model.hist.empty())
        c.dl->AddText(origin - ImVec2{160, 0}, grey(0.5f, 1), "Nothing in focus yet: open a record in the graph.");
    c.dl->PopClipRect();
    handleMouse(c, hovered, drop);
    handleKeys();
    drawContextMenu();
}

void GraphView::Impl::drawContextMenu() {
    if (!ImGui::BeginPopup("graph-node-menu")) return;
    if (contextNode < 0 || contextNode >= int(nodes.size())) {
        ImGui::EndPopup();
        return;
    }
    const VNode n = nodes[size_t(contextNode)];
    const RecordRef focusRef = model.hood.focus.ref;
    if (n.hub) {
        ImGui::TextDisabled("%s %s", shown(n.detail), shown(n.relation));
        if (ImGui::MenuItem("List all (paged, searchable)")) openHubList(n);
        if (n.parent == 0 && !model.pathMode && ImGui::MenuItem("Show the 50 most recent here")) showInPlace(n.relation);
        ImGui::EndPopup();
        return;
    }
    ImGui::TextColored(kindRgb(n.kind), "%s", kindTitle(n.kind));
    ImGui::SameLine();
    ImGui::TextUnformatted(shown(shortLabel(n.label, 40)));
    ImGui::Separator();
    if (ImGui::MenuItem("Focus", "click / Space")) focusOn(n.ref, currentPos(n), true);
    if (ImGui::MenuItem("Open in editor", "double-click / Enter") && onOpen) onOpen(n.ref);
    if (!(n.ref == focusRef) && !model.pathMode) {
        bool isExpanded = std::any_of(model.expanded.begin(), model.expanded.end(), [&](const Expansion& e) { return e.ref == n.ref; });
        if (ImGui::MenuItem(isExpanded ? "Collapse its ring" : "Expand one more ring", "E")) toggleExpand(n.ref);
    }
    if (n.parent == 0 && !model.pathMode && model.hubsInPlace.count(n.relation) && ImGui::MenuItem("Group these again")) showInPlace(n.relation);
    ImGui::Separator();
    if (ImGui::MenuItem("Mark as path start")) {
        model.pathStart = n.ref;
        model.setStatus("path start: " + shortLabel(n.label, 40) + " \xE2\x80\x94 right-click another record: \"Path from the mark to here\"");
    }
    if (model.pathStart && !(*model.pathStart == n.ref) && ImGui::MenuItem("Path from the mark to here")) model.runPath(*model.pathStart, n.ref);
    if (!(n.ref == focusRef) && ImGui::MenuItem("Path from the focus to here")) model.runPath(focusRef, n.ref);

    // Edits between this node and the focus.
    if (!model.pathMode && !(n.ref == focusRef)) {
        auto offered = graph::contextEdits(focusRef, n.ref, n.parent == 0, n.relation);
        if (!offered.empty()) ImGui::Separator();
        for (const auto& o : offered)
            if (ImGui::MenuItem(shown(o.label))) applyEdit(o.edit);
    }
    if (model.edits.depth()) {
        ImGui::Separator();
        if (ImGui::MenuItem(shown(("Undo: " + shortLabel(model.edits.last()->description, 50))), "Ctrl+Z")) undo();
    }
    ImGui::EndPopup();
}

void GraphView::Impl::drawHubList() {
    if (!model.list.open) return;
    ImGui::SetNextWindowSize({360, 0});
    ImGui::TextColored(kindRgb(model.list.kind), "%s", shown(model.list.relation));
    ImGui::SameLine();
    ImGui::Text("of %s \xC2\xB7 %s", shown(shortLabel(model.store.labelOf(model.list.owner), 30)), shown(model.list.total));
    ImGui::SameLine();
    if (ImGui::SmallButton("Close")) {
        model.list.open = false;
        return;
    }
    ImGui::SetNextItemWidth(-1);
    inputWithHint("##hubsearch", "search these records", model.list.search);
    if (model.list.loadedFor != model.list.search) {
        model.list.loadedFor = model.list.search;
        model.list.items.clear();
        model.list.more = true;
        model.loadListPage();
    }
    ImGui::BeginChild("hub-rows", {0, 0}, true);
    ImGuiListClipper clipper;
    clipper.Begin(int(model.list.items.size()) + (model.list.more ? 1 : 0));
    while (clipper.Step()) {
        if (clipper.DisplayEnd > int(model.list.items.size()) && model.list.more) model.loadListPage();
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd && i < int(model.list.items.size()); ++i) {
            const auto& it = model.list.items[size_t(i)];
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
            if (!model.list.open) break;
        }
    }
    if (!model.list.more && model.list.items.empty()) ImGui::TextDisabled("no match");
    ImGui::EndChild();
}

// ---- public API ---------------------------------------------------------------------------

GraphView::GraphView(pv::Store& store) : m(std::make_unique<Impl>(store)) {}
GraphView::~GraphView() = default;

void GraphView::focus(const pv::RecordRef& r) {
    m->onOpen = onOpenRecord;
    m->model.onEdited = onEdited;
    m->focusOn(r, m->positionOf(r), true);
}

void GraphView::drawContents() {
    m->onOpen = onOpenRecord;
    m->model.onEdited = onEdited;
    m->pollPath();
    ImGui::PushID(this);
    m->drawToolbar();
    if (m->model.list.open) {
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
    if (m->model.histIdx < 0) return std::nullopt;
    return m->model.hist[size_t(m->model.histIdx)];
}
bool GraphView::back() { return m->go(m->model.histIdx - 1); }
bool GraphView::forward() { return m->go(m->model.histIdx + 1); }
const std::vector<pv::RecordRef>& GraphView::history() const { return m->model.hist; }
int GraphView::historyIndex() const { return m->model.histIdx; }
pv::graph::Filter& GraphView::filter() { return m->model.filter; }
void GraphView::applyFilter() { m->reload(); }
void GraphView::showPath(const pv::RecordRef& from, const pv::RecordRef& to) { m->model.runPath(from, to); }
bool GraphView::listOpen() const { return m->model.list.open; }
bool GraphView::pathSearching() const { return m->model.pathSearching(); }
void GraphView::clearPath() {
    m->model.pathMode = false;
    m->reload();
}
const pv::graph::PathResult& GraphView::path() const { return m->model.path; }
bool GraphView::undo() {
    m->model.onEdited = onEdited;
    return m->undo();
}
size_t GraphView::undoDepth() const { return m->model.edits.depth(); }
bool GraphView::applyEdit(const pv::graph::Edit& e) {
    m->model.onEdited = onEdited;
    size_t before = m->model.edits.depth();
    m->applyEdit(e);
    return m->model.edits.depth() > before;
}
void GraphView::refresh() { m->reload(); }
void GraphView::expand(const pv::RecordRef& r) { m->toggleExpand(r); }
void GraphView::showHubInPlace(const std::string& relation) { m->showInPlace(relation); }
void GraphView::openList(const std::string& relation) {
    for (const auto& g : m->model.hood.groups)
        if (g.relation == relation) {
            Node n;
            n.parent = 0;
            n.relation = relation;
            n.kind = g.kind;
            n.detail = withThousands(g.total) + (g.totalIsLowerBound ? "+" : "");
            if (!m->nodes.empty()) m->openHubList(n);
        }
}
const std::string& GraphView::status() const { return m->model.status; }

std::vector<GraphView::NodeInfo> GraphView::nodes() const {
    std::vector<NodeInfo> out;
    for (const auto& n : m->nodes) out.push_back({n.ref, n.relation, n.hub, n.count, n.screen, n.ring});
    return out;
}
bool GraphView::animating() const { return m->animT < 1.f; }
void GraphView::setAnimationSeconds(float s) { m->animSeconds = s; }

} // namespace pv::ui
