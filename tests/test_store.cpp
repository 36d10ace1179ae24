// The store: CRUD of every entity, links, tombstones, search, relation counters, migrations, bad input.
#include "EntityTables.hpp"
#include "Graph.hpp"
#include "Migrations.hpp"
#include "OldVault.hpp"
#include "Schema.hpp"
#include "Store.hpp"
#include "StoreInternals.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <thread>

using namespace pv;
using pv::test::TempDir;
using pv::test::makeVersion4;

namespace {
nlohmann::json exportOf(Store& s) {
    std::ostringstream out;
    s.exportJson(out);
    return nlohmann::json::parse(out.str());
}
// How many records one relation of `r` holds, as the graph reads it (hub totals from pv_counts).
int64_t relationTotal(Store& s, const RecordRef& r, const std::string& relation) {
    for (const auto& g : graph::neighbourhood(s, r, {}).groups)
        if (g.relation == relation) return g.total;
    return 0;
}
} // namespace

TEST_CASE("every entity: create, read, update, soft-delete, restore") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto m = s.createModel({.name = "gpt-4o", .provider = "openai"});
    CHECK(m.id.size() == 36);
    CHECK(m.id[14] == '7');  // UUIDv7
    m.provider = "OpenAI";
    s.updateModel(m);
    CHECK(s.getModel(m.id)->provider == "OpenAI");

    Agent a;
    a.name = "Code Reviewer";
    a.platform = "chatgpt";
    a.defaultModelId = m.id;
    a.instructions = "Review code";
    a = s.createAgent(a);
    a.url = "https://chatgpt.com/g/x";
    s.updateAgent(a);
    CHECK(s.getAgent(a.id)->url == "https://chatgpt.com/g/x");

    auto p = s.createPrompt({.title = "Summarise", .body = "Summarise this text"});
    p.body = "Summarise this text in 3 bullets";
    s.updatePrompt(p);
    CHECK(s.getPrompt(p.id)->body == "Summarise this text in 3 bullets");

    Output o;
    o.promptId = p.id;
    o.modelId = m.id;
    o.agentId = a.id;
    o.output = "raw answer";
    o.rating = 4;
    o = s.createOutput(o);
    CHECK(!o.capturedAt.empty());
    o.outputEdited = "better answer";
    s.updateOutput(o);
    auto got = s.getOutput(o.id);
    REQUIRE(got);
    CHECK(got->outputEdited == std::optional<std::string>("better answer"));
    CHECK(got->rating == 4);

    auto t = s.createTag({.name = "summary"});
    t.color = "#ff0000";
    s.updateTag(t);
    CHECK(s.getTag(t.id)->color == "#ff0000");

    auto q = s.createQaActivity({.name = "Checked facts"});
    q.description = "every claim sourced";
    s.updateQaActivity(q);
    CHECK(s.getQaActivity(q.id)->description == "every claim sourced");

    s.softDelete({Kind::Output, o.id});
    CHECK(s.getOutput(o.id)->deleted());
    CHECK(s.listOutputs({}).rows.empty());
    s.restore({Kind::Output, o.id});
    CHECK(!s.getOutput(o.id)->deleted());
    CHECK(s.listOutputs({}).rows.size() == 1);
}

TEST_CASE("delete rules: prompt with outputs, model in use, tag takes its links and restore brings them back") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.findOrCreatePrompt("", "Explain CRDTs");
    auto m = s.findOrCreateModel("claude-3-opus");
    Output o;
    o.promptId = p.id;
    o.modelId = m.id;
    o.output = "A CRDT is ...";
    o = s.createOutput(o);
    auto t = s.findOrCreateTag("distributed");
    s.linkTag(Kind::Output, o.id, t.id);

    CHECK_THROWS_AS(s.softDelete({Kind::Prompt, p.id}), InUseError);
    CHECK(!s.getPrompt(p.id)->deleted());
    CHECK_THROWS_AS(s.softDelete({Kind::Model, m.id}), InUseError);
    CHECK(!s.getModel(m.id)->deleted());
    // The refusals name the records as a person knows them, not by id.
    CHECK_THROWS_WITH(s.softDelete({Kind::Model, m.id}), "model 'claude-3-opus' is used by 1 output; merge it into another model first");
    CHECK_THROWS_WITH(s.softDelete({Kind::Prompt, p.id}),
                      "prompt 'Explain CRDTs' has 1 live output; delete them with it (cascade) or move them to another prompt first");
    auto agent = s.findOrCreateAgent("Tutor");
    o.agentId = agent.id;
    s.updateOutput(o);
    CHECK_THROWS_WITH(s.softDelete({Kind::Agent, agent.id}), "agent 'Tutor' is used by 1 output; merge it into another agent first");

    s.softDelete({Kind::Tag, t.id});
    CHECK(s.tagsOf(Kind::Output, o.id).empty());
    s.restore({Kind::Tag, t.id});
    REQUIRE(s.tagsOf(Kind::Output, o.id).size() == 1);

    s.softDelete({Kind::Prompt, p.id}, DeleteMode::Cascade);
    CHECK(s.getOutput(o.id)->deleted());
    s.restore({Kind::Prompt, p.id});
    CHECK(!s.getOutput(o.id)->deleted());
    CHECK(!s.getPrompt(p.id)->deleted());
}

TEST_CASE("merge re-links everything and tombstones the merged record") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto a = s.createModel({.name = "gpt4o"});
    auto b = s.createModel({.name = "gpt-4o"});
    Output o;
    o.modelId = a.id;
    o.output = "x";
    o = s.createOutput(o);
    s.merge(Kind::Model, a.id, b.id);
    CHECK(s.getOutput(o.id)->modelId == b.id);
    CHECK(s.getModel(a.id)->deleted());

    auto t1 = s.createTag({.name = "ml"});
    auto t2 = s.createTag({.name = "machine-learning"});
    s.linkTag(Kind::Output, o.id, t1.id);
    s.merge(Kind::Tag, t1.id, t2.id);
    auto tags = s.tagsOf(Kind::Output, o.id);
    REQUIRE(tags.size() == 1);
    CHECK(tags[0].id == t2.id);
}

TEST_CASE("links: tag link, unlink and re-link keep one row") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "t"});
    Output o;
    o.output = "x";
    o.promptId = p.id;
    o = s.createOutput(o);
    auto t = s.findOrCreateTag("a");
    CHECK(s.findOrCreateTag("A").id == t.id);  // names match case-insensitively
    s.linkTag(Kind::Output, o.id, t.id);
    s.linkTag(Kind::Output, o.id, t.id);
    s.unlinkTag(Kind::Output, o.id, t.id);
    CHECK(s.tagsOf(Kind::Output, o.id).empty());
    s.linkTag(Kind::Output, o.id, t.id);
    CHECK(s.tagsOf(Kind::Output, o.id).size() == 1);
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM output_tags") == 1);
    s.linkTag(Kind::Prompt, p.id, t.id);
    CHECK(s.tagsOf(Kind::Prompt, p.id).size() == 1);
    CHECK_THROWS_AS(s.linkTag(Kind::Output, "no-such-output", t.id), StoreError);
}

TEST_CASE("QA checklist and prompt iterations") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "Write a haiku", .body = "Write a haiku about sync"});
    auto other = s.createPrompt({.title = "Other", .body = "Something else"});
    auto q1 = s.findOrCreateQaActivity("Tone checked");
    auto q2 = s.findOrCreateQaActivity("Facts checked");
    // A prompt's checklist is what was added to it: a new activity does not land on every prompt.
    CHECK(s.qaChecklist(p.id).empty());
    CHECK(s.listPrompts({}).rows.at(0).qaTotal == 0);
    CHECK(s.addQaChecks({p.id}, {q1.id, q2.id}) == 2);
    CHECK(s.addQaChecks({p.id}, {q1.id}) == 0);  // already there
    auto list = s.qaChecklist(p.id);
    REQUIRE(list.size() == 2);
    CHECK(!list[0].done);
    CHECK(s.qaChecklist(other.id).empty());
    s.setQaCheck(p.id, q1.id, true, "fine");
    CHECK(s.addQaChecks({p.id}, {q1.id}) == 0);
    list = s.qaChecklist(p.id);
    CHECK(list[0].done);  // adding again keeps a check's state
    CHECK(list[0].doneAt.has_value());
    CHECK(list[0].note == "fine");
    PromptFilter f;
    f.text = "haiku";
    auto rows = s.listPrompts(f).rows;
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].qaDone == 1);
    CHECK(rows[0].qaTotal == 2);
    PromptFilter inc;
    inc.qa = PromptFilter::Qa::Incomplete;
    CHECK(s.listPrompts(inc).rows.size() == 1);
    s.setQaCheck(p.id, q2.id, true, "");
    PromptFilter done;
    done.qa = PromptFilter::Qa::Complete;
    CHECK(s.listPrompts(done).rows.size() == 1);
    CHECK(s.listPrompts(done).rows.at(0).id == p.id);  // "other" has no checklist: not complete
    s.setQaCheck(p.id, q2.id, false, "");
    CHECK(!s.qaChecklist(p.id)[1].doneAt.has_value());
    CHECK(s.qaActivityPromptCount(q1.id) == 1);

    // Removing takes it off this prompt only; adding it back starts it afresh.
    s.removeQaCheck(p.id, q1.id);
    REQUIRE(s.qaChecklist(p.id).size() == 1);
    CHECK(s.qaChecklist(p.id)[0].qaActivityId == q2.id);
    CHECK(s.qaActivityPromptCount(q1.id) == 0);
    CHECK(s.addQaChecks({p.id}, {q1.id}) == 1);
    list = s.qaChecklist(p.id);
    REQUIRE(list.size() == 2);
    CHECK(!list[0].done);
    CHECK(list[0].note.empty());
    CHECK_THROWS_AS(s.addQaChecks({"no-such-prompt"}, {q1.id}), StoreError);
    CHECK(s.qaChecklist(p.id).size() == 2);  // the failed call added nothing

    // Many prompts at once: all, or those with a tag; prompts that have it keep their state.
    auto tag = s.findOrCreateTag("poetry");
    auto third = s.createPrompt({.title = "Third", .body = "Third one"});
    s.linkTag(Kind::Prompt, third.id, tag.id);
    auto q3 = s.findOrCreateQaActivity("Read aloud");
    CHECK(s.addQaActivityToPrompts(q3.id, tag.id) == 1);
    CHECK(s.qaChecklist(third.id).size() == 1);
    CHECK(s.qaChecklist(other.id).empty());
    s.setQaCheck(third.id, q3.id, true, "");
    CHECK(s.addQaActivityToPrompts(q3.id, std::nullopt) == 2);  // p and other
    CHECK(s.qaChecklist(third.id).at(0).done);
    CHECK(s.qaActivityPromptCount(q3.id) == 3);

    auto it = s.newIteration(p.id);
    CHECK(it.derivedFromId == p.id);
    CHECK(it.body == p.body);
    REQUIRE(s.iterationsOf(p.id).size() == 1);
    CHECK(s.iterationsOf(p.id)[0].id == it.id);
    // The new iteration carries the checklist, every check open again.
    auto carried = s.qaChecklist(it.id);
    REQUIRE(carried.size() == s.qaChecklist(p.id).size());
    for (const auto& c : carried) CHECK(!c.done);
}

