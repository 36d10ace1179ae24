// The relation browser's queries: neighbourhoods with filters, hub grouping rules, keyset pages
// of one relation, bounded shortest paths, and graph edits with their undo.
#include "Graph.hpp"
#include "Store.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <set>

using namespace pv;
using pv::test::TempDir;

namespace {

const graph::Group* groupOf(const graph::Neighbourhood& n, const std::string& relation) {
    for (const auto& g : n.groups)
        if (g.relation == relation) return &g;
    return nullptr;
}

Output makeOutput(Store& s, const std::optional<std::string>& promptId, const std::string& text, const std::string& capturedAt,
                  std::optional<std::string> modelId = std::nullopt) {
    Output o;
    o.promptId = promptId;
    o.modelId = std::move(modelId);
    o.output = text;
    o.capturedAt = capturedAt;
    return s.createOutput(o);
}

std::string at(int i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "2026-01-01T00:%02d:%02d.000Z", i / 60, i % 60);
    return buf;
}

} // namespace

TEST_CASE("an output's neighbourhood: prompt, model, agent and tags, with summaries") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "Explain CRDTs", .body = "Explain CRDTs in one paragraph"});
    auto m = s.createModel({.name = "gpt-4o", .provider = "openai"});
    auto a = s.createAgent({.name = "Tutor", .platform = "chatgpt"});
    Output o;
    o.promptId = p.id;
    o.modelId = m.id;
    o.agentId = a.id;
    o.output = "\n  A CRDT is a data type\nsecond line";
    o.outputEdited = "A CRDT (conflict-free replicated data type) is\nmore";
    o.rating = 4;
    o = s.createOutput(o);
    auto t1 = s.createTag({.name = "distributed"});
    auto t2 = s.createTag({.name = "explain"});
    s.linkTag(Kind::Output, o.id, t2.id);
    s.linkTag(Kind::Output, o.id, t1.id);

    auto n = graph::neighbourhood(s, {Kind::Output, o.id}, {});
    REQUIRE(n.found);
    CHECK(n.focus.label == "A CRDT (conflict-free replicated data type) is");  // the edited text, first line
    CHECK(n.focus.detail == "\xE2\x98\x85" "4 \xC2\xB7 edited");
    REQUIRE(groupOf(n, "prompt"));
    CHECK(groupOf(n, "prompt")->items.at(0).ref == RecordRef{Kind::Prompt, p.id});
    CHECK(groupOf(n, "prompt")->items.at(0).label == "Explain CRDTs");
    CHECK(groupOf(n, "prompt")->items.at(0).detail == "QA 0/0");
    CHECK(groupOf(n, "model")->items.at(0).detail == "openai");
    CHECK(groupOf(n, "agent")->items.at(0).label == "Tutor");
    const auto* tags = groupOf(n, "tags");
    REQUIRE(tags);
    CHECK(tags->total == 2);
    REQUIRE(tags->items.size() == 2);
    CHECK(tags->items[0].label == "distributed");  // names A..Z
    CHECK(tags->items[1].label == "explain");
    CHECK(groupOf(n, "values") == nullptr);  // empty groups are left out

    // An output with no relations has none; an unknown id is not found.
    auto lone = makeOutput(s, std::nullopt, "alone", at(1));
    CHECK(graph::neighbourhood(s, {Kind::Output, lone.id}, {}).groups.empty());
    CHECK_FALSE(graph::neighbourhood(s, {Kind::Output, "no-such-id"}, {}).found);
}

