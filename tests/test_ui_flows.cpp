// The app's main flows driven through its real ImGui widgets in a headless ImGui context (no GPU,
// no window): simulated mouse and keyboard, assertions on the Store afterwards.
#include "ui/App.hpp"
#include "ui/OutputEditor.hpp"
#include "ui/OutputsPanel.hpp"
#include "ui/PromptsPanel.hpp"
#include "Store.hpp"
#include "StoreInternals.hpp"
#include "ui/Style.hpp"
#include "KeyringSession.hpp"
#include "TestUtil.hpp"
#include "UiHarness.hpp"
#include "sync/Keyring.hpp"
#include "ui/Widgets.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <algorithm>
#include <set>
#include <imgui.h>

#include <sys/stat.h>

using namespace pv;
using namespace pv::ui;
using pv::test::KeyringSession;
using pv::test::TempDir;

namespace {

// Each test on a vault of its own.
struct VaultDir {
    TempDir dir;
};
class Harness : private VaultDir, public pv::test::UiHarness {
public:
    explicit Harness(ImVec2 display = ImVec2(1440, 900)) : UiHarness(dir.file("v.db"), nullptr, display) {}
    using VaultDir::dir;
};

} // namespace

TEST_CASE("create an output: pick an existing prompt, create a model in place, add two tags, type the text, Ctrl+S") {
    Harness h;
    auto prompt = h.store.createPrompt({.title = "Explain CRDTs", .body = "Explain CRDTs in one paragraph"});
    h.store.createPrompt({.title = "Summarise notes", .body = "Summarise"});
    h.app->dataChanged();
    h.ctrl('N');
    REQUIRE(h.app->outputEditor().isNew());

    h.click("pickerinput:prompt");
    h.type("CRDT");
    h.settle();
    h.click("picker:prompt:Explain CRDTs");
    CHECK(h.app->outputEditor().draft().promptId == std::optional<std::string>(prompt.id));

    h.click("pickerinput:model");
    h.type("o3-pro");
    h.settle();
    h.click("picker:model:+new");
    auto modelId = h.store.findByName(Kind::Model, "o3-pro");
    REQUIRE(modelId);  // created in place, before the output is saved
    CHECK(h.app->outputEditor().draft().modelId == modelId);

    h.click("pickerinput:tags");
    h.type("distributed");
    h.settle();
    h.press(ImGuiKey_Enter);  // Enter creates the tag
    h.settle();
    h.type("explain");
    h.settle();
    h.press(ImGuiKey_Enter);
    h.settle();

    h.click("text:raw");
    h.type("A CRDT is a replicated data type — naïve merges always converge.");
    h.ctrl('S');
    h.settle();

    auto page = h.store.listOutputs({});
    REQUIRE(page.rows.size() == 1);
    auto o = h.store.getOutput(page.rows[0].id);
    REQUIRE(o);
    CHECK(o->promptId == std::optional<std::string>(prompt.id));
    CHECK(o->modelId == modelId);
    CHECK(o->output == "A CRDT is a replicated data type — naïve merges always converge.");
    auto tags = h.store.tagsOf(Kind::Output, o->id);
    REQUIRE(tags.size() == 2);
    std::set<std::string> names{tags[0].name, tags[1].name};
    CHECK(names == std::set<std::string>{"distributed", "explain"});
    CHECK(!h.app->outputEditor().dirty());
    CHECK(!h.app->outputEditor().isNew());
}

TEST_CASE("tick a QA check in the prompt editor") {
    Harness h;
    auto p = h.store.createPrompt({.title = "Summarise", .body = "Summarise this"});
    auto fact = h.store.findOrCreateQaActivity("Fact check");
    auto tone = h.store.findOrCreateQaActivity("Tone");
    h.store.addQaChecks({p.id}, {fact.id, tone.id});
    h.app->open({Kind::Prompt, p.id});
    h.settle();
    h.click("qa:Tone");
    auto checks = h.store.qaChecklist(p.id);
    REQUIRE(checks.size() == 2);
    for (auto& c : checks) {
        CHECK(c.done == (c.activityName == "Tone"));
        if (c.done) CHECK(c.doneAt.has_value());
    }
    // Unticking clears it again.
    h.click("qa:Tone");
    for (auto& c : h.store.qaChecklist(p.id)) CHECK(!c.done);
}

TEST_CASE("edit output_edited: one click starts it from the raw text, typing corrects it, Ctrl+S saves") {
    Harness h;
    Output o;
    o.output = "Teh answer";
    o = h.store.createOutput(o);
    h.app->open({Kind::Output, o.id});
    h.app->outputEditor().setTab(1);
    h.settle();
    h.click("edited:start");
    CHECK(h.app->outputEditor().draft().outputEdited == std::optional<std::string>("Teh answer"));
    h.click("text:edited");
    h.type(", corrected");
    CHECK(h.app->outputEditor().dirty());
    h.ctrl('S');
    auto got = h.store.getOutput(o.id);
    REQUIRE(got);
    CHECK(got->outputEdited == std::optional<std::string>("Teh answer, corrected"));
    CHECK(got->output == "Teh answer");  // the raw text stays as it was
}