TEST_CASE("ids made one after another sort in the order they were made, also within one millisecond") {
    // Thousands of ids fall in each millisecond here; before ids counted within a millisecond, two
    // iterations made in the same millisecond were numbered in a random order.
    std::string previous = newUuidV7();
    int outOfOrder = 0, malformed = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string id = newUuidV7();
        if (!(previous < id)) ++outOfOrder;
        if (id.size() != 36 || id[14] != '7' || !std::strchr("89ab", id[19])) ++malformed;  // version 7, RFC variant
        previous = std::move(id);
    }
    CHECK(outOfOrder == 0);
    CHECK(malformed == 0);
}

TEST_CASE("iterations are numbered by creation within their family, deleted ones keeping their number") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto v1 = s.createPrompt({.title = "Summarise", .body = "Summarise this"});
    auto alone = s.createPrompt({.title = "Alone", .body = "No iterations"});
    CHECK(s.iterationOf(v1.id).number == 1);
    CHECK(s.iterationOf(v1.id).familySize == 1);
    auto v2 = s.newIteration(v1.id);
    auto v3 = s.newIteration(v2.id);
    auto v4 = s.newIteration(v1.id);  // a second branch from v1
    CHECK(s.iterationOf(v1.id).number == 1);
    CHECK(s.iterationOf(v2.id).number == 2);
    CHECK(s.iterationOf(v3.id).number == 3);
    CHECK(s.iterationOf(v4.id).number == 4);
    CHECK(s.iterationOf(v3.id).familySize == 4);
    CHECK(s.iterationOf(v3.id).rootId == v1.id);
    s.softDelete({Kind::Prompt, v2.id}, DeleteMode::Refuse);
    CHECK(s.iterationOf(v3.id).number == 3);
    CHECK(s.iterationOf(v4.id).number == 4);
    // The list shows the number of prompts in a family and none for a prompt on its own.
    std::map<std::string, int64_t> shown;
    for (const auto& r : s.listPrompts({}).rows) shown[r.id] = r.iteration;
    CHECK(shown.at(v1.id) == 1);
    CHECK(shown.at(v3.id) == 3);
    CHECK(shown.at(v4.id) == 4);
    CHECK(shown.at(alone.id) == 0);
}

TEST_CASE("custom lookups: single-valued replaces, multi-valued accumulates, wrong target refused") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto project = s.createLookup({.name = "Project", .appliesTo = "outputs", .multi = false});
    auto lang = s.createLookup({.name = "Language", .appliesTo = "prompts", .multi = true});
    auto alpha = s.createLookupValue({.lookupId = project.id, .value = "Alpha"});
    auto beta = s.createLookupValue({.lookupId = project.id, .value = "Beta"});
    auto en = s.createLookupValue({.lookupId = lang.id, .value = "English"});
    auto de = s.createLookupValue({.lookupId = lang.id, .value = "German"});
    Output o;
    o.output = "x";
    o = s.createOutput(o);
    auto p = s.createPrompt({.title = "p"});
    s.linkLookupValue(Kind::Output, o.id, alpha.id);
    s.linkLookupValue(Kind::Output, o.id, beta.id);
    auto vals = s.lookupValuesOf(Kind::Output, o.id);
    REQUIRE(vals.size() == 1);
    CHECK(vals[0].id == beta.id);
    s.linkLookupValue(Kind::Prompt, p.id, en.id);
    s.linkLookupValue(Kind::Prompt, p.id, de.id);
    CHECK(s.lookupValuesOf(Kind::Prompt, p.id).size() == 2);
    CHECK_THROWS_AS(s.linkLookupValue(Kind::Prompt, p.id, alpha.id), StoreError);
    OutputFilter f;
    f.lookupValueId = beta.id;
    CHECK(s.listOutputs(f).rows.size() == 1);
    CHECK(s.lookups("prompts").size() == 1);
}

TEST_CASE("a lookup for both outputs and prompts links to either, is listed for each, and other targets are refused") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto audience = s.createLookup({.name = "Audience", .appliesTo = "both", .multi = true});
    auto onlyOutputs = s.createLookup({.name = "Project", .appliesTo = "outputs"});
    auto students = s.createLookupValue({.lookupId = audience.id, .value = "students 学生"});
    auto o = s.createOutput({.output = "x"});
    auto p = s.createPrompt({.title = "p"});
    s.linkLookupValue(Kind::Output, o.id, students.id);
    s.linkLookupValue(Kind::Prompt, p.id, students.id);
    REQUIRE(s.lookupValuesOf(Kind::Output, o.id).size() == 1);
    REQUIRE(s.lookupValuesOf(Kind::Prompt, p.id).size() == 1);
    CHECK(s.lookupValuesOf(Kind::Prompt, p.id)[0].value == "students 学生");
    auto names = [](const std::vector<Lookup>& ls) {
        std::set<std::string> n;
        for (const auto& l : ls) n.insert(l.name);
        return n;
    };
    CHECK(names(s.lookups("outputs")) == std::set<std::string>{"Audience", "Project"});
    CHECK(names(s.lookups("prompts")) == std::set<std::string>{"Audience"});
    CHECK(s.getLookup(audience.id)->appliesTo == "both");
    auto widened = *s.getLookup(onlyOutputs.id);
    widened.appliesTo = "both";
    s.updateLookup(widened);
    CHECK(names(s.lookups("prompts")) == std::set<std::string>{"Audience", "Project"});
    CHECK_THROWS_WITH_AS(s.createLookup({.name = "Bad", .appliesTo = "tags"}), doctest::Contains("'outputs', 'prompts' or 'both'"), StoreError);
    // The vault's own CHECK holds too, whatever writes the row.
    CHECK_THROWS(pv::StoreInternals::db(s).exec("UPDATE lookups SET applies_to = 'everything' WHERE id = '" + audience.id + "'"));
    CHECK(s.getLookup(audience.id)->appliesTo == "both");
}

TEST_CASE("list outputs: filters, sort and keyset paging visit every row once") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto m1 = s.findOrCreateModel("m1");
    auto m2 = s.findOrCreateModel("m2");
    auto tag = s.findOrCreateTag("t");
    s.transaction([&] {
        for (int i = 0; i < 250; ++i) {
            Output o;
            o.output = "output number " + std::to_string(i);
            o.modelId = i % 2 ? m1.id : m2.id;
            o.capturedAt = "2026-01-01T00:00:" + std::string(i % 60 < 10 ? "0" : "") + std::to_string(i % 60) + ".000Z";
            if (i % 5 == 0) o.outputEdited = "edited";
            if (i % 3 == 0) o.rating = 1 + i % 5;
            o = s.createOutput(o);
            if (i % 10 == 0) s.linkTag(Kind::Output, o.id, tag.id);
        }
    });
    std::set<std::string> seen;
    PageCursor cursor;
    std::string lastCaptured = "9999";
    int pages = 0;
    do {
        auto page = s.listOutputs({}, OutputSort::CapturedDesc, cursor, 40);
        for (auto& r : page.rows) {
            CHECK(r.capturedAt <= lastCaptured);
            lastCaptured = r.capturedAt;
            CHECK(seen.insert(r.id).second);
        }
        cursor = page.next;
        ++pages;
    } while (cursor.valid);
    CHECK(seen.size() == 250);
    CHECK(pages == 7);

    OutputFilter f;
    f.modelId = m1.id;
    f.tagId = tag.id;
    CHECK(s.countOutputs(f) == 0);  // tags are on even i, m1 on odd i
    f.modelId = m2.id;
    CHECK(s.countOutputs(f) == 25);
    OutputFilter edited;
    edited.edited = true;
    CHECK(s.countOutputs(edited) == 50);
    OutputFilter rated;
    rated.minRating = 4;
    auto ratedRows = s.listOutputs(rated, OutputSort::RatingDesc, {}, 500).rows;
    for (auto& r : ratedRows) CHECK(*r.rating >= 4);
    std::set<std::string> ratingSeen;
    PageCursor rc;
    do {
        auto page = s.listOutputs({}, OutputSort::RatingDesc, rc, 33);
        for (auto& r : page.rows) CHECK(ratingSeen.insert(r.id).second);
        rc = page.next;
    } while (rc.valid);
    CHECK(ratingSeen.size() == 250);
}