TEST_CASE("a prompt's neighbourhood: outputs newest first, iterations both ways, QA checklist state") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "Summarise", .body = "Summarise this"});
    auto o1 = makeOutput(s, p.id, "oldest", at(1));
    auto o3 = makeOutput(s, p.id, "newest", at(3));
    auto o2 = makeOutput(s, p.id, "middle", at(2));
    auto it = s.newIteration(p.id);
    auto q1 = s.createQaActivity({.name = "Checked facts", .sortOrder = 1});
    auto q2 = s.createQaActivity({.name = "Tried twice", .sortOrder = 2});
    auto q3 = s.createQaActivity({.name = "Not on this prompt", .sortOrder = 0});
    s.setQaCheck(p.id, q1.id, true, "ok");
    s.addQaChecks({p.id}, {q2.id});

    auto n = graph::neighbourhood(s, {Kind::Prompt, p.id}, {});
    REQUIRE(n.found);
    CHECK(n.focus.detail == "QA 1/2");
    const auto* outs = groupOf(n, "outputs");
    REQUIRE(outs);
    CHECK(outs->total == 3);
    REQUIRE(outs->items.size() == 3);
    CHECK(outs->items[0].ref.id == o3.id);
    CHECK(outs->items[1].ref.id == o2.id);
    CHECK(outs->items[2].ref.id == o1.id);
    CHECK(outs->items[0].detail == "unrated \xC2\xB7 raw");
    REQUIRE(groupOf(n, "iterations"));
    CHECK(groupOf(n, "iterations")->items.at(0).ref.id == it.id);
    const auto* qa = groupOf(n, "qa");
    REQUIRE(qa);
    REQUIRE(qa->items.size() == 2);
    CHECK(qa->items[0].ref.id == q1.id);
    CHECK(qa->items[0].detail == "done");
    CHECK(qa->items[1].ref.id == q2.id);
    CHECK(qa->items[1].detail == "open");
    for (const auto& item : qa->items) CHECK(item.ref.id != q3.id);  // only the activities added to the prompt

    auto back = graph::neighbourhood(s, {Kind::Prompt, it.id}, {});
    REQUIRE(groupOf(back, "derived_from"));
    CHECK(groupOf(back, "derived_from")->items.at(0).ref.id == p.id);
    // The QA activity sees the prompt whose check exists.
    auto fromQa = graph::neighbourhood(s, {Kind::QaActivity, q1.id}, {});
    REQUIRE(groupOf(fromQa, "prompts"));
    CHECK(groupOf(fromQa, "prompts")->items.at(0).ref.id == p.id);
    CHECK(groupOf(fromQa, "prompts")->items.at(0).detail == "done");
}

TEST_CASE("filters: relation kinds, deleted records, only edited outputs") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "P", .body = "b"});
    auto raw = makeOutput(s, p.id, "raw one", at(1));
    auto edited = makeOutput(s, p.id, "raw two", at(2));
    edited.outputEdited = "fixed two";
    s.updateOutput(edited);
    auto gone = makeOutput(s, p.id, "deleted one", at(3));
    s.softDelete({Kind::Output, gone.id});
    auto t = s.createTag({.name = "x"});
    s.linkTag(Kind::Prompt, p.id, t.id);

    auto n = graph::neighbourhood(s, {Kind::Prompt, p.id}, {});
    CHECK(groupOf(n, "outputs")->total == 2);
    REQUIRE(groupOf(n, "tags"));

    graph::Filter f;
    f.hiddenRelations.insert("tags");
    n = graph::neighbourhood(s, {Kind::Prompt, p.id}, f);
    CHECK(groupOf(n, "tags") == nullptr);
    CHECK(groupOf(n, "outputs") != nullptr);

    f = {};
    f.onlyEditedOutputs = true;
    n = graph::neighbourhood(s, {Kind::Prompt, p.id}, f);
    REQUIRE(groupOf(n, "outputs"));
    CHECK(groupOf(n, "outputs")->total == 1);
    CHECK(groupOf(n, "outputs")->items.at(0).ref.id == edited.id);

    f = {};
    f.includeDeleted = true;
    n = graph::neighbourhood(s, {Kind::Prompt, p.id}, f);
    CHECK(groupOf(n, "outputs")->total == 3);
    CHECK(groupOf(n, "outputs")->items.at(0).ref.id == gone.id);
    CHECK(groupOf(n, "outputs")->items.at(0).deleted);
    CHECK_FALSE(groupOf(n, "outputs")->items.at(1).deleted);
    (void)raw;

    // A tombstoned focus is not found unless deleted records are shown; an unlinked tag is gone.
    CHECK_FALSE(graph::neighbourhood(s, {Kind::Output, gone.id}, {}).found);
    CHECK(graph::neighbourhood(s, {Kind::Output, gone.id}, f).found);
    s.unlinkTag(Kind::Prompt, p.id, t.id);
    CHECK(groupOf(graph::neighbourhood(s, {Kind::Prompt, p.id}, {}), "tags") == nullptr);
    n = graph::neighbourhood(s, {Kind::Prompt, p.id}, f);
    REQUIRE(groupOf(n, "tags"));
    CHECK(groupOf(n, "tags")->items.at(0).deleted);  // the link is the tombstone
}

