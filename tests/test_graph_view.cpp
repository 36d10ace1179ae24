// The graph view driven headless through real ImGui input: clicks hop prompt -> output -> tag ->
// another output, history walks back and forward (buttons, Alt+arrows, mouse buttons 4/5), the
// keyboard moves between neighbours and opens records, drag-and-drop edits with undo, hubs.
#include "Graph.hpp"
#include "Store.hpp"
#include "TestUtil.hpp"
#include "ui/graph/GraphView.hpp"

#include <doctest/doctest.h>
#include <imgui.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <thread>

using namespace pv;
using pv::test::TempDir;

namespace {

// A headless ImGui context: font atlas built on the CPU, no renderer, fixed 60 Hz clock.
class Headless {
public:
    Headless() {
        m_ctx = ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = {1600, 1000};
        io.DeltaTime = 1.f / 60.f;
        io.IniFilename = nullptr;
        unsigned char* px = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
        for (int k : {ImGuiKey_LeftArrow, ImGuiKey_RightArrow, ImGuiKey_UpArrow, ImGuiKey_DownArrow, ImGuiKey_Enter, ImGuiKey_Space,
                      ImGuiKey_Backspace, ImGuiKey_Z, ImGuiKey_Escape, ImGuiKey_Tab})
            io.KeyMap[k] = k;
    }
    ~Headless() { ImGui::DestroyContext(m_ctx); }

    void frame(ui::GraphView& view) {
        ImGui::NewFrame();
        ImGui::SetNextWindowPos({0, 0});
        ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
        if (m_first) ImGui::SetNextWindowFocus();
        m_first = false;
        ImGui::Begin("graph", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
        view.drawContents();
        ImGui::End();
        ImGui::Render();
        ImGuiIO& io = ImGui::GetIO();
        io.MouseWheel = 0;
        io.InputQueueCharacters.resize(0);
    }
    // Move there for a frame, press for a frame, release for a frame.
    void click(ui::GraphView& view, ImVec2 at, int button = 0) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = at;
        frame(view);
        io.MouseDown[button] = true;
        frame(view);
        io.MouseDown[button] = false;
        frame(view);
    }
    void drag(ui::GraphView& view, ImVec2 from, ImVec2 to) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = from;
        frame(view);
        io.MouseDown[0] = true;
        frame(view);
        for (int i = 1; i <= 6; ++i) {
            io.MousePos = {from.x + (to.x - from.x) * i / 6.f, from.y + (to.y - from.y) * i / 6.f};
            frame(view);
        }
        io.MouseDown[0] = false;
        frame(view);
        frame(view);
    }
    void key(ui::GraphView& view, ImGuiKey k, bool alt = false, bool ctrl = false) {
        ImGuiIO& io = ImGui::GetIO();
        io.KeyAlt = alt;
        io.KeyCtrl = ctrl;
        io.KeysDown[k] = true;
        frame(view);
        io.KeysDown[k] = false;
        frame(view);
        io.KeyAlt = io.KeyCtrl = false;
    }

private:
    ImGuiContext* m_ctx = nullptr;
    bool m_first = true;
};

std::optional<ui::GraphView::NodeInfo> nodeOf(const ui::GraphView& v, const RecordRef& r) {
    for (const auto& n : v.nodes())
        if (!n.hub && n.ref == r) return n;
    return std::nullopt;
}
ImVec2 where(const ui::GraphView& v, const RecordRef& r) {
    auto n = nodeOf(v, r);
    REQUIRE_MESSAGE(n, "no node for " << kindName(r.kind) << " " << r.id);
    return n->screenPos;
}

// The path search runs on its own thread: draw frames until its result has been picked up.
void waitForPath(Headless& ui, ui::GraphView& view) {
    for (int i = 0; i < 2000 && view.pathSearching(); ++i) {
        ui.frame(view);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    REQUIRE_FALSE(view.pathSearching());
    ui.frame(view);
}

Output makeOutput(Store& s, const std::string& promptId, const std::string& text, const std::string& at) {
    Output o;
    o.promptId = promptId;
    o.output = text;
    o.capturedAt = at;
    return s.createOutput(o);
}

struct Vault {
    TempDir dir;
    Store s{dir.file("v.db")};
    Prompt p1, p2;
    Output o1, o2, o3;
    Tag t;
    Vault() {
        p1 = s.createPrompt({.title = "Explain CRDTs", .body = "Explain CRDTs"});
        p2 = s.createPrompt({.title = "Compare OT", .body = "Compare OT and CRDTs"});
        o1 = makeOutput(s, p1.id, "A CRDT is a replicated data type", "2026-01-01T00:00:01.000Z");
        o2 = makeOutput(s, p1.id, "Second answer", "2026-01-01T00:00:02.000Z");
        o3 = makeOutput(s, p2.id, "OT transforms operations", "2026-01-01T00:00:03.000Z");
        t = s.createTag({.name = "distributed"});
        s.linkTag(Kind::Output, o1.id, t.id);
        s.linkTag(Kind::Output, o3.id, t.id);
    }
};

} // namespace