TEST_CASE("full-text search finds prompts and outputs, follows edits, ignores FTS syntax in input") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "Kubernetes rollout", .body = "How do I roll back a deployment?"});
    Output o;
    o.promptId = p.id;
    o.output = "Use kubectl rollout undo deployment/web";
    o = s.createOutput(o);
    auto hits = s.search("kubectl");
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].ref == RecordRef{Kind::Output, o.id});
    CHECK(s.search("kubernetes").size() == 1);
    CHECK(s.search("kube").size() == 2);  // prefix on the last word
    o.outputEdited = "Prefer helm rollback";
    s.updateOutput(o);
    CHECK(s.search("helm").size() == 1);
    CHECK(s.search("\"unbalanced AND (").empty());  // no syntax error reaches the user
    OutputFilter f;
    f.text = "rollout";
    CHECK(s.listOutputs(f).rows.size() == 1);
    s.softDelete({Kind::Output, o.id});
    CHECK(s.search("kubectl").empty());
}

TEST_CASE("the outputs list finds outputs by their prompt's title and body too, under every sort") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "Quarterly zeppelin report", .body = "Summarise the hangar inventory"});
    auto other = s.createPrompt({.title = "Unrelated", .body = "nothing here"});
    for (int i = 0; i < 3; ++i) {
        Output o;
        o.promptId = p.id;
        o.output = "answer " + std::to_string(i);
        s.createOutput(o);
    }
    Output own;
    own.promptId = other.id;
    own.output = "a zeppelin of my own";  // matches by its own text
    own = s.createOutput(own);
    Output unrelated;
    unrelated.promptId = other.id;
    unrelated.output = "plain";
    s.createOutput(unrelated);
    for (auto sort : {OutputSort::CapturedDesc, OutputSort::CapturedAsc, OutputSort::UpdatedDesc, OutputSort::RatingDesc}) {
        OutputFilter f;
        f.text = "zeppelin";
        CHECK(s.listOutputs(f, sort).rows.size() == 4);
        CHECK(s.countOutputs(f) == 4);
        f.text = "hangar";
        CHECK(s.listOutputs(f, sort).rows.size() == 3);
    }
    // A deleted prompt's title no longer finds its outputs.
    s.softDelete({Kind::Prompt, p.id}, DeleteMode::Cascade);
    OutputFilter f;
    f.text = "zeppelin";
    auto rows = s.listOutputs(f).rows;
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].id == own.id);
}

TEST_CASE("search newest first: the most recently added matches, live only, prompts and outputs interleaved") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "otter prompt", .body = "about otters"});
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // kinds interleave by created_at (ms)
    std::vector<std::string> ids;
    for (int i = 0; i < 8; ++i) {
        Output o;
        o.promptId = p.id;
        o.output = "the otter number " + std::to_string(i) + (i % 2 ? " swims" : " sleeps");
        ids.push_back(s.createOutput(o).id);
    }
    s.softDelete({Kind::Output, ids[7]});
    auto hits = s.search("otter", 3, SearchOrder::Newest);
    REQUIRE(hits.size() == 3);
    CHECK(hits[0].ref == RecordRef{Kind::Output, ids[6]});
    CHECK(hits[1].ref == RecordRef{Kind::Output, ids[5]});
    CHECK(hits[2].ref == RecordRef{Kind::Output, ids[4]});
    CHECK(hits[0].snippet.find("[otter]") != std::string::npos);
    // Every live match, each once, whatever the order.
    auto all = s.search("otter", 100, SearchOrder::Newest);
    auto ranked = s.search("otter", 100);
    CHECK(all.size() == 8);  // the prompt and seven live outputs
    CHECK(ranked.size() == 8);
    std::set<std::string> a, b;
    for (auto& h : all) a.insert(h.ref.id);
    for (auto& h : ranked) b.insert(h.ref.id);
    CHECK(a == b);
    CHECK(all.back().ref == RecordRef{Kind::Prompt, p.id});  // created first, so last
    // Several words are ANDed and the last is a prefix, in both orders.
    CHECK(s.search("otter number 3", 10, SearchOrder::Newest).size() == 1);
    CHECK(s.search("swim", 10, SearchOrder::Newest).size() == 3);
    CHECK(s.search("\"unbalanced AND (", 10, SearchOrder::Newest).empty());
}

TEST_CASE("change capture: every write logs changed columns with an HLC stamp and device id") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "a", .body = "b"});
    auto before = pv::StoreInternals::db(s).queryInt("SELECT max(seq) FROM pv_changes");
    p.title = "A";
    s.updatePrompt(p);
    sql::Stmt q = pv::StoreInternals::db(s).prepare("SELECT tbl, row_key, op, cols, hlc, device_id FROM pv_changes WHERE seq > ? ORDER BY seq");
    q.bind(1, before);
    REQUIRE(q.step());
    CHECK(q.getText(0) == "prompts");
    CHECK(q.getText(1) == p.id);
    CHECK(q.getText(2) == "update");
    auto cols = nlohmann::json::parse(q.getText(3));
    CHECK(cols["title"] == "A");
    CHECK(!cols.contains("body"));  // column level: only what changed
    CHECK(cols.contains("updated_at"));
    CHECK(q.getText(5) == s.deviceId());
    std::string hlc1 = q.getText(4);
    CHECK(!q.step());

    // An update that changes nothing logs nothing.
    s.updatePrompt(p);
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM pv_changes WHERE seq > " + std::to_string(before)) == 1);
    // Clocks only move forward.
    p.body = "c";
    s.updatePrompt(p);
    CHECK(pv::StoreInternals::db(s).queryText("SELECT hlc FROM pv_changes ORDER BY seq DESC LIMIT 1") > hlc1);
    // A change and its log entry are one transaction: a rolled-back write leaves no change.
    auto n = pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM pv_changes");
    try {
        s.transaction([&] {
            s.createTag({.name = "doomed"});
            throw std::runtime_error("abort");
        });
    } catch (const std::runtime_error&) {
    }
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM pv_changes") == n);
    CHECK(!s.findByName(Kind::Tag, "doomed"));
}

TEST_CASE("change capture of writes made through the sqlite3 shell") {
    TempDir dir;
    auto path = dir.file("v.db");
    { Store s(path); }
    auto sh = pv::test::sqliteShell() + " " + pv::test::shellQuote(path) + " ";
    auto r = pv::test::runCommand(sh + pv::test::shellQuote(
        "INSERT INTO models(id, name) VALUES ('m-1', 'shell-model');"
        "INSERT INTO outputs(id, model_id, output) VALUES ('o-1', 'm-1', 'from the shell');"
        "INSERT INTO tags(name) VALUES ('shell-tag');"
        "UPDATE outputs SET rating = 5 WHERE id = 'o-1';"
        "DELETE FROM models WHERE id = 'nothing';"
        "DELETE FROM outputs WHERE id = 'o-1';"));
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    Store s(path);
    auto o = s.getOutput("o-1");
    REQUIRE(o);
    CHECK(o->rating == 5);
    CHECK(o->deleted());  // a hard DELETE became a tombstone
    CHECK(o->output == "from the shell");
    auto tagId = s.findByName(Kind::Tag, "shell-tag");
    REQUIRE(tagId);
    CHECK(tagId->size() == 36);  // the SQL default made a UUIDv7
    CHECK((*tagId)[14] == '7');
    auto ops = pv::StoreInternals::db(s).queryText("SELECT group_concat(tbl || ':' || op, ',') FROM (SELECT * FROM pv_changes ORDER BY seq)");
    CHECK(ops == "models:insert,outputs:insert,tags:insert,outputs:update,outputs:update");
    auto lastCols = nlohmann::json::parse(pv::StoreInternals::db(s).queryText("SELECT cols FROM pv_changes ORDER BY seq DESC LIMIT 1"));
    CHECK(lastCols["deleted_at"].is_string());
    CHECK(s.search("shell").empty());
}

