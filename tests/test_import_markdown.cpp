// Markdown export: one file per prompt, front matter, edited outputs preferred and marked,
// iterations linked, stable names, unchanged files left alone, renamed prompts replace their file.
#include "Store.hpp"
#include "TestUtil.hpp"
#include "capture/MarkdownExport.hpp"
#include "cli/Cli.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <iostream>
#include <sstream>

using namespace pv;
using namespace pv::capture;
using pv::test::TempDir;
namespace fs = std::filesystem;

namespace {
bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }
std::vector<std::string> mdFiles(const std::string& dir) {
    std::vector<std::string> out;
    for (auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".md") out.push_back(e.path().filename().string());  // not the manifest
    std::sort(out.begin(), out.end());
    return out;
}
} // namespace

TEST_CASE("file names: safe for Obsidian, stable, unique by id") {
    const std::string id = "0190a1b2-c3d4-7e5f-8a9b-0123456789ab";
    CHECK(markdownFileName(id, "Explain: a/b [test]? #1 | ^x") == "Explain a b test 1 x 456789ab.md");
    CHECK(markdownFileName(id, "") == "Untitled 456789ab.md");
    CHECK(markdownFileName(id, "...hidden") == "hidden 456789ab.md");
    CHECK(markdownFileName(id, "Grüße 日本語") == "Grüße 日本語 456789ab.md");
    std::string longTitle(70, 'x');
    longTitle += "日本語日本語";  // the cut at 80 bytes lands inside a character
    auto n = markdownFileName(id, longTitle);
    CHECK(n.size() <= 80 + 12);
    CHECK(isValidUtf8(n));
    CHECK(markdownFileName(id, "Same") == markdownFileName(id, "Same"));
    CHECK(markdownFileName("0190a1b2-c3d4-7e5f-8a9b-aaaaaaaaaaaa", "Same") != markdownFileName(id, "Same"));
}

TEST_CASE("export markdown: front matter, outputs with edited versions first, iterations, re-export") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto gpt = s.findOrCreateModel("gpt-4o", "OpenAI");
    auto claude = s.findOrCreateModel("claude-3-5-sonnet", "Anthropic");
    Agent ag;
    ag.name = "Code Reviewer";
    ag.platform = "chatgpt";
    ag = s.createAgent(ag);
    auto p = s.createPrompt({.title = "Review: my \"parser\"", .body = "Review this parser code."});
    auto tag = s.findOrCreateTag("code review");
    s.linkTag(Kind::Prompt, p.id, tag.id);

    Output raw;
    raw.promptId = p.id;
    raw.modelId = claude.id;
    raw.output = "Looks fine.";
    raw.capturedAt = "2024-01-01T00:00:00.000Z";
    raw.source = "claude";
    raw.conversationTitle = "Parser review";
    raw.conversationUrl = "https://claude.ai/chat/x";
    raw.notes = "[thinking]\nhmm";
    raw = s.createOutput(raw);
    Output edited;
    edited.promptId = p.id;
    edited.modelId = gpt.id;
    edited.agentId = ag.id;
    edited.output = "Raw answer with a bug.";
    edited.outputEdited = "Corrected answer.";
    edited.rating = 4;
    edited.capturedAt = "2024-02-01T00:00:00.000Z";
    edited = s.createOutput(edited);
    auto t2 = s.findOrCreateTag("parsing");
    s.linkTag(Kind::Output, edited.id, t2.id);
    auto it = s.newIteration(p.id);
    it.title = "Review v2";
    it.body = "Review this parser code, strictly.";
    s.updatePrompt(it);
    auto gone = s.createPrompt({.title = "Deleted one", .body = "x"});
    s.softDelete({Kind::Prompt, gone.id});

    const std::string out = dir.file("md");
    auto r = exportMarkdown(s, out);
    CHECK(r.written == 2);
    CHECK(r.unchanged == 0);
    CHECK(r.outputs == 2);
    auto files = mdFiles(out);
    REQUIRE(files.size() == 2);
    const std::string mainName = markdownFileName(p.id, p.title);
    const std::string iterName = markdownFileName(it.id, it.title);
    CHECK(mainName.rfind("Review my parser ", 0) == 0);
    auto md = pv::test::readFile((fs::path(out) / mainName).string());
    INFO(md);
    CHECK(md.rfind("---\ntitle: \"Review: my \\\"parser\\\"\"\n", 0) == 0);
    CHECK(contains(md, "id: " + p.id + "\n"));
    CHECK(contains(md, "model: [\"claude-3-5-sonnet\", \"gpt-4o\"]\n"));
    CHECK(contains(md, "agent: [\"Code Reviewer\"]\n"));
    CHECK(contains(md, "tags: [\"code-review\", \"parsing\"]\n"));
    CHECK(contains(md, "outputs: 2\n"));
    CHECK(contains(md, "## Prompt\n\nReview this parser code.\n"));
    // The edited output comes first, marked, with the raw text kept below it.
    auto first = md.find("### Output 1");
    auto second = md.find("### Output 2");
    REQUIRE(first != std::string::npos);
    REQUIRE(second != std::string::npos);
    CHECK(contains(md.substr(first, second - first), "gpt-4o \xC2\xB7 Code Reviewer \xC2\xB7 edited"));
    CHECK(contains(md.substr(first, second - first), "**Edited version** (preferred):\n\nCorrected answer."));
    CHECK(contains(md.substr(first, second - first), "<summary>Original output</summary>\n\nRaw answer with a bug."));
    CHECK(contains(md.substr(first, second - first), "rating: \xE2\x98\x85\xE2\x98\x85\xE2\x98\x85\xE2\x98\x85\xE2\x98\x86 (4/5)"));
    CHECK(contains(md.substr(first, second - first), "#parsing"));
    CHECK(contains(md.substr(second), "Looks fine."));
    CHECK(contains(md.substr(second), "[Parser review](https://claude.ai/chat/x)"));
    CHECK(contains(md.substr(second), "[thinking]\nhmm"));
    CHECK(contains(md, "### Iterations\n\n- [[" + iterName.substr(0, iterName.size() - 3) + "]]"));
    auto iterMd = pv::test::readFile((fs::path(out) / iterName).string());
    CHECK(contains(iterMd, "derived_from: \"[[" + mainName.substr(0, mainName.size() - 3) + "]]\""));
    CHECK(contains(iterMd, "_No outputs yet._"));
    CHECK(promptMarkdown(s, p.id) == md);

    // Same data again: nothing rewritten. A renamed prompt replaces its old file.
    auto r2 = exportMarkdown(s, out);
    CHECK(r2.written == 0);
    CHECK(r2.unchanged == 2);
    p = *s.getPrompt(p.id);
    p.title = "Parser review prompt";
    s.updatePrompt(p);
    auto r3 = exportMarkdown(s, out);
    CHECK(r3.written == 2);  // the renamed prompt, and the iteration whose link changed
    files = mdFiles(out);
    CHECK(files.size() == 2);
    CHECK(std::find(files.begin(), files.end(), mainName) == files.end());
    CHECK(std::find(files.begin(), files.end(), markdownFileName(p.id, p.title)) != files.end());
}