TEST_CASE("clicks hop prompt -> output -> tag -> another output, and history walks back and forth") {
    Vault v;
    Headless ui;
    ui::GraphView view(v.s);
    view.setAnimationSeconds(0);
    std::vector<RecordRef> opened;
    view.onOpenRecord = [&](const RecordRef& r) { opened.push_back(r); };
    ui.frame(view);
    CHECK_FALSE(view.focused());

    RecordRef P1{Kind::Prompt, v.p1.id}, O1{Kind::Output, v.o1.id}, T{Kind::Tag, v.t.id}, O3{Kind::Output, v.o3.id};
    view.focus(P1);
    ui.frame(view);
    CHECK(*view.focused() == P1);
    CHECK(nodeOf(view, {Kind::Output, v.o2.id}));  // both outputs of the prompt are around it
    CHECK_FALSE(nodeOf(view, T));

    ui.click(view, where(view, O1));
    REQUIRE(view.focused());
    CHECK(*view.focused() == O1);
    CHECK(nodeOf(view, O1)->ring == 0);
    CHECK(nodeOf(view, P1)->relation == "prompt");

    ui.click(view, where(view, T));
    CHECK(*view.focused() == T);
    ui.click(view, where(view, O3));
    CHECK(*view.focused() == O3);
    CHECK(view.history().size() == 4);
    CHECK(view.historyIndex() == 3);

    // Back: Alt+Left, then mouse button 4, then the toolbar's back(); forward: Alt+Right, button 5.
    ui.key(view, ImGuiKey_LeftArrow, true);
    CHECK(*view.focused() == T);
    ui.click(view, {800, 700}, 3);
    CHECK(*view.focused() == O1);
    CHECK(view.back());
    CHECK(*view.focused() == P1);
    CHECK_FALSE(view.back());
    ui.key(view, ImGuiKey_RightArrow, true);
    CHECK(*view.focused() == O1);
    ui.click(view, {800, 700}, 4);
    CHECK(*view.focused() == T);
    CHECK(view.history().size() == 4);  // walking history does not grow it

    // A new hop from the middle drops the forward entries.
    ui.click(view, where(view, O1));
    CHECK(*view.focused() == O1);
    CHECK(view.history().size() == 4);  // P1, O1, T, O1: O3 is gone
    CHECK(view.history().back() == O1);
    CHECK(view.historyIndex() == 3);
    CHECK_FALSE(view.forward());
    CHECK(opened.empty());
}

TEST_CASE("double-click and Enter open the record; arrows move between neighbours; Space focuses") {
    Vault v;
    Headless ui;
    ui::GraphView view(v.s);
    view.setAnimationSeconds(0);
    std::vector<RecordRef> opened;
    view.onOpenRecord = [&](const RecordRef& r) { opened.push_back(r); };
    RecordRef P1{Kind::Prompt, v.p1.id}, O1{Kind::Output, v.o1.id};
    view.focus(O1);
    ui.frame(view);

    // Double-click on the prompt: the first click focuses it, the second opens it.
    ImVec2 at = where(view, P1);
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = at;
    ui.frame(view);
    io.MouseDown[0] = true;
    ui.frame(view);
    io.MouseDown[0] = false;
    ui.frame(view);
    io.MouseDown[0] = true;
    ui.frame(view);
    io.MouseDown[0] = false;
    ui.frame(view);
    REQUIRE(opened.size() == 1);
    CHECK(opened[0] == P1);
    CHECK(*view.focused() == P1);

    // Enter on the focus opens it; an arrow selects a neighbour, Enter opens that one.
    ui.key(view, ImGuiKey_Enter);
    REQUIRE(opened.size() == 2);
    CHECK(opened[1] == P1);
    RecordRef selected;
    for (ImGuiKey k : {ImGuiKey_DownArrow, ImGuiKey_UpArrow, ImGuiKey_LeftArrow, ImGuiKey_RightArrow}) {
        ui.key(view, k);
        ui.key(view, ImGuiKey_Enter);
        if (opened.size() == 3) break;
    }
    REQUIRE(opened.size() == 3);
    selected = opened[2];
    CHECK(selected.kind == Kind::Output);  // the prompt's neighbours are its outputs
    ui.key(view, ImGuiKey_Space);
    CHECK(*view.focused() == selected);
}