TEST_CASE("grouping rules: big relations become hubs, and a view never draws more than maxNodes records") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto t = s.createTag({.name = "hub"});
    auto p = s.createPrompt({.title = "P", .body = "b"});
    std::vector<std::string> ids;
    for (int i = 0; i < 30; ++i) {
        auto o = makeOutput(s, p.id, "out " + std::to_string(i), at(i));
        ids.push_back(o.id);
        if (i < 25) s.linkTag(Kind::Output, o.id, t.id);
    }
    // 25 tagged outputs: still drawn one by one; the prompt's 30: a hub with the count.
    auto tagHood = graph::neighbourhood(s, {Kind::Tag, t.id}, {});
    CHECK(groupOf(tagHood, "outputs")->total == 25);
    auto slots = graph::groupForDisplay(tagHood.groups);
    REQUIRE(slots.size() == 1);
    CHECK_FALSE(slots[0].hub);
    CHECK(slots[0].items.size() == 25);

    s.linkTag(Kind::Output, ids[25], t.id);
    tagHood = graph::neighbourhood(s, {Kind::Tag, t.id}, {});
    CHECK(groupOf(tagHood, "outputs")->total == 26);
    slots = graph::groupForDisplay(tagHood.groups);
    CHECK(slots[0].hub);
    CHECK(slots[0].total == 26);
    CHECK(slots[0].items.empty());

    auto promptHood = graph::neighbourhood(s, {Kind::Prompt, p.id}, {});
    CHECK(groupOf(promptHood, "outputs")->total == 30);
    CHECK(groupOf(promptHood, "outputs")->items.size() == size_t(graph::kHubThreshold + 1));  // never the whole relation

    // Synthetic groups: three of 20 with maxNodes 45 -> the biggest become hubs until it fits.
    std::vector<graph::Group> groups;
    for (int g = 0; g < 3; ++g) {
        graph::Group gr{"r" + std::to_string(g), Kind::Output, 20 - g, {}};
        for (int i = 0; i < 20 - g; ++i) gr.items.push_back({{Kind::Output, std::to_string(g * 100 + i)}, "x", "", false, ""});
        groups.push_back(gr);
    }
    slots = graph::groupForDisplay(groups, 25, 45);
    size_t drawn = 0, hubs = 0;
    for (const auto& sl : slots) {
        drawn += sl.items.size();
        hubs += sl.hub;
    }
    CHECK(drawn <= 45);
    CHECK(hubs == 1);
    CHECK(slots[0].hub);  // the biggest group (20) went first
    CHECK(drawn == 19 + 18);
}

TEST_CASE("counts: exact from the store's counters, capped with filters") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto t = s.createTag({.name = "big"});
    s.transaction([&] {
        for (int i = 0; i < 2005; ++i) {
            Output o;
            o.output = "x" + std::to_string(i);
            o.outputEdited = "y";
            o = s.createOutput(o);
            s.linkTag(Kind::Output, o.id, t.id);
        }
    });
    auto n = graph::neighbourhood(s, {Kind::Tag, t.id}, {});
    REQUIRE(groupOf(n, "outputs"));
    CHECK(groupOf(n, "outputs")->total == 2005);
    CHECK_FALSE(groupOf(n, "outputs")->totalIsLowerBound);
    graph::Filter edited;
    edited.onlyEditedOutputs = true;
    n = graph::neighbourhood(s, {Kind::Tag, t.id}, edited);
    CHECK(groupOf(n, "outputs")->total == 2000);
    CHECK(groupOf(n, "outputs")->totalIsLowerBound);
    CHECK(groupOf(n, "outputs")->items.size() == size_t(graph::kHubThreshold + 1));
    auto slots = graph::groupForDisplay(n.groups);
    CHECK(slots.at(0).hub);
    CHECK(slots.at(0).totalIsLowerBound);
}