TEST_CASE("bad input: invalid UTF-8 refused, 10 MB output and SQL metacharacters stored exactly") {
    TempDir dir;
    Store s(dir.file("v.db"));
    Output bad;
    bad.output = std::string("ok \xC3\x28 broken");
    CHECK_THROWS_WITH_AS(s.createOutput(bad), doctest::Contains("invalid UTF-8 in field 'output'"), StoreError);
    CHECK(s.counts()["outputs"] == 0);
    CHECK_THROWS_AS(s.createTag({.name = std::string("\xED\xA0\x80")}), StoreError);  // a surrogate
    CHECK_THROWS_AS(s.createPrompt({.title = std::string("\xC0\xAF")}), StoreError);  // overlong

    std::string big(10 * 1024 * 1024, 'x');
    for (size_t i = 0; i < big.size(); i += 1000) big[i] = '\n';
    Output o;
    o.output = big;
    o = s.createOutput(o);
    CHECK(s.getOutput(o.id)->output == big);

    const std::string nasty = "Robert'); DROP TABLE outputs;-- \"quoted\" % _ \\ ; /* */ \t\n 日本語 🚀";
    auto p = s.createPrompt({.title = nasty, .body = nasty, .notes = nasty});
    auto m = s.createModel({.name = nasty, .provider = nasty, .notes = nasty});
    auto t = s.createTag({.name = nasty, .color = nasty});
    Output q;
    q.output = nasty;
    q.outputEdited = nasty;
    q.notes = nasty;
    q.source = nasty;
    q.conversationId = nasty;
    q.conversationTitle = nasty;
    q.messageId = nasty;
    q.conversationUrl = nasty;
    q.promptId = p.id;
    q.modelId = m.id;
    q = s.createOutput(q);
    auto back = *s.getOutput(q.id);
    CHECK(back.output == nasty);
    CHECK(back.outputEdited == nasty);
    CHECK(back.notes == nasty);
    CHECK(back.conversationUrl == nasty);
    CHECK(s.getPrompt(p.id)->title == nasty);
    CHECK(s.getModel(m.id)->provider == nasty);
    CHECK(s.getTag(t.id)->color == nasty);
    CHECK(s.findOrCreateTag(nasty).id == t.id);
    CHECK(s.counts()["outputs"] == 2);
    CHECK(!s.search("DROP TABLE").empty());
    Output r;
    r.output = "x";
    r.rating = 9;
    CHECK_THROWS_WITH_AS(s.createOutput(r), doctest::Contains("rating 9"), StoreError);
    r.rating = std::nullopt;
    r.modelId = "missing-model";
    CHECK_THROWS_WITH_AS(s.createOutput(r), doctest::Contains("model_id 'missing-model' does not exist"), StoreError);
}

TEST_CASE("vault files: missing, read-only, corrupt, foreign, newer") {
    TempDir dir;
    CHECK_THROWS_WITH_AS(Store(dir.file("nope.db"), {.readOnly = false, .create = false}), doctest::Contains("does not exist"), StoreError);

    auto corrupt = dir.file("corrupt.db");
    pv::test::writeFile(corrupt, std::string(8192, 'z'));
    CHECK_THROWS_WITH_AS(Store{corrupt}, doctest::Contains("not a valid vault file"), StoreError);
    CHECK(pv::test::readFile(corrupt) == std::string(8192, 'z'));  // untouched

    auto foreign = dir.file("foreign.db");
    pv::test::runCommand(pv::test::sqliteShell() + " " + foreign + " 'CREATE TABLE x(y); INSERT INTO x VALUES (1);'");
    CHECK_THROWS_WITH_AS(Store{foreign}, doctest::Contains("not a Promptvault vault"), StoreError);

    auto ro = dir.file("ro.db");
    {
        Store s(ro);
        s.createTag({.name = "kept"});
    }
    chmod(ro.c_str(), 0444);
    if (geteuid() != 0) {  // root ignores file modes; the read-only open below still covers the path
        CHECK_THROWS_WITH_AS(Store{ro}, doctest::Contains("read-only"), StoreError);
    }
    Store readOnly(ro, {.readOnly = true, .create = false});
    CHECK(readOnly.findByName(Kind::Tag, "kept"));
    CHECK_THROWS(readOnly.createTag({.name = "no"}));
    chmod(ro.c_str(), 0644);

    auto newer = dir.file("newer.db");
    { Store s(newer); pv::StoreInternals::db(s).exec("PRAGMA user_version = 99"); }
    CHECK_THROWS_WITH_AS(Store{newer}, doctest::Contains("newer than this build"), StoreError);

    auto folder = dir.path() / "adir";
    std::filesystem::create_directory(folder);
    CHECK_THROWS_WITH_AS(Store{folder.string()}, doctest::Contains("is a directory"), StoreError);
}

namespace {
// The lines of `a` that `b` lacks, for a readable failure.
std::string missingFrom(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::string s;
    for (const auto& line : a)
        if (!std::binary_search(b.begin(), b.end(), line)) s += "  " + line + "\n";
    return s;
}
} // namespace

TEST_CASE("a fresh vault and one migrated up from any older version have the same schema") {
    TempDir dir;
    std::vector<std::string> fresh;
    {
        Store s(dir.file("fresh.db"));
        fresh = pv::test::schemaSignature(pv::StoreInternals::db(s));
    }
    REQUIRE(fresh.size() > 100);
    for (int from = 1; from < kSchemaVersion; ++from) {
        CAPTURE(from);
        auto path = dir.file("from" + std::to_string(from) + ".db");
        std::vector<std::string> before;
        {
            sql::Db db(path);
            migrate(db, from);
            before = pv::test::schemaSignature(db);
        }
        Store s(path);
        auto migrated = pv::test::schemaSignature(pv::StoreInternals::db(s));
        // The frozen steps really made an older schema, and today's build brought it level.
        CHECK(before != fresh);
        INFO("only in the fresh vault:\n" << missingFrom(fresh, migrated) << "only in the migrated vault:\n" << missingFrom(migrated, fresh));
        CHECK(migrated == fresh);
    }
}

TEST_CASE("migration from the first schema version keeps data and capture") {
    TempDir dir;
    auto path = dir.file("old.db");
    {
        sql::Db db(path);
        migrate(db, 1);
        db.exec("INSERT INTO prompts(id, title, body) VALUES ('p1', 'old prompt', 'old body')");
        db.exec("INSERT INTO outputs(id, prompt_id, output) VALUES ('o1', 'p1', 'old output')");
        CHECK(db.queryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'lookups'") == 0);
        CHECK(db.queryInt("PRAGMA user_version") == 1);
    }
    Store s(path);
    CHECK(s.schemaVersion() == kSchemaVersion);
    CHECK(s.getOutput("o1")->output == "old output");
    CHECK(s.search("old").size() == 2);
    auto l = s.createLookup({.name = "Project"});
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM pv_changes WHERE tbl = 'lookups'") == 1);
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM pv_changes WHERE tbl = 'outputs'") == 1);
    CHECK(!l.id.empty());
}

TEST_CASE("export json: every table, sorted, stable") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "p"});
    for (int i = 0; i < 5; ++i) {
        Output o;
        o.output = "o" + std::to_string(i);
        o.promptId = p.id;
        s.createOutput(o);
    }
    auto j = exportOf(s);
    for (const auto& t : syncedTables()) CHECK(j.contains(t.name));
    auto& outs = j["outputs"];
    REQUIRE(outs.size() == 5);
    for (size_t i = 1; i < outs.size(); ++i) CHECK(outs[i - 1]["id"].get<std::string>() < outs[i]["id"].get<std::string>());
    CHECK(outs[0]["prompt_id"] == p.id);
    CHECK(outs[0]["output_edited"].is_null());
    std::ostringstream a, b;
    s.exportJson(a);
    s.exportJson(b);
    CHECK(a.str() == b.str());
}

namespace {
// What a delete took along must come back with restore, and nothing that was deleted on its own.
int64_t liveIn(Store& s, const std::string& sqlText) { return pv::StoreInternals::db(s).queryInt(sqlText); }
} // namespace

TEST_CASE("restore brings back exactly what each kind's delete took along") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "P", .body = "b"});
    auto t = s.createTag({.name = "T"});
    auto other = s.createTag({.name = "other"});
    std::vector<std::string> outs;
    for (int i = 0; i < 3; ++i) {
        Output o;
        o.promptId = p.id;
        o.output = "o" + std::to_string(i);
        outs.push_back(s.createOutput(o).id);
        s.linkTag(Kind::Output, outs.back(), t.id);
    }
    s.linkTag(Kind::Prompt, p.id, t.id);
    s.linkTag(Kind::Prompt, p.id, other.id);

    SUBCASE("prompt cascade: its outputs and tag links, not an output deleted before") {
        s.softDelete({Kind::Output, outs[0]});
        s.softDelete({Kind::Prompt, p.id}, DeleteMode::Cascade);
        CHECK(liveIn(s, "SELECT count(*) FROM outputs WHERE deleted_at IS NULL") == 0);
        CHECK(liveIn(s, "SELECT count(*) FROM prompt_tags WHERE deleted_at IS NULL") == 0);
        s.restore({Kind::Prompt, p.id});
        CHECK(!s.getPrompt(p.id)->deleted());
        CHECK(s.getOutput(outs[0])->deleted());  // deleted on its own, stays deleted
        CHECK(!s.getOutput(outs[1])->deleted());
        CHECK(!s.getOutput(outs[2])->deleted());
        CHECK(s.tagsOf(Kind::Prompt, p.id).size() == 2);
    }
    SUBCASE("output: its tag links stay and come back with it") {
        s.softDelete({Kind::Output, outs[1]});
        CHECK(liveIn(s, "SELECT count(*) FROM output_tags WHERE deleted_at IS NULL") == 3);
        OutputFilter f;
        f.tagId = t.id;
        CHECK(s.countOutputs(f) == 2);
        s.restore({Kind::Output, outs[1]});
        CHECK(s.countOutputs(f) == 3);
        CHECK(s.tagsOf(Kind::Output, outs[1]).size() == 1);
    }
    SUBCASE("tag: its output and prompt links, not a link removed before") {
        s.unlinkTag(Kind::Output, outs[2], t.id);
        s.softDelete({Kind::Tag, t.id});
        CHECK(s.tagsOf(Kind::Prompt, p.id).size() == 1);
        s.restore({Kind::Tag, t.id});
        CHECK(s.tagsOf(Kind::Prompt, p.id).size() == 2);
        CHECK(s.tagsOf(Kind::Output, outs[0]).size() == 1);
        CHECK(s.tagsOf(Kind::Output, outs[2]).empty());
    }
    SUBCASE("QA activity: its checks") {
        auto q = s.createQaActivity({.name = "Checked"});
        s.setQaCheck(p.id, q.id, true, "ok");
        s.softDelete({Kind::QaActivity, q.id});
        CHECK(s.qaChecklist(p.id).empty());
        CHECK(liveIn(s, "SELECT count(*) FROM prompt_qa_checks WHERE deleted_at IS NULL") == 0);
        s.restore({Kind::QaActivity, q.id});
        auto list = s.qaChecklist(p.id);
        REQUIRE(list.size() == 1);
        CHECK(list[0].done);
        CHECK(list[0].note == "ok");
    }
    SUBCASE("lookup: its values and their links; lookup value: its links") {
        auto l = s.createLookup({.name = "Project", .appliesTo = "outputs", .multi = true});
        auto a = s.createLookupValue({.lookupId = l.id, .value = "A"});
        auto b = s.createLookupValue({.lookupId = l.id, .value = "B"});
        s.linkLookupValue(Kind::Output, outs[0], a.id);
        s.linkLookupValue(Kind::Output, outs[0], b.id);
        s.softDelete({Kind::LookupValue, b.id});
        CHECK(s.lookupValuesOf(Kind::Output, outs[0]).size() == 1);
        s.softDelete({Kind::Lookup, l.id});
        CHECK(s.lookupValuesOf(Kind::Output, outs[0]).empty());
        CHECK(s.lookupValues(l.id).empty());
        s.restore({Kind::Lookup, l.id});
        auto vals = s.lookupValuesOf(Kind::Output, outs[0]);
        REQUIRE(vals.size() == 1);  // B was deleted before, on its own
        CHECK(vals[0].id == a.id);
        s.restore({Kind::LookupValue, b.id});
        CHECK(s.lookupValuesOf(Kind::Output, outs[0]).size() == 2);
    }
    SUBCASE("restore of a live record changes nothing; of a missing one is refused") {
        auto before = pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM pv_changes");
        s.restore({Kind::Prompt, p.id});
        CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM pv_changes") == before);
        CHECK_THROWS_WITH_AS(s.restore({Kind::Tag, "nope"}), doctest::Contains("tag 'nope' does not exist"), StoreError);
    }
}