TEST_CASE("drag a tag onto an output links it; Ctrl+Z undoes; the context edits go through the same stack") {
    Vault v;
    Headless ui;
    ui::GraphView view(v.s);
    view.setAnimationSeconds(0);
    int edited = 0;
    view.onEdited = [&] { ++edited; };
    RecordRef T{Kind::Tag, v.t.id}, O1{Kind::Output, v.o1.id}, O2{Kind::Output, v.o2.id};
    // Focus the prompt and expand O1's ring so the tag and O2 are both on screen.
    view.focus({Kind::Prompt, v.p1.id});
    ui.frame(view);
    view.expand(O1);
    ui.frame(view);
    REQUIRE(nodeOf(view, T));
    CHECK(nodeOf(view, T)->ring == 2);
    CHECK(v.s.tagsOf(Kind::Output, v.o2.id).empty());

    ui.drag(view, where(view, T), where(view, O2));
    REQUIRE(v.s.tagsOf(Kind::Output, v.o2.id).size() == 1);
    CHECK(v.s.tagsOf(Kind::Output, v.o2.id)[0].id == v.t.id);
    CHECK(view.undoDepth() == 1);
    CHECK(view.status().find("linked tag 'distributed'") == 0);
    CHECK(*view.focused() == RecordRef{Kind::Prompt, v.p1.id});  // an edit is not a hop

    ui.key(view, ImGuiKey_Z, false, true);
    CHECK(v.s.tagsOf(Kind::Output, v.o2.id).empty());
    CHECK(view.undoDepth() == 0);
    CHECK(edited == 2);  // the app hears of the edit and of its undo

    // Dragging an output onto the other prompt moves it there (set prompt), undone by undo().
    view.focus(O2);
    ui.frame(view);
    view.expand({Kind::Prompt, v.p1.id});
    ui.frame(view);
    CHECK(view.applyEdit({graph::EditOp::SetPrompt, O2, v.p2.id, {}, ""}));
    CHECK(v.s.getOutput(v.o2.id)->promptId == v.p2.id);
    CHECK(nodeOf(view, {Kind::Prompt, v.p2.id}));  // the view re-read the focus
    CHECK(view.undo());
    CHECK(v.s.getOutput(v.o2.id)->promptId == v.p1.id);
    CHECK_FALSE(view.applyEdit({graph::EditOp::SetPrompt, O2, v.p1.id, {}, ""}));  // no change
}

TEST_CASE("a hub stands for a big relation: one node with the count, its list, or its 50 most recent") {
    Vault v;
    for (int i = 0; i < 120; ++i) {
        char at[40];
        std::snprintf(at, sizeof at, "2026-02-01T00:%02d:%02d.000Z", i / 60, i % 60);
        auto o = makeOutput(v.s, v.p2.id, "bulk " + std::to_string(i), at);
        v.s.linkTag(Kind::Output, o.id, v.t.id);
    }
    Headless ui;
    ui::GraphView view(v.s);
    view.setAnimationSeconds(0);
    view.focus({Kind::Tag, v.t.id});
    ui.frame(view);
    auto nodes = view.nodes();
    int hubs = 0;
    for (const auto& n : nodes)
        if (n.hub) {
            ++hubs;
            CHECK(n.relation == "outputs");
            CHECK(n.count == 122);
        }
    CHECK(hubs == 1);
    CHECK(nodes.size() == 2);  // the tag and its hub: never 122 nodes

    view.showHubInPlace("outputs");
    ui.frame(view);
    CHECK(view.nodes().size() == 1 + graph::kHubPreview);

    // Clicking a hub opens its list instead of hopping.
    view.showHubInPlace("outputs");
    ui.frame(view);
    ImVec2 hubAt{};
    for (const auto& n : view.nodes())
        if (n.hub) hubAt = n.screenPos;
    CHECK_FALSE(view.listOpen());
    ui.click(view, hubAt);
    CHECK(*view.focused() == RecordRef{Kind::Tag, v.t.id});
    CHECK(view.listOpen());
    for (int i = 0; i < 3; ++i) ui.frame(view);  // the list pages in from the store as it draws
    ui.key(view, ImGuiKey_Escape);
    CHECK_FALSE(view.listOpen());
}