TEST_CASE("a hub's list: keyset pages in order without gaps, and search") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto t = s.createTag({.name = "hub"});
    std::vector<std::string> expect;  // newest first
    for (int i = 0; i < 57; ++i) {
        auto o = makeOutput(s, std::nullopt, (i % 10 == 0 ? "banana split " : "apple pie ") + std::to_string(i), at(i));
        s.linkTag(Kind::Output, o.id, t.id);
        expect.insert(expect.begin(), o.id);
    }
    std::vector<std::string> got;
    std::optional<graph::Item> last;
    int pages = 0;
    for (;;) {
        auto page = graph::relationPage(s, {Kind::Tag, t.id}, "outputs", {}, "", last ? &*last : nullptr, 20);
        ++pages;
        for (const auto& it : page.items) got.push_back(it.ref.id);
        if (!page.more) break;
        last = page.items.back();
    }
    CHECK(pages == 3);
    CHECK(got == expect);

    auto hits = graph::relationPage(s, {Kind::Tag, t.id}, "outputs", {}, "banana", nullptr, 100);
    CHECK(hits.items.size() == 6);
    CHECK_FALSE(hits.more);
    for (const auto& h : hits.items) CHECK(h.label.rfind("banana split", 0) == 0);

    // Names are searched as text for other kinds.
    auto o = makeOutput(s, std::nullopt, "x", at(99));
    for (const char* name : {"alpha", "beta", "alphabet"}) s.linkTag(Kind::Output, o.id, s.createTag({.name = name}).id);
    auto tags = graph::relationPage(s, {Kind::Output, o.id}, "tags", {}, "ALPHA", nullptr, 10);
    REQUIRE(tags.items.size() == 2);
    CHECK(tags.items[0].label == "alpha");
    CHECK(tags.items[1].label == "alphabet");
    CHECK_THROWS_WITH_AS(graph::relationPage(s, {Kind::Tag, t.id}, "nonsense", {}, "", nullptr, 10),
                         "a tag has no relation 'nonsense'", StoreError);
}

