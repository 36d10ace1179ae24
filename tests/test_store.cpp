// The store: CRUD of every entity, links, tombstones, search, neighbours, migrations, bad input.
#include "Migrations.hpp"
#include "Schema.hpp"
#include "Store.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <sstream>
#include <sys/stat.h>

using namespace pv;
using pv::test::TempDir;

namespace {
nlohmann::json exportOf(Store& s) {
    std::ostringstream out;
    s.exportJson(out);
    return nlohmann::json::parse(out.str());
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
    CHECK(s.db().queryInt("SELECT count(*) FROM output_tags") == 1);
    s.linkTag(Kind::Prompt, p.id, t.id);
    CHECK(s.tagsOf(Kind::Prompt, p.id).size() == 1);
    CHECK_THROWS_AS(s.linkTag(Kind::Output, "no-such-output", t.id), StoreError);
}

TEST_CASE("QA checklist and prompt iterations") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "Write a haiku", .body = "Write a haiku about sync"});
    auto q1 = s.findOrCreateQaActivity("Tone checked");
    auto q2 = s.findOrCreateQaActivity("Facts checked");
    auto list = s.qaChecklist(p.id);
    REQUIRE(list.size() == 2);
    CHECK(!list[0].done);
    s.setQaCheck(p.id, q1.id, true, "fine");
    list = s.qaChecklist(p.id);
    CHECK(list[0].done);
    CHECK(list[0].doneAt.has_value());
    CHECK(list[0].note == "fine");
    auto rows = s.listPrompts({}).rows;
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
    s.setQaCheck(p.id, q2.id, false, "");
    CHECK(!s.qaChecklist(p.id)[1].doneAt.has_value());

    auto it = s.newIteration(p.id);
    CHECK(it.derivedFromId == p.id);
    CHECK(it.body == p.body);
    REQUIRE(s.iterationsOf(p.id).size() == 1);
    CHECK(s.iterationsOf(p.id)[0].id == it.id);
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

TEST_CASE("neighbours: output, prompt, tag and hub counts") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "P"});
    auto m = s.findOrCreateModel("M");
    auto t = s.findOrCreateTag("T");
    std::string first;
    for (int i = 0; i < 60; ++i) {
        Output o;
        o.promptId = p.id;
        o.modelId = m.id;
        o.output = "o" + std::to_string(i);
        o = s.createOutput(o);
        s.linkTag(Kind::Output, o.id, t.id);
        if (i == 0) first = o.id;
    }
    auto it = s.newIteration(p.id);
    auto groupOf = [](const std::vector<NeighbourGroup>& gs, const std::string& rel) -> const NeighbourGroup* {
        for (auto& g : gs)
            if (g.relation == rel) return &g;
        return nullptr;
    };
    auto ng = s.neighbours({Kind::Output, first});
    REQUIRE(groupOf(ng, "prompt"));
    CHECK(groupOf(ng, "prompt")->items[0].ref.id == p.id);
    CHECK(groupOf(ng, "model")->items[0].ref.id == m.id);
    CHECK(groupOf(ng, "tags")->items[0].ref.id == t.id);
    auto pg = s.neighbours({Kind::Prompt, p.id}, 50);
    CHECK(groupOf(pg, "outputs")->total == 60);
    CHECK(groupOf(pg, "outputs")->items.size() == 50);
    CHECK(groupOf(pg, "iterations")->items[0].ref.id == it.id);
    auto tg = s.neighbours({Kind::Tag, t.id}, 10);
    CHECK(groupOf(tg, "outputs")->total == 60);
    CHECK(groupOf(tg, "outputs")->items.size() == 10);
    auto ig = s.neighbours({Kind::Prompt, it.id});
    CHECK(groupOf(ig, "derived_from")->items[0].ref.id == p.id);
}

TEST_CASE("change capture: every write logs changed columns with an HLC stamp and device id") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto p = s.createPrompt({.title = "a", .body = "b"});
    auto before = s.db().queryInt("SELECT max(seq) FROM pv_changes");
    p.title = "A";
    s.updatePrompt(p);
    sql::Stmt q = s.db().prepare("SELECT tbl, row_key, op, cols, hlc, device_id FROM pv_changes WHERE seq > ? ORDER BY seq");
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
    CHECK(s.db().queryInt("SELECT count(*) FROM pv_changes WHERE seq > " + std::to_string(before)) == 1);
    // Clocks only move forward.
    p.body = "c";
    s.updatePrompt(p);
    CHECK(s.db().queryText("SELECT hlc FROM pv_changes ORDER BY seq DESC LIMIT 1") > hlc1);
    // A change and its log entry are one transaction: a rolled-back write leaves no change.
    auto n = s.db().queryInt("SELECT count(*) FROM pv_changes");
    try {
        s.transaction([&] {
            s.createTag({.name = "doomed"});
            throw std::runtime_error("abort");
        });
    } catch (const std::runtime_error&) {
    }
    CHECK(s.db().queryInt("SELECT count(*) FROM pv_changes") == n);
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
    auto ops = s.db().queryText("SELECT group_concat(tbl || ':' || op, ',') FROM (SELECT * FROM pv_changes ORDER BY seq)");
    CHECK(ops == "models:insert,outputs:insert,tags:insert,outputs:update,outputs:update");
    auto lastCols = nlohmann::json::parse(s.db().queryText("SELECT cols FROM pv_changes ORDER BY seq DESC LIMIT 1"));
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
    { Store s(newer); s.db().exec("PRAGMA user_version = 99"); }
    CHECK_THROWS_WITH_AS(Store{newer}, doctest::Contains("newer than this build"), StoreError);

    auto folder = dir.path() / "adir";
    std::filesystem::create_directory(folder);
    CHECK_THROWS_WITH_AS(Store{folder.string()}, doctest::Contains("is a directory"), StoreError);
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
    CHECK(s.db().queryInt("SELECT count(*) FROM pv_changes WHERE tbl = 'lookups'") == 1);
    CHECK(s.db().queryInt("SELECT count(*) FROM pv_changes WHERE tbl = 'outputs'") == 1);
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
