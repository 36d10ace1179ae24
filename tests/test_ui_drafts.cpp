// No keystroke is lost: what is typed in an editor is kept in the vault (pv_drafts) while it is
// typed, put back when the app opens again (also after kill -9 of the real binary), removed by
// Discard and by Save; SIGTERM closes the real binary cleanly (drafts and view options written) and
// view options are saved when they change.
#include "Store.hpp"
#include "TestUtil.hpp"
#include "UiHarness.hpp"
#include "ui/App.hpp"
#include "ui/CatalogPanel.hpp"
#include "ui/OutputEditor.hpp"
#include "ui/PromptsPanel.hpp"
#include "ui/Style.hpp"
#include "ui/ViewOptions.hpp"
#include "ui/Widgets.hpp"

#include <doctest/doctest.h>
#include <imgui.h>

#include <chrono>
#include <functional>
#include <thread>

using namespace pv;
using namespace pv::ui;
using namespace pv::test;

namespace {


using Harness = pv::test::UiHarness;

// The kept drafts, read through a connection of their own (as another process would).
std::vector<Draft> keptDrafts(const std::string& vault) {
    Store s(vault);
    return s.drafts();
}

std::optional<std::string> keptField(const std::string& vault, const std::string& slot, const char* field) {
    for (const auto& d : keptDrafts(vault))
        if (d.slot == slot)
            if (auto it = d.fields.find(field); it != d.fields.end()) return it->second.value_or("");
    return std::nullopt;
}

} // namespace

TEST_CASE("the schema has the drafts table, local to the vault (never in the change log)") {
    TempDir dir;
    Store s(dir.file("v.db"));
    CHECK(s.schemaVersion() >= 8);  // the drafts table came with version 8
    s.saveDraft({.slot = "output", .kind = "output", .recordId = "", .fields = {{"output", "half an ansǝr 🚀"}, {"rating", std::nullopt}}, .savedAt = ""});
    auto d = s.drafts();
    REQUIRE(d.size() == 1);
    CHECK(d[0].fields.at("output") == std::optional<std::string>("half an ansǝr 🚀"));
    CHECK(d[0].fields.at("rating") == std::nullopt);
    CHECK(d[0].recordId.empty());
    CHECK(s.pendingChanges() == 0);
    s.deleteDraft("output");
    CHECK(s.drafts().empty());
}

TEST_CASE("a new output's text is kept as it is typed and comes back on the next start; Discard removes it") {
    TempDir dir;
    const auto v = dir.file("v.db");
    Harness h(v);
    h.ctrl('N');
    REQUIRE(h.app->outputEditor().isNew());
    h.click("text:raw");
    h.frame();
    h.type("half of a long answer, not saved yet — ✓");
    // Kept within about a second, by the worker, with no save.
    double s = h.framesUntil([&] { return keptField(v, "output", "output").value_or("").find("not saved yet") != std::string::npos; });
    MESSAGE("draft in the vault " << s << " s after typing");
    REQUIRE(s >= 0);
    CHECK(h.store.countOutputs({}) == 0);  // a draft, not an output

    // The app goes away (the crash itself is the next test's, with the real binary) and opens again.
    h.app.reset();
    h.open();
    CHECK(h.app->recoveredDrafts() == 1);
    CHECK(h.app->screen() == Screen::Outputs);
    REQUIRE(h.app->outputEditor().isNew());
    CHECK(h.app->outputEditor().dirty());
    CHECK(h.app->outputEditor().recovered());
    CHECK(h.app->outputEditor().draft().output == "half of a long answer, not saved yet — ✓");

    SUBCASE("Discard removes it") {
        h.click("draft:discard");
        CHECK_FALSE(h.app->outputEditor().isNew());
        CHECK(h.framesUntil([&] { return keptDrafts(v).empty(); }) >= 0);
        h.app.reset();
        h.open();
        CHECK(h.app->recoveredDrafts() == 0);
    }
    SUBCASE("Save removes it") {
        h.ctrl('S');
        CHECK(h.store.countOutputs({}) == 1);
        CHECK(h.framesUntil([&] { return keptDrafts(v).empty(); }) >= 0);
        h.app.reset();
        h.open();
        CHECK(h.app->recoveredDrafts() == 0);
    }
}