TEST_CASE("shortest path over the relations, bounded") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto pa = s.createPrompt({.title = "A", .body = "a"});
    auto pb = s.createPrompt({.title = "B", .body = "b"});
    auto oa = makeOutput(s, pa.id, "from A", at(1));
    auto ob = makeOutput(s, pb.id, "from B", at(2));
    auto t = s.createTag({.name = "shared"});
    s.linkTag(Kind::Output, oa.id, t.id);
    s.linkTag(Kind::Output, ob.id, t.id);
    auto island = s.createPrompt({.title = "Island", .body = "alone"});

    auto r = graph::shortestPath(s, {Kind::Prompt, pa.id}, {Kind::Prompt, pb.id}, {});
    REQUIRE(r.found);
    REQUIRE(r.steps.size() == 5);
    CHECK(r.steps[0].ref == RecordRef{Kind::Prompt, pa.id});
    CHECK(r.steps[1].ref == RecordRef{Kind::Output, oa.id});
    CHECK(r.steps[1].relation == "outputs");
    CHECK(r.steps[2].ref == RecordRef{Kind::Tag, t.id});
    CHECK(r.steps[2].relation == "tags");
    CHECK(r.steps[3].ref == RecordRef{Kind::Output, ob.id});
    CHECK(r.steps[3].relation == "outputs");
    CHECK(r.steps[4].ref == RecordRef{Kind::Prompt, pb.id});
    CHECK(r.steps[4].relation == "prompt");

    // A shortcut wins: the two prompts become iterations of each other.
    auto pc = s.newIteration(pa.id);
    auto r2 = graph::shortestPath(s, {Kind::Output, oa.id}, {Kind::Prompt, pc.id}, {});
    REQUIRE(r2.found);
    CHECK(r2.steps.size() == 3);
    CHECK(r2.steps[2].relation == "iterations");

    CHECK(graph::shortestPath(s, {Kind::Prompt, pa.id}, {Kind::Prompt, pa.id}, {}).steps.size() == 1);

    auto none = graph::shortestPath(s, {Kind::Prompt, pa.id}, {Kind::Prompt, island.id}, {});
    CHECK_FALSE(none.found);
    CHECK_FALSE(none.exhausted);  // searched everything reachable

    auto bounded = graph::shortestPath(s, {Kind::Prompt, pa.id}, {Kind::Prompt, pb.id}, {}, 3);
    CHECK_FALSE(bounded.found);
    CHECK(bounded.exhausted);

    std::atomic<bool> cancel{true};
    auto stopped = graph::shortestPath(s, {Kind::Prompt, pa.id}, {Kind::Prompt, pb.id}, {}, 6, 200000, &cancel);
    CHECK(stopped.cancelled);
    CHECK_FALSE(stopped.found);

    graph::Filter noTags;
    noTags.hiddenRelations = {"tags", "outputs"};
    CHECK_FALSE(graph::shortestPath(s, {Kind::Prompt, pa.id}, {Kind::Prompt, pb.id}, noTags).found);
    // An unlinked tag no longer connects them.
    s.unlinkTag(Kind::Output, ob.id, t.id);
    CHECK_FALSE(graph::shortestPath(s, {Kind::Prompt, pa.id}, {Kind::Prompt, pb.id}, {}).found);
}

TEST_CASE("graph edits: drop rules, apply, undo newest first") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p1 = s.createPrompt({.title = "P1", .body = "a"});
    auto p2 = s.createPrompt({.title = "P2", .body = "b"});
    auto m1 = s.createModel({.name = "m1"});
    auto m2 = s.createModel({.name = "m2"});
    auto o = makeOutput(s, p1.id, "text", at(1), m1.id);
    auto t = s.createTag({.name = "t"});
    RecordRef out{Kind::Output, o.id};

    auto e = graph::dropEdit({Kind::Tag, t.id}, out);
    REQUIRE(e);
    CHECK(e->op == graph::EditOp::LinkTag);
    CHECK(e->record == out);
    auto e2 = graph::dropEdit(out, {Kind::Tag, t.id});  // either way round
    REQUIRE(e2);
    CHECK(e2->record == out);
    CHECK(graph::dropEdit(out, {Kind::Prompt, p2.id})->op == graph::EditOp::SetPrompt);
    CHECK(graph::dropEdit({Kind::Model, m2.id}, out)->op == graph::EditOp::SetModel);
    CHECK(graph::dropEdit({Kind::Prompt, p1.id}, {Kind::Tag, t.id})->record == RecordRef{Kind::Prompt, p1.id});
    CHECK_FALSE(graph::dropEdit({Kind::Model, m1.id}, {Kind::Prompt, p1.id}));
    CHECK_FALSE(graph::dropEdit(out, out));

    graph::EditStack edits(s);
    CHECK(edits.apply(*e));
    CHECK(s.tagsOf(Kind::Output, o.id).size() == 1);
    CHECK_FALSE(edits.apply(*e));  // already linked: nothing to remember
    CHECK(edits.depth() == 1);
    CHECK(edits.apply(*graph::dropEdit(out, {Kind::Prompt, p2.id})));
    CHECK(s.getOutput(o.id)->promptId == p2.id);
    CHECK(edits.apply({graph::EditOp::SetModel, out, std::nullopt, {}, ""}));
    CHECK_FALSE(s.getOutput(o.id)->modelId);
    CHECK(edits.last()->description.find("cleared model") == 0);
    CHECK(edits.apply({graph::EditOp::UnlinkTag, out, t.id, {}, ""}));
    CHECK(s.tagsOf(Kind::Output, o.id).empty());
    CHECK(edits.depth() == 4);

    CHECK(edits.undo());  // relinks the tag
    CHECK(s.tagsOf(Kind::Output, o.id).size() == 1);
    CHECK(edits.undo());  // model back
    CHECK(s.getOutput(o.id)->modelId == m1.id);
    CHECK(edits.undo());  // prompt back
    CHECK(s.getOutput(o.id)->promptId == p1.id);
    CHECK(edits.undo());  // the first link undone
    CHECK(s.tagsOf(Kind::Output, o.id).empty());
    CHECK_FALSE(edits.undo());

    CHECK_THROWS_AS(edits.apply({graph::EditOp::SetPrompt, {Kind::Prompt, p1.id}, p2.id, {}, ""}), StoreError);
    CHECK_THROWS_AS(edits.apply({graph::EditOp::SetPrompt, out, std::string("missing-prompt"), {}, ""}), StoreError);
    CHECK(s.getOutput(o.id)->promptId == p1.id);  // refused, nothing changed
    CHECK(edits.depth() == 0);
}