TEST_CASE("CLI export markdown") {
    TempDir dir;
    {
        Store s(dir.file("v.db"));
        auto p = s.findOrCreatePrompt("Hello", "Say hello");
        Output o;
        o.promptId = p.id;
        o.output = "Hello!";
        s.createOutput(o);
    }
    const std::string vault = dir.file("v.db");
    std::ostringstream out;
    auto* old = std::cout.rdbuf(out.rdbuf());
    int code = cli::main({"--vault", vault, "export", "markdown", "--out", dir.file("md")});
    std::cout.rdbuf(old);
    CHECK(code == 0);
    CHECK(contains(out.str(), "1 files written"));
    CHECK(mdFiles(dir.file("md")).size() == 1);
    std::ostringstream err;
    auto* oldErr = std::cerr.rdbuf(err.rdbuf());
    CHECK(cli::main({"--vault", vault, "export", "markdown"}) == 2);
    std::cerr.rdbuf(oldErr);
    CHECK(contains(err.str(), "--out is required"));
}

namespace {
// A prompt with a chosen id (the last 8 characters decide the default name).
std::string promptWithId(Store& s, const std::string& id, const std::string& title, const std::string& body) {
    Prompt p;
    p.id = id;
    p.title = title;
    p.body = body;
    return s.createPrompt(p).id;
}
std::vector<std::string> allFiles(const std::string& dir) {
    std::vector<std::string> out;
    for (auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}
} // namespace

TEST_CASE("export markdown: ids ending alike get distinct names, kept from export to export; a user's file is never touched") {
    TempDir dir;
    Store s(dir.file("v.db"));
    const std::string out = dir.file("md");
    fs::create_directories(out);
    // The person's own note, with the name the first prompt would get by default.
    const std::string a = "0190a1b2-c3d4-7e5f-8a9b-0000deadbeef", b = "0190a1b2-c3d4-7e5f-8a9b-1111deadbeef",
                      c = "0190a1b2-c3d4-7e5f-8a9b-2222deadbeef";
    pv::test::writeFile(out + "/Same deadbeef.md", "my own note\n");
    promptWithId(s, a, "Same", "first body");
    promptWithId(s, b, "Same", "second body");
    auto r1 = exportMarkdown(s, out);
    CHECK(r1.written == 2);
    auto files = mdFiles(out);
    CHECK(files == std::vector<std::string>{"Same 0000deadbeef.md", "Same 1111deadbeef.md", "Same deadbeef.md"});
    CHECK(pv::test::readFile(out + "/Same deadbeef.md") == "my own note\n");
    CHECK(contains(pv::test::readFile(out + "/Same 0000deadbeef.md"), "first body"));
    CHECK(contains(pv::test::readFile(out + "/Same 1111deadbeef.md"), "second body"));
    // Again, and with a third look-alike: every name settles, nothing is rewritten or lost.
    auto r2 = exportMarkdown(s, out);
    CHECK(r2.written == 0);
    CHECK(r2.unchanged == 2);
    promptWithId(s, c, "Same", "third body");
    auto r3 = exportMarkdown(s, out);
    CHECK(r3.written == 1);
    CHECK(r3.unchanged == 2);
    CHECK(mdFiles(out).size() == 4);
    CHECK(exportMarkdown(s, out).written == 0);
    CHECK(pv::test::readFile(out + "/Same deadbeef.md") == "my own note\n");
    // The user removes their note: the names chosen stay as they were (decided once).
    fs::remove(out + "/Same deadbeef.md");
    CHECK(exportMarkdown(s, out).written == 0);
    CHECK(mdFiles(out).size() == 3);
    // A renamed prompt: its old file (ours, in the manifest) goes, the user's other files stay.
    pv::test::writeFile(out + "/notes.md", "keep\n");
    auto p = *s.getPrompt(a);
    p.title = "Renamed";
    s.updatePrompt(p);
    exportMarkdown(s, out);
    CHECK(mdFiles(out) == std::vector<std::string>{"Renamed 0000deadbeef.md", "Same 1111deadbeef.md", "Same 2222deadbeef.md", "notes.md"});
}

TEST_CASE("export markdown: ids ending alike without a user's file; the default 8-character name stays for the first") {
    TempDir dir;
    Store s(dir.file("v.db"));
    const std::string out = dir.file("md");
    promptWithId(s, "0190a1b2-c3d4-7e5f-8a9b-0000deadbeef", "Same", "first");
    promptWithId(s, "0190a1b2-c3d4-7e5f-8a9b-1111deadbeef", "Same", "second");
    exportMarkdown(s, out);
    CHECK(mdFiles(out) == std::vector<std::string>{"Same 1111deadbeef.md", "Same deadbeef.md"});
    CHECK(contains(pv::test::readFile(out + "/Same deadbeef.md"), "first"));
    CHECK(exportMarkdown(s, out).written == 0);
}

TEST_CASE("export markdown: a symbolic link in the folder is never followed") {
    TempDir dir;
    Store s(dir.file("v.db"));
    const std::string out = dir.file("md"), outside = dir.file("outside.txt");
    fs::create_directories(out);
    pv::test::writeFile(outside, "outside, untouched\n");
    auto id = promptWithId(s, "0190a1b2-c3d4-7e5f-8a9b-0123456789ab", "Linked", "body");
    const std::string name = markdownFileName(id, "Linked");
    // Links where the old exporter wrote its temporary file, and at the file's own name.
    fs::create_symlink(outside, out + "/" + name + ".tmp");
    fs::create_symlink(outside, out + "/" + name);
    auto r = exportMarkdown(s, out);
    CHECK(pv::test::readFile(outside) == "outside, untouched\n");
    CHECK(r.conflicts.empty());
    // The link at its name is not the export's: left as it is, and the prompt gets a longer name.
    auto files = allFiles(out);
    CHECK(std::find(files.begin(), files.end(), "Linked 0123456789ab.md") != files.end());
    CHECK(contains(pv::test::readFile(out + "/Linked 0123456789ab.md"), "body"));
    CHECK(fs::is_symlink(out + "/" + name));
    CHECK(fs::is_symlink(out + "/" + name + ".tmp"));
    // A link placed later at a name the manifest says is ours is replaced by the file, not written through.
    s.createPrompt({.title = "Other", .body = "other body"});
    exportMarkdown(s, out);
    std::string otherName;
    for (auto& f : mdFiles(out))
        if (f.rfind("Other ", 0) == 0) otherName = f;
    REQUIRE(!otherName.empty());
    fs::remove(out + "/" + otherName);
    fs::create_symlink(outside, out + "/" + otherName);
    exportMarkdown(s, out);
    CHECK(pv::test::readFile(outside) == "outside, untouched\n");
    CHECK_FALSE(fs::is_symlink(out + "/" + otherName));
    CHECK(contains(pv::test::readFile(out + "/" + otherName), "other body"));
}