TEST_CASE("unsaved edits of an existing output and of a prompt are both kept and put back") {
    TempDir dir;
    const auto v = dir.file("v.db");
    Harness h(v);
    auto o = h.store.createOutput({.output = "the stored answer"});
    auto p = h.store.createPrompt({.title = "A prompt", .body = "body"});
    h.app->open({Kind::Prompt, p.id});
    h.settle();
    h.app->promptEditor().draft().body = "body, with a second sentence I typed";
    h.app->open({Kind::Output, o.id});  // asks Save / Discard / Cancel about the prompt: cancel it
    h.settle();
    if (h.app->modalOpen()) h.click("unsaved:cancel");
    h.app->show(Screen::Outputs);
    h.app->outputEditor().load(RecordRef{Kind::Output, o.id});
    h.app->outputEditor().draft().notes = "a note typed, not saved";
    REQUIRE(h.framesUntil([&] { return keptDrafts(v).size() == 2; }) >= 0);

    h.app.reset();
    h.open();
    CHECK(h.app->recoveredDrafts() == 2);
    CHECK(h.app->outputEditor().record() == std::optional<RecordRef>(RecordRef{Kind::Output, o.id}));
    CHECK(h.app->outputEditor().draft().notes == "a note typed, not saved");
    CHECK(h.app->outputEditor().draft().output == "the stored answer");
    CHECK(h.app->promptEditor().record() == std::optional<RecordRef>(RecordRef{Kind::Prompt, p.id}));
    CHECK(h.app->promptEditor().draft().body == "body, with a second sentence I typed");
    CHECK(h.store.getOutput(o.id)->notes.empty());  // still only drafts
    CHECK(h.store.getPrompt(p.id)->body == "body");
}

TEST_CASE("a recovered correction of an output opens on the Edited tab, where it was being typed") {
    TempDir dir;
    const auto v = dir.file("v.db");
    Harness h(v);
    auto corrected = h.store.createOutput({.output = "teh raw answer", .outputEdited = "the raw answer"});
    h.app->open({Kind::Output, corrected.id});
    h.settle();
    h.app->outputEditor().draft().outputEdited = "the raw answer, corrected further — Протокол 会议 🚀";
    REQUIRE(h.framesUntil([&] { return keptDrafts(v).size() == 1; }) >= 0);

    h.app.reset();
    h.open();
    h.settle();
    CHECK(h.app->recoveredDrafts() == 1);
    CHECK(h.app->outputEditor().draft().outputEdited == std::optional<std::string>("the raw answer, corrected further — Протокол 会议 🚀"));
    CHECK(h.app->outputEditor().tab() == 1);
}

TEST_CASE("a model's unsaved rename is kept too (lookup editor)") {
    TempDir dir;
    const auto v = dir.file("v.db");
    Harness h(v);
    auto m = h.store.findOrCreateModel("gpt-4o");
    h.app->open({Kind::Model, m.id});
    h.settle();
    h.app->catalogEditor().name() = "gpt-4o (2024-08)";
    REQUIRE(h.framesUntil([&] { return keptDrafts(v).size() == 1; }) >= 0);
    h.app.reset();
    h.open();
    CHECK(h.app->recoveredDrafts() == 1);
    CHECK(h.app->screen() == Screen::Models);
    CHECK(h.app->catalogEditor().name() == "gpt-4o (2024-08)");
}

// ---- the real binary ------------------------------------------------------------------------------

namespace {

// Window pixels of the new draft's raw-text field at 1440x900 with default view options.
constexpr const char* kRawTextXY = "1000 500";

// Runs `script` under its own X server (xvfb-run) with the app's config in `cfg`. The script
// starts the app with `app &` (a shell function) and drives it with xdotool.
CommandResult underX(const std::string& cfg, const std::string& script) {
    // exec: `app ... &` then leaves the app itself in $!, not a shell around it.
    std::string pre = "app() { XDG_CONFIG_HOME=" + shellQuote(cfg) + " exec " + shellQuote(promptvaultBinary()) + " \"$@\"; }\n" +
                      // ImGui 1.86 misses a key pressed and released within one frame: hold it.
                      "hold() { xdotool keydown $1; sleep 0.15; xdotool keyup $1; sleep 0.2; }\n"
                      "waitwin() { xdotool search --sync --name '^Promptvault$' >/dev/null; sleep 2; }\n";
    return runCommand("ASAN_OPTIONS=detect_leaks=0 xvfb-run -a -s '-screen 0 1440x900x24' sh -c " + shellQuote(pre + script));
}

} // namespace