TEST_CASE("context-menu edits between a node and the focus") {
    RecordRef out{Kind::Output, "o"}, prompt{Kind::Prompt, "p"}, tag{Kind::Tag, "t"}, model{Kind::Model, "m"}, agent{Kind::Agent, "a"};
    auto labels = [](const std::vector<graph::NamedEdit>& v) {
        std::vector<std::string> l;
        for (const auto& e : v) l.push_back(e.label);
        return l;
    };
    // Focus an output: its tag can be unlinked, another tag linked; its prompt cleared, another set.
    auto e = graph::contextEdits(out, tag, true, "tags");
    REQUIRE(e.size() == 1);
    CHECK(e[0].label == "Unlink this tag");
    CHECK(e[0].edit.op == graph::EditOp::UnlinkTag);
    CHECK(e[0].edit.record == out);
    CHECK(e[0].edit.value == "t");
    CHECK(labels(graph::contextEdits(out, tag, false, "outputs")) == std::vector<std::string>{"Tag the focus with it"});
    e = graph::contextEdits(out, prompt, true, "prompt");
    REQUIRE(e.size() == 1);
    CHECK(e[0].edit.op == graph::EditOp::SetPrompt);
    CHECK_FALSE(e[0].edit.value);
    e = graph::contextEdits(out, model, false, "outputs");
    REQUIRE(e.size() == 1);
    CHECK(e[0].label == "Make it the output's model");
    CHECK(e[0].edit.value == "m");
    // Focus a tag: its outputs can be untagged; focus a prompt: an output detached or moved here.
    e = graph::contextEdits(tag, out, true, "outputs");
    REQUIRE(e.size() == 1);
    CHECK(e[0].edit.record == out);
    CHECK(e[0].edit.value == "t");
    e = graph::contextEdits(prompt, out, false, "outputs");
    REQUIRE(e.size() == 1);
    CHECK(e[0].label == "Move it to this prompt");
    CHECK(e[0].edit.record == out);
    CHECK(e[0].edit.value == "p");
    // Nothing to edit between an output and an agent, or a record and itself.
    CHECK(graph::contextEdits(out, agent, true, "agent").empty());
    CHECK(graph::contextEdits(out, out, false, "").empty());
}

TEST_CASE("relations are listed from both ends and named for the filter") {
    auto names = graph::relationNames();
    std::set<std::string> set(names.begin(), names.end());
    CHECK(set == std::set<std::string>{"prompts", "models", "agents", "tags", "lookups", "outputs", "iterations", "qa"});
    CHECK(graph::relationsFrom(Kind::Output).size() == 5);
    CHECK(graph::relationsFrom(Kind::Prompt).size() == 6);
    CHECK(graph::relationFamily(Kind::Prompt, "derived_from") == "iterations");
}
