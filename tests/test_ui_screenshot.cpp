// The real binary under xvfb-run renders each main screen of a seeded vault to a PNG; each image
// must be a real UI (many distinct colours, not a flat fill). PV_SCREENSHOT_DIR keeps the PNGs.
#include "Store.hpp"
#include "StoreInternals.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>
#include <stb/stb_image.h>

#include <cstdlib>
#include <set>

using namespace pv;
using namespace pv::test;

namespace {

struct Seeded {
    std::string output, prompt, model, tag, lookup;
};

Seeded seed(Store& s) {
    Seeded ids;
    auto gpt = s.findOrCreateModel("gpt-4o", "openai");
    auto claude = s.findOrCreateModel("claude-3.5-sonnet", "anthropic");
    auto tutor = s.findOrCreateAgent("Tutor", "chatgpt");
    auto qa1 = s.findOrCreateQaActivity("Fact check");
    auto qa2 = s.findOrCreateQaActivity("Tone and style");
    auto qa3 = s.findOrCreateQaActivity("Edge cases");
    auto tagA = s.findOrCreateTag("distributed");
    auto tagB = s.findOrCreateTag("explain");
    auto p = s.createPrompt({.title = "Explain CRDTs in one paragraph", .body = "Explain CRDTs in one paragraph for a backend engineer."});
    auto p2 = s.createPrompt({.title = "Summarise the meeting notes", .body = "Summarise these notes as 3 bullets."});
    s.addQaChecks({p.id}, {qa1.id, qa2.id, qa3.id});
    s.addQaChecks({p2.id}, {qa1.id, qa2.id});
    s.newIteration(p.id);
    s.setQaCheck(p.id, qa1.id, true, "checked against the paper");
    auto project = s.createLookup({.name = "Project", .appliesTo = "outputs"});
    auto apollo = s.createLookupValue({.lookupId = project.id, .value = "Apollo"});
    s.createLookupValue({.lookupId = project.id, .value = "Hermes"});
    Output o;
    o.promptId = p.id;
    o.modelId = gpt.id;
    o.agentId = tutor.id;
    o.rating = 4;
    o.output = "# CRDTs\n\nA **CRDT** (conflict-free replicated data type) lets replicas *merge* without coordination:\n\n- G-Counter\n- "
               "OR-Set with `add`/`remove`\n\nGrüße — naïve café, Ελληνικά, Кириллица, → ✓";
    o.outputEdited = "# CRDTs\n\nA **CRDT** (conflict-free replicated data type) lets every replica merge updates without coordination:\n\n- "
                     "G-Counter\n- OR-Set with `add`/`remove`\n\nGrüße — naïve café, Ελληνικά, Кириллица, → ✓";
    o = s.createOutput(o);
    s.linkTag(Kind::Output, o.id, tagA.id);
    s.linkTag(Kind::Output, o.id, tagB.id);
    s.linkLookupValue(Kind::Output, o.id, apollo.id);
    for (int i = 0; i < 40; ++i) {
        Output x;
        x.promptId = i % 2 ? p.id : p2.id;
        x.modelId = i % 3 ? claude.id : gpt.id;
        x.rating = 1 + i % 5;
        x.output = "Answer number " + std::to_string(i) + ": the replicas converge because merge is commutative, associative and idempotent.";
        if (i % 4 == 0) x.outputEdited = x.output + " (edited)";
        s.createOutput(x);
    }
    // A change the server refused, as the Sync screen lists it (a link whose tag exists nowhere).
    pv::StoreInternals::db(s).exec("PRAGMA foreign_keys = OFF");
    pv::StoreInternals::db(s).exec("INSERT INTO output_tags(output_id, tag_id) VALUES ('" + o.id + "', '0193f1c2-removed-tag')");
    pv::StoreInternals::db(s).exec("PRAGMA foreign_keys = ON");
    pv::StoreInternals::db(s).exec("UPDATE pv_changes SET status = 'set_aside', error = 'insert or update on table \"output_tags\" violates foreign key "
                "constraint \"output_tags_tag_id_fkey\"' WHERE seq = (SELECT max(seq) FROM pv_changes)");
    return {o.id, p.id, gpt.id, tagA.id, project.id};
}

} // namespace