TEST_CASE("kill -9 of the real app mid-edit: the draft is recovered on restart") {
    REQUIRE_MESSAGE(runCommand("command -v xdotool").exitCode == 0, "xdotool is needed (scripts/install-deps.sh installs it)");
    TempDir dir;
    const auto v = dir.file("v.db"), cfg = dir.file("cfg");
    { Store s(v); }
    // Ctrl+N, then a click into the raw text of the new draft and typing; two seconds later kill -9.
    auto r = underX(cfg, "app --vault " + shellQuote(v) + " --size 1440x900 & pid=$!\nwaitwin\n"
                     "xdotool mousemove 700 400; sleep 0.3\n"
                     "xdotool keydown ctrl; hold n; xdotool keyup ctrl; sleep 0.5\n"
                     "xdotool mousemove " + std::string(kRawTextXY) + " click 1; sleep 0.5\n"
                     "xdotool type --delay 60 'typed before the crash'; sleep 2.5\n"
                     "kill -9 $pid; wait $pid; echo killed $?\n");
    INFO(r.out << r.err);
    REQUIRE(r.out.find("killed 137") != std::string::npos);
    auto kept = keptField(v, "output", "output");
    REQUIRE(kept.has_value());
    CHECK(kept->find("typed before the crash") != std::string::npos);

    // The real binary opens with it recovered (and draws it: the screenshot mode says so).
    auto shot = runCommand("ASAN_OPTIONS=detect_leaks=0 XDG_CONFIG_HOME=" + shellQuote(cfg) + " xvfb-run -a -s '-screen 0 1440x900x24' " +
                           shellQuote(promptvaultBinary()) + " --vault " + shellQuote(v) + " --screenshot " + shellQuote(dir.file("after.png")));
    INFO(shot.err);
    CHECK(shot.exitCode == 0);
    CHECK(shot.out.find("drafts_recovered 1") != std::string::npos);
    // And the panels hold the text, ready to save.
    Harness h(v);
    CHECK(h.app->recoveredDrafts() == 1);
    REQUIRE(h.app->outputEditor().isNew());
    CHECK(h.app->outputEditor().draft().output.find("typed before the crash") != std::string::npos);
}

TEST_CASE("view options are saved when they change and on SIGTERM, which closes the app cleanly with its drafts kept") {
    REQUIRE_MESSAGE(runCommand("command -v xdotool").exitCode == 0, "xdotool is needed (scripts/install-deps.sh installs it)");
    TempDir dir;
    const auto v = dir.file("v.db"), cfg = dir.file("cfg");
    { Store s(v); }
    const std::string conf = cfg + "/promptvault/view.conf";
    // Saved on change: --show prompts changes the last screen; a kill -9 later, it is on disk.
    auto r1 = underX(cfg, "app --vault " + shellQuote(v) + " --show prompts & pid=$!\nwaitwin\nkill -9 $pid; wait $pid; echo killed $?\n");
    INFO(r1.out << r1.err);
    REQUIRE(r1.out.find("killed 137") != std::string::npos);
    CHECK(readFile(conf).find("last_screen=prompts") != std::string::npos);

    // SIGTERM: exit 0, the view written, a draft typed just before kept (not yet a second old).
    auto r2 = underX(cfg, "app --vault " + shellQuote(v) + " --show tags & pid=$!\nwaitwin\n"
                      "xdotool mousemove 700 400; sleep 0.3\n"
                      "xdotool keydown ctrl; hold n; xdotool keyup ctrl; sleep 0.5\n"
                      "xdotool mousemove " + std::string(kRawTextXY) + " click 1; sleep 0.5\n"
                      "xdotool type --delay 40 'typed just before the logout'; sleep 0.3\n"
                      "kill -TERM $pid; wait $pid; echo exited $?\n");
    INFO(r2.out << r2.err);
    CHECK(r2.out.find("exited 0") != std::string::npos);
    CHECK(readFile(conf).find("last_screen=outputs") != std::string::npos);  // Ctrl+N went to Outputs
    auto kept = keptField(v, "output", "output");
    REQUIRE(kept.has_value());
    INFO("kept: " << *kept);
    CHECK(kept->find("typed just before the logout") != std::string::npos);
}

TEST_CASE("at 900x600 the recovered-draft banner keeps its buttons in the pane, and Discard works") {
    // Seen in the app at 900x600: the message ran off the pane and took both buttons with it.
    TempDir dir;
    const auto v = dir.file("v.db");
    Harness h(v, nullptr, ImVec2(900, 600));
    h.ctrl('N');
    h.click("text:raw");
    h.type("a draft typed at 900 px");
    REQUIRE(h.framesUntil([&] { return keptField(v, "output", "output").has_value(); }) >= 0);
    h.app.reset();
    h.open();
    REQUIRE(h.app->outputEditor().recovered());
    h.settle(2);
    auto field = testhook::rect("field:##raw");
    REQUIRE(field);
    for (const char* key : {"draft:discard", "draft:keep"}) {
        auto r = testhook::rect(key);
        REQUIRE(r);
        CHECK(r->Max.x <= field->Max.x + 1);
        CHECK(r->Max.y < field->Min.y);  // above the text, not over it
    }
    h.click("draft:discard");
    CHECK_FALSE(h.app->outputEditor().isNew());
    CHECK(h.framesUntil([&] { return keptDrafts(v).empty(); }) >= 0);
}