TEST_CASE("path mode lays out the chain between two records; filters re-query the focus") {
    Vault v;
    Headless ui;
    ui::GraphView view(v.s);
    view.setAnimationSeconds(0);
    view.focus({Kind::Prompt, v.p1.id});
    ui.frame(view);
    view.showPath({Kind::Prompt, v.p1.id}, {Kind::Prompt, v.p2.id});
    waitForPath(ui, view);
    REQUIRE(view.path().found);
    CHECK(view.path().steps.size() == 5);
    auto nodes = view.nodes();
    REQUIRE(nodes.size() == 5);
    CHECK(nodes[0].ref.id == v.p1.id);
    CHECK(nodes[4].ref.id == v.p2.id);
    CHECK(nodes[0].screenPos.x < nodes[4].screenPos.x);
    // Escape leaves path mode; showing the path again and clicking a record on it focuses that.
    ui.key(view, ImGuiKey_Escape);
    CHECK(view.nodes().size() == 3);  // back to the prompt with its two outputs
    view.showPath({Kind::Prompt, v.p1.id}, {Kind::Prompt, v.p2.id});
    waitForPath(ui, view);
    nodes = view.nodes();
    REQUIRE(nodes.size() == 5);
    ui.click(view, nodes[2].screenPos);
    CHECK(*view.focused() == RecordRef{Kind::Tag, v.t.id});
    CHECK(view.nodes().size() == 3);  // the tag with its two outputs

    view.filter().hiddenRelations.insert("outputs");
    view.applyFilter();
    ui.frame(view);
    CHECK(view.nodes().size() == 1);
}

TEST_CASE("a hop is animated from the clicked node to the centre; the wheel zooms and a drag pans") {
    Vault v;
    Headless ui;
    ui::GraphView view(v.s);
    view.setAnimationSeconds(0.25f);
    RecordRef P1{Kind::Prompt, v.p1.id}, O1{Kind::Output, v.o1.id};
    view.focus(P1);
    for (int i = 0; i < 30; ++i) ui.frame(view);
    CHECK_FALSE(view.animating());
    ImVec2 centre = where(view, P1);
    ImVec2 from = where(view, O1);

    ui.click(view, from);
    CHECK(*view.focused() == O1);
    CHECK(view.animating());
    CHECK(std::abs(where(view, O1).x - from.x) < 1.f);  // starts where it was clicked
    for (int i = 0; i < 5; ++i) ui.frame(view);
    CHECK(view.animating());
    ImVec2 mid = where(view, O1);  // on its way from where it was to the centre
    CHECK(std::abs(mid.x - from.x) + std::abs(mid.y - from.y) > 0.5f);
    CHECK(std::abs(mid.x - centre.x) + std::abs(mid.y - centre.y) > 0.5f);
    for (int i = 0; i < 30; ++i) ui.frame(view);
    CHECK_FALSE(view.animating());
    ImVec2 end = where(view, O1);
    CHECK(std::abs(end.x - centre.x) < 1.f);
    CHECK(std::abs(end.y - centre.y) < 1.f);

    // Wheel over the canvas: zooming in spreads the nodes apart around the cursor.
    ImVec2 pa = where(view, O1), pb = where(view, P1);
    float before = std::abs(pa.x - pb.x) + std::abs(pa.y - pb.y);
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = {pa.x + 400, pa.y + 300};
    ui.frame(view);
    io.MouseWheel = 2.f;
    ui.frame(view);
    ui.frame(view);
    pa = where(view, O1);
    pb = where(view, P1);
    float after = std::abs(pa.x - pb.x) + std::abs(pa.y - pb.y);
    CHECK(after > before * 1.2f);

    // Dragging empty canvas moves every node by the drag.
    ImVec2 start{30, 980};
    REQUIRE(view.nodes().size() >= 2);
    ImVec2 o1 = where(view, O1);
    ui.drag(view, start, {start.x + 120, start.y - 60});
    ImVec2 moved = where(view, O1);
    CHECK(moved.x - o1.x == doctest::Approx(120).epsilon(0.05));
    CHECK(moved.y - o1.y == doctest::Approx(-60).epsilon(0.05));
    CHECK(*view.focused() == O1);
}