TEST_CASE("delete an output, then undo with Ctrl+Z restores it with its tags") {
    Harness h;
    Output o;
    o.output = "to be deleted";
    o = h.store.createOutput(o);
    auto t = h.store.findOrCreateTag("keep");
    h.store.linkTag(Kind::Output, o.id, t.id);
    h.app->open({Kind::Output, o.id});
    h.settle();
    h.click("output:delete");
    REQUIRE(h.store.getOutput(o.id));
    CHECK(h.store.getOutput(o.id)->deleted());
    CHECK(h.store.listOutputs({}).rows.empty());
    h.ctrl('Z');
    CHECK(!h.store.getOutput(o.id)->deleted());
    auto tags = h.store.tagsOf(Kind::Output, o.id);
    REQUIRE(tags.size() == 1);
    CHECK(tags[0].name == "keep");
}

TEST_CASE("switching records with unsaved edits asks; Cancel keeps them, Save writes them") {
    Harness h;
    Output a, b;
    a.output = "first";
    b.output = "second";
    a = h.store.createOutput(a);
    b = h.store.createOutput(b);
    h.app->open({Kind::Output, a.id});
    h.settle();
    h.click("text:raw");
    h.type(" edited");
    h.app->open({Kind::Output, b.id});
    h.settle();
    CHECK(h.app->modalOpen());
    h.click("unsaved:cancel");
    CHECK(h.app->outputEditor().record()->id == a.id);
    CHECK(h.app->outputEditor().dirty());
    h.app->open({Kind::Output, b.id});
    h.settle();
    h.click("unsaved:save");
    CHECK(h.store.getOutput(a.id)->output == "first edited");
    CHECK(h.app->outputEditor().record()->id == b.id);
    // Closing the window with edits asks too.
    h.click("text:raw");
    h.type("!");
    h.app->requestClose();
    h.settle();
    CHECK(!h.app->closeConfirmed());
    h.click("unsaved:discard");
    CHECK(h.app->closeConfirmed());
    CHECK(h.store.getOutput(b.id)->output == "second");
}

TEST_CASE("the Sync screen lists a change the server refused, with its reason, and Retry requeues it") {
    Harness h;
    auto p = h.store.createPrompt({.title = "refused one", .body = ""});
    const int64_t seq = pv::StoreInternals::db(h.store).queryInt("SELECT max(seq) FROM pv_changes");
    pv::StoreInternals::db(h.store).exec("UPDATE pv_changes SET status = 'set_aside', error = 'violates foreign key constraint' WHERE seq = " +
                      std::to_string(seq));
    h.app->show(Screen::Sync);
    h.settle();
    h.click("refused:retry:" + std::to_string(seq));
    CHECK(pv::StoreInternals::db(h.store).queryInt("SELECT count(*) FROM pv_changes WHERE status = 'set_aside'") == 0);
    CHECK(pv::StoreInternals::db(h.store).queryText("SELECT status || ' ' || error FROM pv_changes WHERE seq = " + std::to_string(seq)) ==
          "pushed retried as change " + std::to_string(seq + 1));
    CHECK(pv::StoreInternals::db(h.store).queryText("SELECT row_key || ' ' || status FROM pv_changes WHERE seq = " + std::to_string(seq + 1)) ==
          p.id + " pending");
    testhook::clear();
    h.settle();
    CHECK(testhook::rect("sync:now"));  // the screen is still drawn...
    CHECK(!testhook::rect("refused:retryall"));  // the list is gone once nothing is refused
}

namespace {
// Characters Debian's 16-bit ImGui would turn into U+FFFD, and scripts it draws only with help.
const std::string kHoldAll = "Rocket 🚀, 👩‍💻 codes, 𝑥² + 1, 𠀋, \xEE\x80\x80 (U+E000), שלום, مرحبا, 日本語, देवनागरी, e\xCC\x81 combining";

// Click a field, go to its end, type one character, save.
void appendInField(Harness& h, const std::string& field) {
    h.click("field:" + field);
    h.press(ImGuiKey_End);
    h.type("!");
    h.ctrl('S');
    h.settle();
}
} // namespace

TEST_CASE("every untouched character survives focusing, typing and saving: raw output, edited output, notes") {
    Harness h;
    Output o;
    o.output = kHoldAll;
    o.outputEdited = kHoldAll;
    o.notes = kHoldAll;
    o = h.store.createOutput(o);
    h.app->open({Kind::Output, o.id});
    h.settle();
    appendInField(h, "##raw");
    CHECK(h.store.getOutput(o.id)->output == kHoldAll + "!");
    appendInField(h, "##notes");
    CHECK(h.store.getOutput(o.id)->notes == kHoldAll + "!");
    h.app->outputEditor().setTab(1);
    h.settle();
    appendInField(h, "##edited");
    auto got = h.store.getOutput(o.id);
    CHECK(got->outputEdited == std::optional<std::string>(kHoldAll + "!"));
    CHECK(got->output == kHoldAll + "!");
    CHECK(got->notes == kHoldAll + "!");
}

TEST_CASE("every untouched character survives editing a prompt title and a tag name") {
    Harness h;
    auto p = h.store.createPrompt({.title = kHoldAll, .body = "body " + kHoldAll});
    auto t = h.store.findOrCreateTag(kHoldAll);
    h.app->open({Kind::Prompt, p.id});
    h.settle();
    appendInField(h, "##title");
    auto got = h.store.getPrompt(p.id);
    REQUIRE(got);
    CHECK(got->title == kHoldAll + "!");
    CHECK(got->body == "body " + kHoldAll);
    h.app->open({Kind::Tag, t.id});
    h.settle();
    appendInField(h, "##name");
    auto tags = h.store.findByName(Kind::Tag, kHoldAll + "!");
    CHECK(tags == std::optional<std::string>(t.id));
}