TEST_CASE("jumpTo: names of every kind, prefix before substring, outputs by id") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "Deploy checklist"});
    auto m = s.createModel({.name = "deploy-model"});
    auto a = s.createAgent({.name = "Undeploy Agent"});
    auto t = s.createTag({.name = "deployment"});
    auto q = s.createQaActivity({.name = "Deploy review"});
    Output o;
    o.output = "some answer";
    o = s.createOutput(o);
    auto hits = s.jumpTo("deploy");
    REQUIRE(hits.size() == 5);
    std::set<Kind> kinds;
    for (size_t i = 0; i < hits.size(); ++i) {
        kinds.insert(hits[i].ref.kind);
        if (i < 4) CHECK(hits[i].ref.id != a.id);  // the only substring match comes last
    }
    CHECK(hits.back().ref == RecordRef{Kind::Agent, a.id});
    CHECK(kinds == std::set<Kind>{Kind::Prompt, Kind::Model, Kind::Agent, Kind::Tag, Kind::QaActivity});
    CHECK(hits[0].ref == RecordRef{Kind::Tag, t.id});  // shortest prefix match first
    CHECK(s.jumpTo("DEPLOY", 2).size() == 2);
    auto byId = s.jumpTo(o.id);
    REQUIRE(byId.size() == 1);
    CHECK(byId[0].ref == RecordRef{Kind::Output, o.id});
    CHECK(byId[0].title == "some answer");
    s.softDelete({Kind::Tag, t.id});
    CHECK(s.jumpTo("deploy").size() == 4);
    CHECK(s.jumpTo("").empty());
    CHECK(s.jumpTo("%").empty());  // LIKE wildcards are not a way to list everything
    (void)p;
    (void)q;
    (void)m;
}

TEST_CASE("listPrompts by title: case-insensitive order, keyset pages visit each prompt once") {
    TempDir dir;
    Store s(dir.file("v.db"));
    std::vector<std::string> titles;
    s.transaction([&] {
        for (int i = 0; i < 95; ++i) {
            std::string title = std::string(1, static_cast<char>((i % 2 ? 'a' : 'A') + i % 26)) + " prompt " + std::to_string(i / 26);
            if (i % 10 == 0) title = "same title";  // ties are ordered by id
            s.createPrompt({.title = title, .body = "body " + std::to_string(i)});
        }
    });
    std::set<std::string> seen;
    std::string last;
    PageCursor cursor;
    int pages = 0;
    do {
        auto page = s.listPrompts({}, PromptSort::TitleAsc, cursor, 20);
        for (const auto& r : page.rows) {
            std::string lower = r.title;
            for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            CHECK(lower >= last);
            last = lower;
            CHECK(seen.insert(r.id).second);
        }
        cursor = page.next;
        ++pages;
    } while (cursor.valid);
    CHECK(seen.size() == 95);
    CHECK(pages == 5);
    PromptFilter f;
    f.text = "body";
    CHECK(s.listPrompts(f, PromptSort::TitleAsc, {}, 500).rows.size() == 95);
}

TEST_CASE("countOutputs honours every filter") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "P"});
    auto m = s.createModel({.name = "M"});
    auto a = s.createAgent({.name = "A"});
    auto t = s.createTag({.name = "T"});
    auto l = s.createLookup({.name = "Project"});
    auto v = s.createLookupValue({.lookupId = l.id, .value = "X"});
    std::vector<std::string> ids;
    for (int i = 0; i < 20; ++i) {
        Output o;
        o.output = i % 4 == 0 ? "zebra text " + std::to_string(i) : "plain " + std::to_string(i);
        if (i % 2) o.promptId = p.id;
        if (i % 3 == 0) o.modelId = m.id;
        if (i % 5 == 0) o.agentId = a.id;
        if (i < 10) o.rating = 1 + i % 5;
        if (i % 7 == 0) o.outputEdited = "fixed";
        o.capturedAt = "2026-03-" + std::string(i + 1 < 10 ? "0" : "") + std::to_string(i + 1) + "T12:00:00.000Z";
        ids.push_back(s.createOutput(o).id);
        if (i % 4 == 1) s.linkTag(Kind::Output, ids.back(), t.id);
        if (i % 6 == 0) s.linkLookupValue(Kind::Output, ids.back(), v.id);
    }
    auto count = [&](auto setup) {
        OutputFilter f;
        setup(f);
        CHECK(s.countOutputs(f) == static_cast<int64_t>(s.listOutputs(f, OutputSort::CapturedDesc, {}, 1000).rows.size()));
        return s.countOutputs(f);
    };
    CHECK(count([](OutputFilter&) {}) == 20);
    CHECK(count([&](OutputFilter& f) { f.promptId = p.id; }) == 10);
    CHECK(count([&](OutputFilter& f) { f.modelId = m.id; }) == 7);
    CHECK(count([&](OutputFilter& f) { f.agentId = a.id; }) == 4);
    CHECK(count([&](OutputFilter& f) { f.tagId = t.id; }) == 5);
    CHECK(count([&](OutputFilter& f) { f.lookupValueId = v.id; }) == 4);
    CHECK(count([](OutputFilter& f) { f.minRating = 4; }) == 4);
    CHECK(count([](OutputFilter& f) { f.edited = true; }) == 3);
    CHECK(count([](OutputFilter& f) { f.edited = false; }) == 17);
    CHECK(count([](OutputFilter& f) { f.capturedFrom = "2026-03-05"; f.capturedTo = "2026-03-10"; }) == 5);
    CHECK(count([](OutputFilter& f) { f.text = "zebra"; }) == 5);
    CHECK(count([&](OutputFilter& f) { f.text = "zebra"; f.promptId = p.id; }) == 0);
    CHECK(count([&](OutputFilter& f) { f.modelId = m.id; f.minRating = 1; }) == 4);
    s.softDelete({Kind::Output, ids[0]});
    s.softDelete({Kind::Output, ids[1]});
    CHECK(count([](OutputFilter&) {}) == 18);
    CHECK(count([](OutputFilter& f) { f.includeDeleted = true; }) == 20);
    CHECK(count([](OutputFilter& f) { f.onlyDeleted = true; }) == 2);
    CHECK(count([&](OutputFilter& f) { f.tagId = t.id; }) == 4);
    // A tag on most outputs is listed by walking outputs newest-first: same rows, same order.
    auto all = s.createTag({.name = "all"});
    for (const auto& id : ids) s.linkTag(Kind::Output, id, all.id);
    OutputFilter f;
    f.tagId = all.id;
    std::vector<std::string> paged;
    PageCursor cursor;
    do {
        auto page = s.listOutputs(f, OutputSort::CapturedDesc, cursor, 4);
        for (const auto& r : page.rows) paged.push_back(r.id);
        cursor = page.next;
    } while (cursor.valid);
    std::vector<std::string> whole;
    for (const auto& r : s.listOutputs({}, OutputSort::CapturedDesc, {}, 100).rows) whole.push_back(r.id);
    CHECK(paged == whole);
    CHECK(s.countOutputs(f) == 18);
}