TEST_CASE("each main screen renders a non-blank PNG under xvfb-run") {
    TempDir dir;
    const std::string vault = dir.file("v.db");
    Seeded ids;
    {
        Store s(vault);
        ids = seed(s);
    }
    const char* keep = std::getenv("PV_SCREENSHOT_DIR");
    struct Shot {
        const char* screen;
        std::string select;
    };
    const std::vector<Shot> shots = {{"outputs", ids.output}, {"prompts", ids.prompt}, {"models", ids.model}, {"tags", ids.tag},
                                     {"qa", ""},              {"lookups", ids.lookup}, {"agents", ""},       {"sync", ""},
                                     {"import", ""},          {"graph", ids.prompt}};
    for (const auto& shot : shots) {
        const std::string png = keep ? std::string(keep) + "/" + shot.screen + ".png" : dir.file(std::string(shot.screen) + ".png");
        // Leak checking is off for the child only: under ASan, Mesa's llvmpipe JIT keeps a few
        // allocations to exit; the app's own code is leak-checked by test_ui_flows.
        std::string cmd = "ASAN_OPTIONS=detect_leaks=0 XDG_CONFIG_HOME=" + shellQuote(dir.file("cfg")) + " xvfb-run -a -s '-screen 0 1440x900x24' " +
                          shellQuote(promptvaultBinary()) + " --vault " + shellQuote(vault) + " --show " + shot.screen +
                          (shot.select.empty() ? "" : " --select " + shot.select) + " --screenshot " + shellQuote(png);
        auto r = runCommand(cmd);
        INFO(shot.screen << ": " << r.err);
        REQUIRE(r.exitCode == 0);
        int w = 0, h = 0, n = 0;
        unsigned char* px = stbi_load(png.c_str(), &w, &h, &n, 3);
        REQUIRE(px != nullptr);
        CHECK(w == 1440);
        CHECK(h == 900);
        std::set<uint32_t> colours;
        for (int i = 0; i < w * h; i += 7) colours.insert(uint32_t(px[i * 3]) << 16 | uint32_t(px[i * 3 + 1]) << 8 | px[i * 3 + 2]);
        stbi_image_free(px);
        CHECK(colours.size() > 40);  // text, panels, accents: a flat or empty frame has a handful
    }
}

TEST_CASE("text in every script and emoji draws with no fallback glyph: list, editor, preview, graph") {
    TempDir dir;
    const std::string vault = dir.file("v.db");
    // Characters Debian's 16-bit ImGui cannot hold (emoji, ZWJ sequences, maths letters, CJK
    // Extension B, private use) and scripts that need fallback fonts, shaping or reordering.
    const std::string holdAll = "Rocket 🚀 👩‍💻 ✅ 𝑥² 𠀋 \xEE\x80\x80 שלום مرحبا 日本語 中文 한국어 देवनागरी e\xCC\x81";
    std::string outputId, promptId;
    {
        Store s(vault);
        auto model = s.findOrCreateModel("GPT-4o 🤖 日本");
        auto p = s.createPrompt({.title = "Translate: " + holdAll, .body = "Please translate 🚀 into Hebrew (שלום) and Arabic (مرحبا)."});
        Output o;
        o.promptId = p.id;
        o.modelId = model.id;
        o.output = "# Result 🚀\n\n" + holdAll + "\n\n- **Hebrew**: שלום עולם\n- *Arabic*: مرحبا بالعالم\n- 日本語のテキスト 😀 🎉\n";
        o.outputEdited = o.output + "\nCorrected ✍️ by hand.";
        o.notes = "notes 📝 " + holdAll;
        o = s.createOutput(o);
        s.linkTag(Kind::Output, o.id, s.findOrCreateTag("日本語").id);
        s.linkTag(Kind::Output, o.id, s.findOrCreateTag("🚀 launch").id);
        s.linkTag(Kind::Output, o.id, s.findOrCreateTag("עברית").id);
        outputId = o.id;
        promptId = p.id;
    }
    const char* keep = std::getenv("PV_SCREENSHOT_DIR");
    struct Shot {
        const char* name;
        std::string args;
    };
    const std::vector<Shot> shots = {{"multilingual", "--show outputs --select " + outputId + " --tab preview"},
                                     {"multilingual-raw", "--show outputs --select " + outputId + " --tab raw"},
                                     {"multilingual-prompt", "--show prompts --select " + promptId},
                                     {"multilingual-graph", "--show graph --select " + outputId}};
    for (const auto& shot : shots) {
        // The README shows the first; the others are checked, not kept.
        const bool kept = keep && std::string(shot.name) == "multilingual";
        const std::string png = kept ? std::string(keep) + "/" + shot.name + ".png" : dir.file(std::string(shot.name) + ".png");
        std::string cmd = "ASAN_OPTIONS=detect_leaks=0 XDG_CONFIG_HOME=" + shellQuote(dir.file("cfg")) + " xvfb-run -a -s '-screen 0 1440x900x24' " +
                          shellQuote(promptvaultBinary()) + " --vault " + shellQuote(vault) + " " + shot.args + " --screenshot " + shellQuote(png);
        auto r = runCommand(cmd);
        INFO(shot.name << ": " << r.err << r.out);
        REQUIRE(r.exitCode == 0);
        // The app counts the glyphs it drew as a font's fallback (a character no font had).
        CHECK(r.out.find("fallback_glyphs 0\n") != std::string::npos);
    }
}

TEST_CASE("with no display the app says so in one line and exits 1") {
    TempDir dir;
    auto r = runCommand("env -u DISPLAY -u WAYLAND_DISPLAY " + shellQuote(promptvaultBinary()) + " --vault " + shellQuote(dir.file("v.db")));
    CHECK(r.exitCode == 1);
    CHECK(r.err.find("xvfb-run") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("a bad app option or screen is refused with a clear message") {
    TempDir dir;
    auto r = runCommand("xvfb-run -a " + shellQuote(promptvaultBinary()) + " --vault " + shellQuote(dir.file("v.db")) + " --show nowhere");
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("unknown screen 'nowhere'") != std::string::npos);
}