TEST_CASE("an emoji typed or pasted into a field is stored as itself") {
    Harness h;
    Output o;
    o.output = "launch";
    o = h.store.createOutput(o);
    h.app->open({Kind::Output, o.id});
    h.settle();
    h.click("field:##raw");
    h.press(ImGuiKey_End);
    typeCharacter(U' ');
    typeCharacter(0x1F680);  // 🚀, as GLFW's char callback delivers it
    typeCharacter(0x20000B); // not a code point: ignored, like ImGui ignores it
    typeCharacter(0x2000B);  // 𠀋
    h.frame();
    h.ctrl('S');
    CHECK(h.store.getOutput(o.id)->output == "launch 🚀𠀋");
}

TEST_CASE("a text a field cannot carry is shown read-only with a note, and typing does not alter it") {
    Harness h;
    Output o;
    o.output = std::string("before") + '\0' + "after, stored by another program";
    o = h.store.createOutput(o);
    const std::string stored = h.store.getOutput(o.id)->output;
    REQUIRE(stored.size() > 6);
    h.app->open({Kind::Output, o.id});
    h.settle();
    CHECK(testhook::rect("readonly:##raw"));
    h.click("field:##raw");
    h.type("x");
    h.ctrl('S');
    CHECK(h.store.getOutput(o.id)->output == stored);
}

TEST_CASE("copying out of a field gives the real characters, and pasting them back keeps them") {
    Harness h;
    carryClipboard();
    Output o;
    o.output = "start";
    o = h.store.createOutput(o);
    h.app->open({Kind::Output, o.id});
    h.settle();
    copyToClipboard(" 🚀 and 𠀋");
    // ImGui's own shortcut keys (its key map), with Ctrl held.
    auto shortcut = [&](int imguiKey) {
        ImGuiIO& io = ImGui::GetIO();
        io.KeyCtrl = true;
        h.press(imguiKey);
        io.KeyCtrl = false;
        h.frame();
    };
    h.click("field:##raw");
    h.press(ImGuiKey_End);
    shortcut(ImGuiKey_V);
    h.ctrl('S');
    CHECK(h.store.getOutput(o.id)->output == "start 🚀 and 𠀋");
    // Select all and copy: the platform's clipboard (ImGui's own store here) gets the stored
    // characters, not stand-ins.
    h.click("field:##raw");
    shortcut(ImGuiKey_A);
    shortcut(ImGuiKey_C);
    CHECK(std::string(GImGui->ClipboardHandlerData.Data) == "start 🚀 and 𠀋");
}

TEST_CASE("Ctrl+K lists a record once, even when its name and its text both match") {
    Harness h;
    h.store.createPrompt({.title = "Zeppelin checklist", .body = "Check every zeppelin before flight"});
    h.app->dataChanged();
    h.settle();
    h.ctrl('K');
    h.settle();
    h.type("zeppelin");
    h.settle(6);
    CHECK(testhook::rect("jump:hit:0"));
    CHECK(!testhook::rect("jump:hit:1"));
}

TEST_CASE("a lookup's new-value field keeps the focus after Enter: several values are typed in a row") {
    Harness h;
    auto lookup = h.store.createLookup({.name = "Project", .appliesTo = "outputs"});
    h.app->open({Kind::Lookup, lookup.id});
    h.settle();
    h.click("customlookup:newvalue");
    h.type("Apollo");
    h.press(ImGuiKey_Enter);
    h.settle();
    h.type("Hermes");  // no click in between
    h.press(ImGuiKey_Enter);
    h.settle();
    std::set<std::string> values;
    for (auto& v : h.store.lookupValues(lookup.id)) values.insert(v.value);
    CHECK(values == std::set<std::string>{"Apollo", "Hermes"});
}

TEST_CASE("the Markdown preview keeps a poem's line breaks and sets emphasis in italics") {
    Harness h;
    const Fonts& fonts = h.app->fonts();
    REQUIRE(fonts.italic != fonts.body);  // DejaVu Sans Oblique is installed by make
    auto blocks = MarkdownView::previewRuns("An old silent pond\nA frog jumps into the pond\nSplash! Silence again\n\nSome *emphasis* here", fonts);
    REQUIRE(blocks.size() == 2);
    std::string poem;
    for (const auto& r : blocks[0]) poem += r.text;
    CHECK(poem == "An old silent pond\nA frog jumps into the pond\nSplash! Silence again");
    int italicRuns = 0;
    for (const auto& r : blocks[1]) {
        if (r.text == "emphasis") CHECK(r.font == fonts.italic);
        else CHECK(r.font == fonts.body);
        italicRuns += r.font == fonts.italic;
    }
    CHECK(italicRuns == 1);
}

TEST_CASE("Ctrl+N with the cursor in an output's text opens an empty, untouched draft") {
    Harness h;
    Output o;
    o.output = "an answer that must stay where it is";
    o = h.store.createOutput(o);
    h.app->open({Kind::Output, o.id});
    h.settle();
    h.click("field:##raw");
    h.ctrl('N');
    h.settle();
    REQUIRE(h.app->outputEditor().isNew());
    CHECK(h.app->outputEditor().draft().output.empty());
    CHECK(!h.app->outputEditor().dirty());
    h.type("a new answer");
    h.ctrl('S');
    h.settle();
    int copies = 0;
    for (const auto& row : h.store.listOutputs({}).rows) copies += h.store.getOutput(row.id)->output == o.output;
    CHECK(copies == 1);  // nothing duplicated
}