TEST_CASE("lookup lists carry usage counts that follow links, deletes and merges") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto m1 = s.createModel({.name = "alpha-model", .provider = "x"});
    auto m2 = s.createModel({.name = "beta-model"});
    auto ag = s.createAgent({.name = "Agent", .platform = "claude"});
    auto t = s.createTag({.name = "tag"});
    auto q = s.createQaActivity({.name = "QA"});
    auto l = s.createLookup({.name = "L"});
    s.createLookupValue({.lookupId = l.id, .value = "v1"});
    s.createLookupValue({.lookupId = l.id, .value = "v2"});
    auto p = s.createPrompt({.title = "p"});
    std::vector<std::string> outs;
    for (int i = 0; i < 4; ++i) {
        Output o;
        o.output = "x";
        o.modelId = i < 3 ? m1.id : m2.id;
        if (i < 2) o.agentId = ag.id;
        outs.push_back(s.createOutput(o).id);
        s.linkTag(Kind::Output, outs.back(), t.id);
    }
    s.linkTag(Kind::Prompt, p.id, t.id);
    s.setQaCheck(p.id, q.id, true, "");
    auto usage = [&](Kind k, const std::string& name) -> int64_t {
        for (const auto& r : s.listNamedRows(k))
            if (r.name == name) return r.usage;
        return -1;
    };
    CHECK(usage(Kind::Model, "alpha-model") == 3);
    CHECK(usage(Kind::Model, "beta-model") == 1);
    CHECK(usage(Kind::Agent, "Agent") == 2);
    CHECK(usage(Kind::Tag, "tag") == 5);
    CHECK(usage(Kind::QaActivity, "QA") == 1);
    CHECK(usage(Kind::Lookup, "L") == 2);
    CHECK(s.listNamedRows(Kind::Model)[0].detail == "x");
    CHECK(s.listNamedRows(Kind::Model, "beta").size() == 1);

    s.softDelete({Kind::Output, outs[0]});
    CHECK(usage(Kind::Model, "alpha-model") == 2);
    CHECK(usage(Kind::Agent, "Agent") == 1);
    CHECK(usage(Kind::Tag, "tag") == 4);
    s.unlinkTag(Kind::Output, outs[1], t.id);
    CHECK(usage(Kind::Tag, "tag") == 3);
    s.restore({Kind::Output, outs[0]});
    CHECK(usage(Kind::Tag, "tag") == 4);
    s.merge(Kind::Model, m1.id, m2.id);
    CHECK(usage(Kind::Model, "beta-model") == 4);
    CHECK(usage(Kind::Model, "alpha-model") == -1);  // merged away: tombstoned, listed only with deleted
    CHECK(s.listNamedRows(Kind::Model, "", true).size() == 2);
    // Writes through the sqlite3 shell keep the counts exact too.
    auto r = pv::test::runCommand(pv::test::sqliteShell() + " " + s.path() + " \"DELETE FROM outputs WHERE id = '" + outs[3] + "'\"");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    CHECK(usage(Kind::Model, "beta-model") == 3);
}

TEST_CASE("relation counters stay equal to a recount after every kind of write") {
    TempDir dir;
    Store s(dir.file("v.db"));
    std::mt19937 rng(7);
    auto m = s.createModel({.name = "m"});
    auto m2 = s.createModel({.name = "m2"});
    auto ag = s.createAgent({.name = "a"});
    std::vector<std::string> prompts, tags, outs;
    for (int i = 0; i < 5; ++i) prompts.push_back(s.createPrompt({.title = "p" + std::to_string(i)}).id);
    for (int i = 0; i < 4; ++i) tags.push_back(s.createTag({.name = "t" + std::to_string(i)}).id);
    auto recount = [&] {
        auto mismatches = pv::StoreInternals::db(s).queryInt(R"SQL(
WITH truth(rel, id, n) AS (
  SELECT 'outputs', '', count(*) FROM outputs WHERE deleted_at IS NULL
  UNION ALL SELECT 'prompt.outputs', prompt_id, count(*) FROM outputs WHERE deleted_at IS NULL AND prompt_id IS NOT NULL GROUP BY prompt_id
  UNION ALL SELECT 'model.outputs', model_id, count(*) FROM outputs WHERE deleted_at IS NULL AND model_id IS NOT NULL GROUP BY model_id
  UNION ALL SELECT 'agent.outputs', agent_id, count(*) FROM outputs WHERE deleted_at IS NULL AND agent_id IS NOT NULL GROUP BY agent_id
  UNION ALL SELECT 'tag.outputs', l.tag_id, count(*) FROM output_tags l JOIN outputs o ON o.id = l.output_id
    WHERE l.deleted_at IS NULL AND o.deleted_at IS NULL GROUP BY l.tag_id
  UNION ALL SELECT 'tag.prompts', tag_id, count(*) FROM prompt_tags WHERE deleted_at IS NULL GROUP BY tag_id)
SELECT (SELECT count(*) FROM (SELECT rel, id, n FROM truth EXCEPT SELECT rel, id, n FROM pv_counts WHERE n <> 0)) +
       (SELECT count(*) FROM (SELECT rel, id, n FROM pv_counts WHERE n <> 0 EXCEPT SELECT rel, id, n FROM truth)))SQL");
        CHECK(mismatches == 0);
    };
    for (int step = 0; step < 300; ++step) {
        int action = static_cast<int>(rng() % 9);
        if (outs.empty()) action = 0;
        const std::string& anyOut = outs.empty() ? std::string() : outs[rng() % outs.size()];
        switch (action) {
        case 0: {
            Output o;
            o.output = "o";
            if (rng() % 2) o.promptId = prompts[rng() % prompts.size()];
            if (rng() % 2) o.modelId = rng() % 2 ? m.id : m2.id;
            if (rng() % 3 == 0) o.agentId = ag.id;
            outs.push_back(s.createOutput(o).id);
            break;
        }
        case 1: s.linkTag(Kind::Output, anyOut, tags[rng() % tags.size()]); break;
        case 2: s.unlinkTag(Kind::Output, anyOut, tags[rng() % tags.size()]); break;
        case 3: s.softDelete({Kind::Output, anyOut}); break;
        case 4: s.restore({Kind::Output, anyOut}); break;
        case 5: {
            auto o = *s.getOutput(anyOut);
            o.promptId = rng() % 3 ? std::optional<std::string>(prompts[rng() % prompts.size()]) : std::nullopt;
            o.modelId = rng() % 2 ? m.id : m2.id;
            s.updateOutput(o);
            break;
        }
        case 6: s.linkTag(Kind::Prompt, prompts[rng() % prompts.size()], tags[rng() % tags.size()]); break;
        case 7: {
            RecordRef tag{Kind::Tag, tags[rng() % tags.size()]};
            if (s.getTag(tag.id)->deleted()) s.restore(tag);
            else s.softDelete(tag);
            break;
        }
        case 8: {
            RecordRef p{Kind::Prompt, prompts[rng() % prompts.size()]};
            if (s.getPrompt(p.id)->deleted()) s.restore(p);
            else s.softDelete(p, DeleteMode::Cascade);
            break;
        }
        }
        if (step % 25 == 0) recount();
    }
    recount();
    // The sqlite3 shell and a bulk insert keep them exact as well.
    auto r = pv::test::runCommand(pv::test::sqliteShell() + " " + s.path() + " \"DELETE FROM outputs WHERE rowid % 3 = 0; " +
                                  "UPDATE outputs SET deleted_at = NULL WHERE rowid % 5 = 0; UPDATE output_tags SET deleted_at = '2026' WHERE rowid % 4 = 0\"");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    std::vector<Output> bulk(50);
    for (size_t i = 0; i < bulk.size(); ++i) {
        bulk[i].output = "bulk";
        bulk[i].promptId = prompts[i % prompts.size()];
        bulk[i].modelId = m.id;
    }
    s.createOutputs(bulk);
    recount();
}

TEST_CASE("createOutputs: all rows with capture, or none with an error naming the row") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "p"});
    std::vector<Output> outs(4500);  // more than one internal chunk
    for (size_t i = 0; i < outs.size(); ++i) {
        outs[i].output = "bulk output " + std::to_string(i);
        outs[i].promptId = p.id;
        if (i % 2) outs[i].rating = 1 + static_cast<int64_t>(i % 5);
    }
    auto before = s.pendingChanges();
    s.createOutputs(outs);
    for (const auto& o : outs) CHECK(!o.id.empty());
    CHECK(s.countOutputs({}) == 4500);
    CHECK(s.pendingChanges() - before == 4500);
    CHECK(s.getOutput(outs[4321].id)->output == "bulk output 4321");
    CHECK(s.search("4321").size() == 1);
    CHECK(relationTotal(s, {Kind::Prompt, p.id}, "outputs") == 4500);

    std::vector<Output> bad(3000);
    for (size_t i = 0; i < bad.size(); ++i) bad[i].output = "second batch " + std::to_string(i);
    bad[2500].id = outs[7].id;  // a duplicate id, in the second chunk
    auto changes = s.pendingChanges();
    const std::string expected = "output 2501 of 3000 ('" + outs[7].id + "') was refused";
    CHECK_THROWS_WITH_AS(s.createOutputs(bad), doctest::Contains(expected.c_str()), StoreError);
    CHECK(s.countOutputs({}) == 4500);
    CHECK(s.pendingChanges() == changes);
    CHECK(s.search("second").empty());
    bad[2500].id.clear();
    bad[10].output = std::string("\xff\xfe");
    CHECK_THROWS_WITH_AS(s.createOutputs(bad), doctest::Contains("invalid UTF-8 in field 'output'"), StoreError);
    CHECK(s.countOutputs({}) == 4500);
}