TEST_CASE("creating a prompt, model, agent and tag in place on a brand-new untouched draft keeps the draft and selects them") {
    Harness h;
    h.ctrl('N');
    REQUIRE(h.app->outputEditor().isNew());
    REQUIRE(!h.app->outputEditor().dirty());
    h.click("pickerinput:prompt");
    h.type("Explain vector clocks");
    h.settle();
    h.press(ImGuiKey_Enter);  // creates the prompt in place
    h.settle();
    REQUIRE(h.app->outputEditor().isNew());
    auto promptId = h.store.findByName(Kind::Prompt, "Explain vector clocks");
    REQUIRE(promptId);
    CHECK(h.app->outputEditor().draft().promptId == promptId);
    h.click("pickerinput:model");
    h.type("o4-mini");
    h.settle();
    h.click("picker:model:+new");
    REQUIRE(h.app->outputEditor().isNew());
    CHECK(h.app->outputEditor().draft().modelId == h.store.findByName(Kind::Model, "o4-mini"));
    h.click("pickerinput:agent");
    h.type("Reviewer");
    h.settle();
    h.press(ImGuiKey_Enter);
    h.settle();
    REQUIRE(h.app->outputEditor().isNew());
    CHECK(h.app->outputEditor().draft().agentId == h.store.findByName(Kind::Agent, "Reviewer"));
    h.click("pickerinput:tags");
    h.type("distributed");
    h.settle();
    h.press(ImGuiKey_Enter);  // creates the tag
    h.settle();
    REQUIRE(h.app->outputEditor().isNew());
    h.click("field:##raw");
    h.type("Vector clocks order events.");
    h.ctrl('S');
    h.settle();
    auto page = h.store.listOutputs({});
    REQUIRE(page.rows.size() == 1);
    auto o = h.store.getOutput(page.rows[0].id);
    CHECK(o->promptId == promptId);
    CHECK(o->output == "Vector clocks order events.");
    auto tags = h.store.tagsOf(Kind::Output, o->id);
    REQUIRE(tags.size() == 1);
    CHECK(tags[0].name == "distributed");
}

TEST_CASE("one picker dropdown at a time: Tab to the next picker closes the first, Escape closes it") {
    Harness h;
    h.store.findOrCreateModel("gpt-4o");
    h.ctrl('N');
    h.settle();
    h.click("pickerinput:model");
    h.type("gpt");
    h.settle();
    CHECK(testhook::rect("picker:model:gpt-4o"));
    h.press(ImGuiKey_Tab);  // on to the agent picker
    h.settle();
    testhook::clear();
    h.settle();
    CHECK(!testhook::rect("picker:model:gpt-4o"));
    CHECK(!testhook::rect("pickerlist:model"));
    CHECK(testhook::rect("pickerlist:agent"));  // Tab took the focus into the agent picker
    h.click("pickerinput:agent");
    h.type("Rev");
    h.settle();
    CHECK(testhook::rect("picker:agent:+new"));
    h.press(ImGuiKey_Escape);
    h.settle();
    testhook::clear();
    h.settle();
    CHECK(!testhook::rect("picker:agent:+new"));
    CHECK(!testhook::rect("pickerlist:agent"));
    CHECK(h.app->outputEditor().isNew());  // Escape closed the dropdown, not the draft
}

TEST_CASE("the Sync screen's Discard gives a refused change up: it leaves the list and the next pull takes the server's value") {
    Harness h;
    auto p = h.store.createPrompt({.title = "refused one", .body = ""});
    const int64_t seq = pv::StoreInternals::db(h.store).queryInt("SELECT max(seq) FROM pv_changes");
    pv::StoreInternals::db(h.store).exec("UPDATE pv_changes SET status = 'set_aside', error = 'violates foreign key constraint' WHERE seq = " +
                      std::to_string(seq));
    h.app->show(Screen::Sync);
    h.settle();
    REQUIRE(testhook::rect("refused:discard:" + std::to_string(seq)));
    CHECK(testhook::rect("refused:discard:" + std::to_string(seq))->Max.x <= 1440 - 4);  // whole, not clipped at the edge
    h.click("refused:discard:" + std::to_string(seq));
    CHECK(pv::StoreInternals::db(h.store).queryInt("SELECT count(*) FROM pv_changes WHERE status IN ('set_aside', 'pending')") == 0);
    CHECK(pv::StoreInternals::db(h.store).queryText("SELECT error FROM pv_changes WHERE seq = " + std::to_string(seq)).rfind("discarded", 0) == 0);
    CHECK(h.store.setting("sync.refetch").value_or("").find(p.id) != std::string::npos);  // the next pull fetches it
    testhook::clear();
    h.settle();
    CHECK(!testhook::rect("refused:discardall"));
}