TEST_CASE("migration to version 3 rebuilds outputs with the old column order, keeping rows, search and capture") {
    TempDir dir;
    auto path = dir.file("v2.db");
    {
        sql::Db db(path);
        migrate(db, 2);
        db.exec("INSERT INTO prompts(id, title, body) VALUES ('p1', 'title', 'body')");
        db.exec("INSERT INTO tags(id, name) VALUES ('t1', 'tag')");
        for (int i = 0; i < 30; ++i)
            db.exec("INSERT INTO outputs(id, prompt_id, output, rating) VALUES ('o" + std::to_string(i) + "', 'p1', 'walrus number " +
                    std::to_string(i) + "', " + std::to_string(1 + i % 5) + ")");
        db.exec("INSERT INTO output_tags(output_id, tag_id) VALUES ('o1', 't1'), ('o2', 't1')");
        db.exec("UPDATE outputs SET deleted_at = '2026-01-01T00:00:00.000Z' WHERE id = 'o2'");
        // The version-2 layout: long texts before the stamps.
        db.exec(R"SQL(
DROP TRIGGER outputs_fts_ins; DROP TRIGGER outputs_fts_del; DROP TRIGGER outputs_fts_upd;
DROP TRIGGER pv_cap_ins_outputs; DROP TRIGGER pv_cap_upd_outputs; DROP TRIGGER pv_softdel_outputs;
CREATE TABLE old_outputs (id TEXT NOT NULL, prompt_id TEXT REFERENCES prompts(id) DEFERRABLE INITIALLY DEFERRED,
  model_id TEXT, agent_id TEXT, rating INTEGER, captured_at TEXT NOT NULL, source TEXT NOT NULL DEFAULT '',
  conversation_id TEXT NOT NULL DEFAULT '', conversation_title TEXT NOT NULL DEFAULT '', message_id TEXT NOT NULL DEFAULT '',
  conversation_url TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '', output TEXT NOT NULL DEFAULT '', output_edited TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT, PRIMARY KEY (id));
INSERT INTO old_outputs(rowid, id, prompt_id, model_id, agent_id, rating, captured_at, source, conversation_id, conversation_title,
  message_id, conversation_url, notes, output, output_edited, created_at, updated_at, deleted_at)
  SELECT rowid, id, prompt_id, model_id, agent_id, rating, captured_at, source, conversation_id, conversation_title,
  message_id, conversation_url, notes, output, output_edited, created_at, updated_at, deleted_at FROM outputs;
DROP TABLE outputs;
ALTER TABLE old_outputs RENAME TO outputs;
)SQL");
        CHECK(db.queryText("SELECT name FROM pragma_table_info('outputs') WHERE cid = 14") == "created_at");
    }
    Store s(path);
    CHECK(s.schemaVersion() == kSchemaVersion);
    CHECK(pv::StoreInternals::db(s).queryText("SELECT name FROM pragma_table_info('outputs') WHERE cid = 11") == "created_at");
    // The long texts stay after the stamps; columns added later (language, version 10) follow them.
    CHECK(pv::StoreInternals::db(s).queryText("SELECT name FROM pragma_table_info('outputs') WHERE cid = 16") == "output_edited");
    CHECK(s.countOutputs({}) == 29);
    CHECK(s.getOutput("o7")->output == "walrus number 7");
    CHECK(s.getOutput("o7")->rating == 3);
    CHECK(s.search("walrus", 100).size() == 29);  // the FTS index still points at the right rows
    CHECK(relationTotal(s, {Kind::Prompt, "p1"}, "outputs") == 29);
    CHECK(relationTotal(s, {Kind::Tag, "t1"}, "outputs") == 1);
    CHECK(pv::StoreInternals::db(s).queryInt("PRAGMA foreign_keys") == 1);
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM pragma_foreign_key_check") == 0);
    auto before = s.pendingChanges();
    auto o = *s.getOutput("o3");
    o.outputEdited = "edited walrus";
    s.updateOutput(o);
    CHECK(s.pendingChanges() == before + 1);
    CHECK(s.search("edited").size() == 1);
    s.softDelete({Kind::Output, "o4"});
    CHECK(s.countOutputs({}) == 28);
}

TEST_CASE("migration to version 4 sets the FTS5 flush size and keeps rows, search and capture") {
    TempDir dir;
    auto path = dir.file("v3.db");
    {
        sql::Db db(path);
        migrate(db, 3);
        db.exec("INSERT INTO prompts(id, title, body) VALUES ('p1', 'heron title', 'body')");
        for (int i = 0; i < 20; ++i)
            db.exec("INSERT INTO outputs(id, prompt_id, output) VALUES ('o" + std::to_string(i) + "', 'p1', 'heron number " + std::to_string(i) + "')");
        CHECK(db.queryInt("SELECT count(*) FROM outputs_fts_config WHERE k = 'hashsize'") == 0);
        CHECK(db.queryInt("SELECT count(*) FROM pv_changes") == 21);
    }
    Store s(path);
    CHECK(s.schemaVersion() == kSchemaVersion);
    for (const char* t : {"outputs_fts_config", "prompts_fts_config"})
        CHECK(pv::StoreInternals::db(s).queryInt(std::string("SELECT v FROM ") + t + " WHERE k = 'hashsize'") == 16 * 1024 * 1024);
    CHECK(s.search("heron", 100).size() == 21);
    CHECK(s.search("heron", 100, SearchOrder::Newest).size() == 21);
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM pv_changes") == 21);  // migrating logs nothing
    // Capture still logs inserts and updates exactly as before.
    std::vector<Output> more(3);
    for (auto& o : more) o.output = "heron again";
    s.createOutputs(more);
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM pv_changes WHERE op = 'insert' AND tbl = 'outputs'") == 23);
    auto o = *s.getOutput("o5");
    o.notes = "a note";
    s.updateOutput(o);
    auto cols = nlohmann::json::parse(pv::StoreInternals::db(s).queryText("SELECT cols FROM pv_changes ORDER BY seq DESC LIMIT 1"));
    CHECK(cols["notes"] == "a note");
    CHECK(cols.contains("updated_at"));
    CHECK(!cols.contains("output"));
    CHECK(s.search("heron", 100).size() == 24);
    // A fresh vault gets the same setting through the same step.
    Store fresh(dir.file("new.db"));
    CHECK(pv::StoreInternals::db(fresh).queryInt("SELECT v FROM outputs_fts_config WHERE k = 'hashsize'") == 16 * 1024 * 1024);
}

TEST_CASE("migration to version 5: an insert's change names its columns, older pending entries stay readable") {
    TempDir dir;
    auto path = dir.file("v4.db");
    {
        sql::Db db(path);
        makeVersion4(db);
        db.exec("INSERT INTO outputs(id, output) VALUES ('o-old', 'written at version 4')");
        CHECK(nlohmann::json::parse(db.queryText("SELECT cols FROM pv_changes"))["output"] == "written at version 4");
    }
    Store s(path);
    CHECK(s.schemaVersion() == kSchemaVersion);
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM pv_changes") == 1);  // the old entry is kept as it was
    CHECK(s.countOutputs({}) == 1);
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT n FROM pv_counts WHERE rel = 'outputs' AND id = ''") == 1);
    // Version 5's triggers replaced version 4's: the outputs insert counter can be paused.
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'pv_cnt_outputs_ins' AND sql LIKE '%applying%'") == 1);
    Output o;
    o.output = std::string(5000, 'x');
    o = s.createOutput(o);
    auto cols = nlohmann::json::parse(pv::StoreInternals::db(s).queryText("SELECT cols FROM pv_changes ORDER BY seq DESC LIMIT 1"));
    REQUIRE(cols.is_array());
    const auto& table = *findTable("outputs");
    REQUIRE(cols.size() == table.columns.size());
    for (size_t i = 0; i < cols.size(); ++i) CHECK(cols[i] == table.columns[i].name);
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT n FROM pv_counts WHERE rel = 'outputs' AND id = ''") == 2);
    std::vector<Output> bulk(3);
    for (auto& b : bulk) b.output = "bulk after the migration";
    s.createOutputs(bulk);
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT n FROM pv_counts WHERE rel = 'outputs' AND id = ''") == 5);  // counted once each
    // The text lives once, in the row: the change entry is a few hundred bytes.
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT length(cols) FROM pv_changes WHERE row_key = '" + o.id + "'") < 400);
    // Updates still carry the values they wrote.
    auto got = s.getOutput(o.id).value();
    got.rating = 4;
    s.updateOutput(got);
    auto upd = nlohmann::json::parse(pv::StoreInternals::db(s).queryText("SELECT cols FROM pv_changes ORDER BY seq DESC LIMIT 1"));
    CHECK(upd["rating"] == 4);
}

TEST_CASE("migration to version 6: search insert triggers can pause, every row stays searchable") {
    TempDir dir;
    auto path = dir.file("v5.db");
    {
        sql::Db db(path);
        migrate(db, 5);
        db.exec("INSERT INTO prompts(id, title, body) VALUES ('p1', 'plover title', 'plover body')");
        db.exec("INSERT INTO outputs(id, prompt_id, output) VALUES ('o1', 'p1', 'plover answer')");
        CHECK(db.queryInt("SELECT count(*) FROM sqlite_schema WHERE name LIKE '%_fts_ins' AND sql LIKE '%applying%'") == 0);
    }
    Store s(path);
    CHECK(s.schemaVersion() == kSchemaVersion);
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM sqlite_schema WHERE name IN ('outputs_fts_ins', 'prompts_fts_ins') AND sql LIKE '%applying%'") == 2);
    CHECK(s.search("plover", 10).size() == 2);  // indexed before the migration, still found
    // After it: a single write, a bulk write and a write with capture off (a sync) are all indexed.
    s.createOutput({.promptId = "p1", .output = "plover single"});
    std::vector<Output> bulk(4);
    for (auto& o : bulk) o.output = "plover bulk";
    s.createOutputs(bulk);
    pv::StoreInternals::db(s).exec("UPDATE pv_sync_state SET applying = 1");
    pv::StoreInternals::db(s).exec("INSERT INTO outputs(id, output) VALUES ('o-sync', 'plover synced')");
    pv::StoreInternals::db(s).exec("UPDATE pv_sync_state SET applying = 0");
    CHECK(s.search("plover", 20).size() == 8);
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM outputs_fts_docsize") == 7);
    for (const char* fts : {"outputs_fts", "prompts_fts"})
        CHECK_NOTHROW(pv::StoreInternals::db(s).exec(std::string("INSERT INTO ") + fts + "(" + fts + ", rank) VALUES ('integrity-check', 1)"));
}