// Which of the vault's files (after a checkpoint) holds `secret` anywhere in its bytes: "" for none.
std::string vaultFileHolding(Harness& h, const std::string& secret) {
    pv::StoreInternals::db(h.store).exec("PRAGMA wal_checkpoint(TRUNCATE)");
    for (const std::string suffix : {"", "-wal", "-shm"}) {
        std::ifstream in(h.dir.file("v.db") + suffix, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (bytes.find(secret) != std::string::npos) return "v.db" + suffix;
    }
    return "";
}

TEST_CASE("Save connection keeps the password out of the vault: it goes to ~/.pgpass (mode 0600)") {
    Harness h;
    const std::string pgpass = h.dir.file("pgpass");
    ::setenv("PGPASSFILE", pgpass.c_str(), 1);
    h.app->show(Screen::Sync);
    h.settle();
    h.click("sync:keep:pgpass");
    // Typed as one string, password included: the field stays editable all the way through.
    h.click("field:##conninfo");
    h.type("host=db.example.org port=5433 dbname=vaults user=pv password=s3cr3t-Pw0rd");
    h.click("sync:save");
    h.settle();
    ::unsetenv("PGPASSFILE");
    const std::string saved = h.store.setting("sync.conninfo").value_or("");
    INFO("saved: " << saved);
    for (const char* part : {"host='db.example.org'", "port='5433'", "dbname='vaults'", "user='pv'"}) CHECK(saved.find(part) != std::string::npos);
    CHECK(saved.find("password") == std::string::npos);
    CHECK(vaultFileHolding(h, "s3cr3t-Pw0rd").empty());
    std::ifstream in(pgpass);
    const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(file == "db.example.org:5433:vaults:pv:s3cr3t-Pw0rd\n");
    struct stat st {};
    REQUIRE(::stat(pgpass.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
}

namespace {

// Rows of the Outputs list drawn this frame entirely inside the table's visible rect.
std::vector<int> outputRowsInView(Harness& h, int upTo) {
    testhook::clear();
    h.frame();
    auto table = testhook::rect("outputs:table");
    REQUIRE(table);
    std::vector<int> in;
    for (int i = 0; i < upTo; ++i)
        if (auto r = testhook::rect("outputrow:" + std::to_string(i)); r && r->Min.y >= table->Min.y && r->Max.y <= table->Max.y + 0.5f) in.push_back(i);
    return in;
}

void seedOutputs(Harness& h, int n) {
    std::vector<Output> outs(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        outs[static_cast<size_t>(i)].output = "output number " + std::to_string(i);
        char at[32];
        snprintf(at, sizeof at, "2026-01-01T%02d:%02d:00Z", i / 60 % 24, i % 60);
        outs[static_cast<size_t>(i)].capturedAt = at;
    }
    h.store.createOutputs(outs);
    h.app->dataChanged();
    h.settle(8);
}

} // namespace

TEST_CASE("the Filters strip and the bulk-action bar leave the list in view; a Ctrl+clicked row stays in view") {
    Harness h;
    seedOutputs(h, 60);
    REQUIRE(outputRowsInView(h, 60).size() >= 10);

    h.click("outputs:filters");
    h.settle();
    auto filtersButton = testhook::rect("outputs:filters");
    auto rows = outputRowsInView(h, 60);
    INFO("rows in view with the filters open: " << rows.size());
    CHECK(rows.size() >= 8);
    CHECK(testhook::rect("outputs:table")->Min.y > filtersButton->Max.y);
    REQUIRE(!rows.empty());

    // Ctrl+click the last row in view: the bulk bar appears above the list, and that row is
    // still in view (the list scrolls by what the bar takes).
    const int last = rows.back();
    h.clickAt(h.centre("outputrow:" + std::to_string(last)), true);
    h.settle();
    REQUIRE(h.app->outputsPanel().selection().size() == 1);
    REQUIRE(testhook::rect("bulk:Delete"));
    auto withBar = outputRowsInView(h, 60);
    INFO("rows in view with the bulk bar and the filters: " << withBar.size());
    CHECK(withBar.size() >= 5);
    CHECK(std::find(withBar.begin(), withBar.end(), last) != withBar.end());
}

TEST_CASE("list keyboard navigation: arrows, Page Down, End, Home and Enter, with the focused row outlined and in view") {
    Harness h;
    const int n = 450;  // more than two pages: the last row's page is not loaded when End is pressed
    seedOutputs(h, n);
    auto& panel = h.app->outputsPanel();
    REQUIRE(panel.rows().knownCount() == std::optional<int64_t>(n));

    h.click("outputrow:0");
    CHECK(panel.focusedRow() == 0);
    for (int i = 0; i < 3; ++i) h.press(ImGuiKey_DownArrow);
    CHECK(panel.focusedRow() == 3);
    auto third = panel.rows().row(3);
    REQUIRE(third);
    const std::string thirdId = third->id;
    h.press(ImGuiKey_Enter);
    h.settle();
    CHECK(h.app->outputEditor().draft().id == thirdId);
    CHECK(testhook::rect("focusrow")->Min.y == doctest::Approx(testhook::rect("outputrow:3")->Min.y));

    h.press(ImGuiKey_PageDown);
    CHECK(panel.focusedRow() > 3 + 5);

    h.press(ImGuiKey_End);
    CHECK(panel.focusedRow() == n - 1);
    CHECK(!panel.rows().loaded(n - 1));  // not loaded yet: scrolling there asks for it
    h.settle(8);
    auto inView = outputRowsInView(h, n);
    CHECK(std::find(inView.begin(), inView.end(), n - 1) != inView.end());
    auto lastRow = panel.rows().row(n - 1);
    REQUIRE(lastRow);
    const std::string lastId = lastRow->id;
    h.press(ImGuiKey_Enter);
    h.settle();
    CHECK(h.app->outputEditor().draft().id == lastId);

    h.press(ImGuiKey_Home);
    h.settle(4);
    CHECK(panel.focusedRow() == 0);
    inView = outputRowsInView(h, n);
    CHECK(std::find(inView.begin(), inView.end(), 0) != inView.end());
}

TEST_CASE("the Prompts list takes the same keys: Down then Enter opens the next prompt") {
    Harness h;
    for (int i = 0; i < 5; ++i) h.store.createPrompt({.title = "Prompt " + std::to_string(i), .body = "body"});
    h.app->show(Screen::Prompts);
    h.app->dataChanged();
    h.settle(6);
    h.click("promptrow:0");
    h.press(ImGuiKey_DownArrow);
    CHECK(h.app->promptsPanel().focusedRow() == 1);
    auto second = h.app->promptsPanel().rows().row(1);
    REQUIRE(second);
    const std::string secondId = second->id;
    h.press(ImGuiKey_Enter);
    h.settle();
    auto r1 = testhook::rect("promptrow:1");
    REQUIRE(r1);
    CHECK(h.app->promptEditor().draft().id == secondId);
    CHECK(testhook::rect("focusrow")->Min.y == doctest::Approx(r1->Min.y));
}

namespace {

bool overlap(const ImRect& a, const ImRect& b) { return a.Overlaps(b); }

// A column's header text fits in it (no "P…").
void checkHeaderFits(const std::string& table, const char* column) {
    auto r = testhook::rect(table + ":col:" + column);
    INFO(table << " column " << std::string(column));
    REQUIRE(r);
    CHECK(r->GetWidth() - ImGui::GetStyle().CellPadding.x * 2 >= ImGui::CalcTextSize(column).x);
}

} // namespace

TEST_CASE("at 900x600 the editor's buttons keep clear of its title and inside the pane, and the lists' headers stay readable") {
    Harness h(ImVec2(900, 600));
    seedOutputs(h, 3);
    auto id = h.app->outputsPanel().rows().row(0)->id;
    h.app->open({Kind::Output, id});
    h.settle();
    auto title = testhook::rect("output:title"), del = testhook::rect("output:delete"), save = testhook::rect("output:save");
    REQUIRE(title);
    REQUIRE(del);
    REQUIRE(save);
    CHECK(!overlap(*title, *del));
    CHECK(!overlap(*title, *save));
    CHECK(save->Max.x <= 900 - 4);
    checkHeaderFits("outputs", "Captured");
    checkHeaderFits("outputs", "Prompt");

    h.store.createPrompt({.title = "A prompt", .body = "body"});
    h.app->show(Screen::Prompts);
    h.app->dataChanged();
    h.settle(6);
    h.click("promptrow:0");
    h.settle();
    checkHeaderFits("prompts", "Title");
    checkHeaderFits("prompts", "QA");
    auto ptitle = testhook::rect("prompt:title"), psave = testhook::rect("prompt:save");
    REQUIRE(ptitle);
    REQUIRE(psave);
    CHECK(!overlap(*ptitle, *psave));
    CHECK(psave->Max.x <= 900 - 4);
}

TEST_CASE("at 1440x900 a new output's \"Create (Ctrl+S)\" button is whole, inside the pane") {
    Harness h;
    h.ctrl('N');
    h.settle();
    auto save = testhook::rect("output:save");
    REQUIRE(save);
    CHECK(save->Max.x <= 1440 - 4);
    CHECK(save->GetWidth() >= ImGui::CalcTextSize("Create (Ctrl+S)").x + ImGui::GetStyle().FramePadding.x * 2 - 0.5f);
    // Every column of the wide list keeps its header.
    for (const char* c : {"Captured", "Prompt", "Model", "Rating", "Output"}) checkHeaderFits("outputs", c);
}

namespace {

// The scroll of a text editor's own window (InputTextMultiline draws into a child named after it).
float editorScrollY(const char* label) {
    for (ImGuiWindow* w : GImGui->Windows)
        if (std::string(w->Name).find(std::string("/") + label + "_") != std::string::npos && w->WasActive) return w->Scroll.y;
    FAIL("no editor window " << label);
    return -1;
}

} // namespace

TEST_CASE("an output's raw text opens at its top, even after the last one was left scrolled to its end") {
    Harness h;
    std::string longText;
    for (int i = 0; i < 300; ++i) longText += "line " + std::to_string(i) + " of a long answer\n";
    auto a = h.store.createOutput({.output = longText});
    auto b = h.store.createOutput({.output = "another " + longText});
    h.app->open({Kind::Output, a.id});
    h.settle();
    h.click("text:raw");
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = true;
    h.press(ImGuiKey_End);  // Ctrl+End: the cursor, and the view, to the end
    io.KeyCtrl = false;
    h.settle();
    REQUIRE(editorScrollY("##raw") > 100);  // the previous text was left at its end

    h.app->open({Kind::Output, b.id});
    h.settle();
    CHECK(editorScrollY("##raw") == 0);
    CHECK(h.app->outputEditor().draft().output == "another " + longText);
}

TEST_CASE("QA per prompt: an activity added in the prompt editor lands on that prompt only, and × takes it off") {
    Harness h;
    auto p = h.store.createPrompt({.title = "Summarise", .body = "Summarise this"});
    auto other = h.store.createPrompt({.title = "Translate", .body = "Translate this"});
    h.store.findOrCreateQaActivity("Tone");  // exists, on no prompt
    CHECK(h.store.qaChecklist(p.id).empty());
    h.app->open({Kind::Prompt, p.id});
    h.settle();
    h.click("pickerinput:qaadd");
    h.type("Fact check");  // a new activity, created in place
    h.press(ImGuiKey_Enter);
    h.settle();
    h.type("Tone");  // the focus stays: the next one is typed straight away
    h.press(ImGuiKey_Enter);
    h.settle();
    auto checks = h.store.qaChecklist(p.id);
    REQUIRE(checks.size() == 2);
    std::set<std::string> names{checks[0].activityName, checks[1].activityName};
    CHECK(names == std::set<std::string>{"Fact check", "Tone"});
    CHECK(h.store.qaChecklist(other.id).empty());
    h.click("qa:Fact check");
    h.click("qaremove:Tone");
    checks = h.store.qaChecklist(p.id);
    REQUIRE(checks.size() == 1);
    CHECK(checks[0].activityName == "Fact check");
    CHECK(checks[0].done);
}

TEST_CASE("an activity's page adds it to every prompt, or to the prompts with a tag, keeping existing checks") {
    Harness h;
    auto tag = h.store.findOrCreateTag("poetry");
    auto a = h.store.createPrompt({.title = "Haiku", .body = "Write a haiku"});
    auto b = h.store.createPrompt({.title = "Limerick", .body = "Write a limerick"});
    auto c = h.store.createPrompt({.title = "Report", .body = "Write a report"});
    h.store.linkTag(Kind::Prompt, a.id, tag.id);
    h.store.linkTag(Kind::Prompt, b.id, tag.id);
    auto meter = h.store.findOrCreateQaActivity("Meter checked");
    h.store.setQaCheck(a.id, meter.id, true, "5-7-5");
    h.app->open({Kind::QaActivity, meter.id});
    h.settle();
    h.click("pickerinput:qatag");
    h.type("poetry");
    h.settle();  // the matches come from the worker
    h.press(ImGuiKey_Enter);
    h.settle();
    h.click("qa:addtagged");
    h.settle(6);
    CHECK(h.store.qaChecklist(b.id).size() == 1);
    CHECK(h.store.qaChecklist(c.id).empty());
    REQUIRE(h.store.qaChecklist(a.id).size() == 1);
    CHECK(h.store.qaChecklist(a.id)[0].done);
    h.click("qa:addall");
    h.settle(6);
    CHECK(h.store.qaChecklist(c.id).size() == 1);
    CHECK(h.store.qaActivityPromptCount(meter.id) == 3);
    CHECK(h.store.qaChecklist(a.id)[0].note == "5-7-5");
}

TEST_CASE("a new iteration is numbered and compares with its parent inline and side by side") {
    Harness h;
    auto v1 = h.store.createPrompt({.title = "Explain CRDTs", .body = "Explain CRDTs in one paragraph."});
    auto fact = h.store.findOrCreateQaActivity("Fact check");
    h.store.setQaCheck(v1.id, fact.id, true, "");
    h.app->open({Kind::Prompt, v1.id});
    h.settle();
    h.click("prompt:newiteration");
    h.settle();
    auto its = h.store.iterationsOf(v1.id);
    REQUIRE(its.size() == 1);
    const auto v2 = its[0];
    CHECK(h.store.iterationOf(v2.id).number == 2);
    REQUIRE(h.app->promptEditor().record().has_value());
    CHECK(h.app->promptEditor().record()->id == v2.id);  // the editor moved to the new iteration
    REQUIRE(h.store.qaChecklist(v2.id).size() == 1);  // the checklist came along, open
    CHECK(!h.store.qaChecklist(v2.id)[0].done);
    // The person rewords the new iteration; the comparison follows the words being edited.
    h.app->promptEditor().draft().body = "Explain CRDTs in two short paragraphs, with one example.";
    auto drawnNow = [&](const char* key) {  // marks from this frame only
        testhook::clear();
        h.settle(1);
        return testhook::rect(key).has_value();
    };
    CHECK(!drawnNow("iterdiff:inline"));  // hidden until asked
    CHECK(h.app->promptEditor().dirty());
    h.click("iterdiff:Changes inline");
    CHECK(drawnNow("iterdiff:inline"));
    h.click("iterdiff:Side by side");
    CHECK(drawnNow("iterdiff:sidebyside"));
    CHECK(!testhook::rect("iterdiff:inline").has_value());
}

TEST_CASE("Save connection with a desktop keyring: the keyring is offered first and keeps the password, the vault never holds it") {
    KeyringSession::shared();  // a Secret Service of the test's own, on a private session bus
    Harness h;
    const std::string pgpass = h.dir.file("pgpass");
    ::setenv("PGPASSFILE", pgpass.c_str(), 1);
    h.app->show(Screen::Sync);
    h.settle();
    h.click("field:##conninfo");
    h.type("host=db.example.org port=5433 dbname=vaults user=pv");
    h.click("field:##password");
    h.type("k3yr1ng-Pw0rd");
    h.click("sync:save");  // the keyring is the choice already made
    h.settle();
    ::unsetenv("PGPASSFILE");
    const std::string saved = h.store.setting("sync.conninfo").value_or("");
    CHECK(saved.find("password") == std::string::npos);
    CHECK(sync::keyring::lookup(saved) == std::optional<std::string>("k3yr1ng-Pw0rd"));
    CHECK(!std::filesystem::exists(pgpass));
    CHECK(vaultFileHolding(h, "k3yr1ng-Pw0rd").empty());
    sync::keyring::forget(saved);
}

TEST_CASE("at 900x600 the bulk-action bar's buttons flow onto a second line inside the list pane") {
    Harness h(ImVec2(900, 600));
    seedOutputs(h, 5);
    h.clickAt(h.centre("outputrow:0"), true);
    h.settle();
    REQUIRE(h.app->outputsPanel().selection().size() == 1);
    auto table = testhook::rect("outputs:table");
    REQUIRE(table);
    float lowest = 0;
    for (const char* b : {"bulk:Tag…", "bulk:Untag…", "bulk:Set model…", "bulk:Delete", "bulk:Clear selection"}) {
        auto r = testhook::rect(b);
        INFO(b);
        REQUIRE(r);
        CHECK(r->Max.x <= table->Max.x + 0.5f);
        lowest = std::max(lowest, r->Max.y);
    }
    CHECK(lowest <= table->Min.y);  // the bar's second line is inside the bar, above the list
    CHECK(testhook::rect("bulk:Clear selection")->Min.y > testhook::rect("bulk:Tag…")->Min.y);
}

TEST_CASE("a strip that measures a new height asks for the next frame at once, then settles") {
    Harness h;
    seedOutputs(h, 5);
    h.app->takeFrameRequest();
    h.click("outputs:filters");
    CHECK(h.app->takeFrameRequest());  // the strip's first frame guessed its height
    h.settle(3);
    h.app->takeFrameRequest();
    h.frame();
    CHECK(!h.app->takeFrameRequest());  // settled: an idle app waits for input again
}

TEST_CASE("a lookup made for both kinds on the Lookups screen gives the output and the prompt editors its picker, and a value made in place on a fresh draft") {
    Harness h;
    h.app->show(Screen::Lookups);
    h.settle();
    h.click("customlookup:name");
    h.type("Audience");
    h.click("customlookup:both");
    h.click("customlookup:create");
    h.settle();
    auto lookups = h.store.lookups();
    REQUIRE(lookups.size() == 1);
    CHECK(lookups[0].appliesTo == "both");

    // A brand-new draft: the value is created in place from its picker, and the draft stays open.
    h.ctrl('N');
    h.settle();
    REQUIRE(h.app->outputEditor().isNew());
    h.click("pickerinput:one");
    h.type("students");
    h.settle();
    h.press(ImGuiKey_Enter);
    h.settle();
    REQUIRE(h.app->outputEditor().isNew());  // the draft is still the one being written
    auto values = h.store.lookupValues(lookups[0].id);
    REQUIRE(values.size() == 1);
    CHECK(values[0].value == "students");
    h.click("text:raw");
    h.type("An answer for students");
    h.ctrl('S');
    h.settle();
    const std::string outputId = h.app->outputEditor().draft().id;
    REQUIRE(!outputId.empty());
    REQUIRE(h.store.lookupValuesOf(Kind::Output, outputId).size() == 1);
    CHECK(h.store.lookupValuesOf(Kind::Output, outputId)[0].value == "students");

    auto p = h.store.createPrompt({.title = "For the class", .body = "Explain it simply"});
    h.app->open({Kind::Prompt, p.id});
    h.settle();
    h.click("pickerinput:one");
    h.type("stud");
    h.settle();
    h.press(ImGuiKey_Enter);
    h.settle();
    h.ctrl('S');
    h.settle();
    REQUIRE(h.store.lookupValuesOf(Kind::Prompt, p.id).size() == 1);
    CHECK(h.store.lookupValuesOf(Kind::Prompt, p.id)[0].value == "students");
    CHECK(h.store.lookupValues(lookups[0].id).size() == 1);  // picked, not made twice
}

TEST_CASE("an output's language: guessed on Create, chosen from the editor's picker, and the list filters by it") {
    Harness h;
    h.ctrl('N');
    h.click("text:raw");
    h.type("Die Synchronisierung ist fertig, und alle Geräte haben jetzt die gleichen Daten. Das war nicht einfach, aber es funktioniert.");
    h.ctrl('S');
    h.settle();
    auto page = h.store.listOutputs({});
    REQUIRE(page.rows.size() == 1);
    const std::string id = page.rows[0].id;
    CHECK(h.store.getOutput(id)->language == "de");  // guessed on capture
    REQUIRE(h.app->outputEditor().draft().id == id);

    // Chosen by hand from the picker in the editor, then saved.
    h.click("output:language");
    h.settle();
    h.click("language:French (fr)");
    h.settle();
    CHECK(h.app->outputEditor().draft().language == "fr");
    CHECK(h.app->outputEditor().dirty());
    h.ctrl('S');
    h.settle();
    CHECK(h.store.getOutput(id)->language == "fr");
    // Detect puts the guess back.
    h.click("output:detect-language");
    h.settle();
    CHECK(h.app->outputEditor().draft().language == "de");
    h.ctrl('S');
    h.settle();

    h.store.createOutput({.output = "Plain English words that say the same thing, and then some more.", .language = "en"});
    h.store.createOutput({.output = "1234"});
    h.app->dataChanged();
    h.settle(8);
    auto& rows = h.app->outputsPanel().rows();
    CHECK(rows.displayCount() == 3);
    h.click("outputs:filters");
    h.settle();
    h.click("outputs:language-filter");
    h.settle();
    h.click("language:German (de)");
    h.settle(8);
    CHECK(h.app->outputsPanel().filter().language == std::optional<std::string>("de"));
    CHECK(rows.displayCount() == 1);
    REQUIRE(rows.row(0));
    CHECK(rows.row(0)->id == id);
    h.click("outputs:language-filter");
    h.settle();
    // The list opens on the chosen language, scrolled there; "not known" is at the top.
    h.wheel("language:German (de)", 40);
    h.click("language:not known");
    h.settle(8);
    CHECK(rows.displayCount() == 1);
    REQUIRE(rows.row(0));
    CHECK(h.store.getOutput(rows.row(0)->id)->output == "1234");
}