TEST_CASE("page size: a new vault uses large pages, an existing vault keeps its own") {
    TempDir dir;
    {
        Store fresh(dir.file("new.db"));
        CHECK(pv::StoreInternals::db(fresh).queryInt("PRAGMA page_size") == kPageSize);
    }
    auto oldPath = dir.file("old.db");
    {
        sql::Db db(oldPath);
        db.exec("PRAGMA page_size = 4096");
        migrate(db, 4);
        db.exec("INSERT INTO prompts(id, title) VALUES ('p1', 'small pages')");
    }
    Store old(oldPath);
    CHECK(pv::StoreInternals::db(old).queryInt("PRAGMA page_size") == 4096);
    CHECK(old.getPrompt("p1")->title == "small pages");
    Output o;
    o.promptId = "p1";
    o.output = std::string(20000, 'y');
    o = old.createOutput(o);
    CHECK(old.getOutput(o.id).value().output.size() == 20000);
}

TEST_CASE("bulk insert logs one change per output, in order, with the clocks the trigger would give") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "chunk prompt", .body = ""});
    auto m = s.createModel({.name = "bulk model"});
    std::vector<Output> outs(5);
    for (size_t i = 0; i < outs.size(); ++i) {
        outs[i].output = "bulk " + std::to_string(i);
        if (i % 2 == 0) outs[i].promptId = p.id;
        if (i < 3) outs[i].modelId = m.id;
    }
    const int64_t before = pv::StoreInternals::db(s).queryInt("SELECT coalesce(max(seq), 0) FROM pv_changes");
    s.createOutputs(outs);
    // The relation counters are kept for the chunk too (they are what the graph's hubs and usage read).
    auto count = [&](const std::string& rel, const std::string& id) {
        return pv::StoreInternals::db(s).queryInt("SELECT coalesce((SELECT n FROM pv_counts WHERE rel = '" + rel + "' AND id = '" + id + "'), 0)");
    };
    CHECK(count("outputs", "") == 5);
    CHECK(count("prompt.outputs", p.id) == 3);
    CHECK(count("model.outputs", m.id) == 3);
    CHECK(relationTotal(s, {Kind::Prompt, p.id}, "outputs") == 3);
    auto q = pv::StoreInternals::db(s).prepare("SELECT tbl, row_key, op, cols, hlc, device_id FROM pv_changes WHERE seq > ? ORDER BY seq");
    q.bind(1, before);
    std::string lastClock;
    size_t i = 0;
    while (q.step()) {
        REQUIRE(i < outs.size());
        CHECK(q.getText(0) == "outputs");
        CHECK(q.getText(1) == outs[i].id);
        CHECK(q.getText(2) == "insert");
        CHECK(q.getText(3) == findTable("outputs")->insertColumnsJson());
        CHECK(q.getText(4) > lastClock);
        CHECK(q.getText(5) == s.deviceId());
        if (!lastClock.empty()) {
            // One statement stamped the chunk: one millisecond, consecutive counters (a per-row
            // fallback would tick the clock per row and could cross milliseconds).
            CHECK(q.getText(4).substr(0, 15) == lastClock.substr(0, 15));
            CHECK(std::stoll(q.getText(4).substr(16)) == std::stoll(lastClock.substr(16)) + 1);
        }
        lastClock = q.getText(4);
        ++i;
    }
    CHECK(i == outs.size());
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT applying FROM pv_sync_state") == 0);
    // The device clock continues after the last stamp, and capture is on again for every writer.
    s.createTag({.name = "after the bulk insert"});
    pv::StoreInternals::db(s).exec("INSERT INTO models(id, name) VALUES ('m-shell', 'written like the sqlite3 shell')");
    auto tail = pv::StoreInternals::db(s).prepare("SELECT tbl, hlc FROM pv_changes WHERE seq > ? ORDER BY seq");
    tail.bind(1, before + static_cast<int64_t>(outs.size()));
    REQUIRE(tail.step());
    CHECK(tail.getText(0) == "tags");
    CHECK(tail.getText(1) > lastClock);
    REQUIRE(tail.step());
    CHECK(tail.getText(0) == "models");
    CHECK(s.search("bulk", 10).size() == 5);
    CHECK(s.countOutputs({}) == 5);
}

TEST_CASE("list outputs filtered by a common word and by a rare one: same rows, order and pages as without the word") {
    TempDir dir;
    Store s(dir.file("v.db"));
    std::vector<Output> outs(300);
    for (size_t i = 0; i < outs.size(); ++i) {
        outs[i].output = (i % 3 ? "plenty of heron here " : "nothing to see ") + std::to_string(i) + (i == 7 || i == 250 ? " kingfisher" : "");
        char at[64];
        std::snprintf(at, sizeof at, "2026-01-01T00:%02zu:%02zu.000Z", i / 60, i % 60);
        outs[i].capturedAt = at;
    }
    s.createOutputs(outs);
    for (auto sort : {OutputSort::CapturedDesc, OutputSort::CapturedAsc, OutputSort::UpdatedDesc, OutputSort::RatingDesc}) {
        for (const char* word : {"heron", "kingfisher"}) {
            CAPTURE(word);
            // Expected: every output whose text has the word, in the sort's order.
            std::vector<std::string> expected;
            PageCursor at;
            do {
                auto page = s.listOutputs({}, sort, at, 50);
                for (const auto& r : page.rows)
                    if (s.getOutput(r.id)->output.find(word) != std::string::npos) expected.push_back(r.id);
                at = page.next;
            } while (at.valid);
            std::vector<std::string> got;
            OutputFilter f;
            f.text = word;
            at = {};
            do {
                auto page = s.listOutputs(f, sort, at, 10);  // small pages: "heron" is dense, "kingfisher" is not
                for (const auto& r : page.rows) got.push_back(r.id);
                at = page.next;
            } while (at.valid);
            CHECK(got == expected);
        }
    }
    CHECK(s.countOutputs({.text = "heron"}) == 200);
}

TEST_CASE("outputs.language: stored, edited, validated with a clear error, and filtered by") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto de = s.createOutput({.output = "Die Antwort ist kurz.", .language = "de"});
    CHECK(s.getOutput(de.id)->language == "de");
    auto unknown = s.createOutput({.output = "42"});
    CHECK(s.getOutput(unknown.id)->language.empty());

    // Set by hand: a region subtag is a code too; anything else is refused, naming the column and value.
    auto edit = *s.getOutput(unknown.id);
    edit.language = "pt-br";
    s.updateOutput(edit);
    CHECK(s.getOutput(unknown.id)->language == "pt-br");
    edit.language = "Portuguese";
    CHECK_THROWS_WITH_AS(s.updateOutput(edit), doctest::Contains("language 'Portuguese' is not a language code"), StoreError);
    CHECK(s.getOutput(unknown.id)->language == "pt-br");  // nothing stored

    // The change log carries the column like any other.
    auto& q = pv::StoreInternals::db(s).cached("SELECT cols FROM pv_changes WHERE tbl = 'outputs' AND row_key = ? AND op = 'update' ORDER BY seq DESC LIMIT 1");
    sql::StmtUse use(q);
    q.bind(1, unknown.id);
    REQUIRE(q.step());
    CHECK(nlohmann::json::parse(q.getText(0)).at("language") == "pt-br");

    OutputFilter f;
    f.language = "de";
    auto page = s.listOutputs(f);
    REQUIRE(page.rows.size() == 1);
    CHECK(page.rows[0].id == de.id);
    f.language = "";
    CHECK(s.listOutputs(f).rows.empty());  // "not known": none left
    f.language = "pt-br";
    CHECK(s.listOutputs(f).rows.size() == 1);
    // The filter is served by its index, in the list's order.
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'outputs_language'") == 1);
}

TEST_CASE("the table description drives row binding: every described column round-trips through create and get") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "t"});
    Output o;
    o.promptId = p.id;
    o.rating = 4;
    o.capturedAt = "2026-12-05T10:00:00.000Z";
    o.source = "src";
    o.conversationId = "cid";
    o.conversationTitle = "ctitle";
    o.messageId = "mid";
    o.conversationUrl = "https://example.org/c";
    o.notes = "notes";
    o.output = "raw";
    o.outputEdited = "edited";
    o.language = "en";
    auto back = *s.getOutput(s.createOutput(o).id);
    CHECK(sameFields(back, o));
    // Every column of the outputs table is a field of Output (or id or a stamp), and the other way round.
    std::set<std::string> described{"id", "created_at", "updated_at", "deleted_at"};
    for (const auto& f : entityTable<Output>().fields) described.insert(f.column.name);
    std::set<std::string> stored;
    auto st = pv::StoreInternals::db(s).prepare("SELECT name FROM pragma_table_info('outputs')");
    while (st.step()) stored.insert(st.getText(0));
    CHECK(stored == described);
    // A draft's field map round-trips each field, integers and NULLs included.
    Output restored;
    setFieldTexts(restored, fieldTexts(back));
    CHECK(sameFields(restored, back));
}
