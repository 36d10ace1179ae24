// The command line, driven through the real promptvault binary (PV_BINARY, set by CTest).
#include "TestUtil.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <sstream>

using pv::test::CommandResult;
using pv::test::runCommand;
using pv::test::shellQuote;
using pv::test::TempDir;

namespace {

CommandResult runPv(const std::string& vault, const std::string& args, const std::string& stdinText = "") {
    return runCommand(shellQuote(pv::test::promptvaultBinary()) + " --vault " + shellQuote(vault) + " " + args, stdinText);
}

nlohmann::json exportJson(const std::string& vault) {
    auto r = runPv(vault, "export json");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    return nlohmann::json::parse(r.out);
}

const nlohmann::json* rowById(const nlohmann::json& rows, const std::string& id) {
    for (const auto& r : rows)
        if (r.value("id", "") == id) return &r;
    return nullptr;
}

std::map<std::string, long long> statsOf(const std::string& vault) {
    auto r = runPv(vault, "stats");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    std::map<std::string, long long> out;
    std::istringstream in(r.out);
    std::string key, value;
    while (in >> key >> value) {
        if (key == "device_id") continue;
        out[key] = std::stoll(value);
    }
    return out;
}

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

} // namespace

TEST_CASE("add output, then export json shows it with its prompt, model, agent and tags") {
    TempDir dir;
    auto vault = dir.file("v.db");
    auto r = runPv(vault, "add output --prompt 'Explain CRDTs in one paragraph' --prompt-title 'CRDTs' --model gpt-4o --provider openai "
                       "--agent Tutor --tag distributed --tag explain --rating 4 --edited 'A CRDT, corrected' --notes 'keep' "
                       "--text 'A CRDT is a data type whose replicas converge.'");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    const std::string id = firstLine(r.out);
    CHECK(id.size() == 36);

    auto j = exportJson(vault);
    const auto* o = rowById(j["outputs"], id);
    REQUIRE(o);
    CHECK((*o)["output"] == "A CRDT is a data type whose replicas converge.");
    CHECK((*o)["output_edited"] == "A CRDT, corrected");
    CHECK((*o)["rating"] == 4);
    CHECK((*o)["notes"] == "keep");
    CHECK((*o)["source"] == "cli");
    const auto* p = rowById(j["prompts"], (*o)["prompt_id"].get<std::string>());
    REQUIRE(p);
    CHECK((*p)["body"] == "Explain CRDTs in one paragraph");
    CHECK((*p)["title"] == "CRDTs");
    const auto* m = rowById(j["models"], (*o)["model_id"].get<std::string>());
    REQUIRE(m);
    CHECK((*m)["name"] == "gpt-4o");
    CHECK((*m)["provider"] == "openai");
    const auto* a = rowById(j["agents"], (*o)["agent_id"].get<std::string>());
    REQUIRE(a);
    CHECK((*a)["name"] == "Tutor");
    std::set<std::string> tagNames;
    for (const auto& link : j["output_tags"]) {
        CHECK(link["output_id"] == id);
        const auto* t = rowById(j["tags"], link["tag_id"].get<std::string>());
        REQUIRE(t);
        tagNames.insert((*t)["name"].get<std::string>());
    }
    CHECK(tagNames == std::set<std::string>{"distributed", "explain"});

    // The same prompt text, model, agent and tag names are reused, not duplicated.
    r = runPv(vault, "add output --prompt 'Explain CRDTs in one paragraph' --model GPT-4o --agent tutor --tags 'explain, new-tag' --text second");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    j = exportJson(vault);
    CHECK(j["prompts"].size() == 1);
    CHECK(j["models"].size() == 1);
    CHECK(j["agents"].size() == 1);
    CHECK(j["tags"].size() == 3);
    CHECK(j["output_tags"].size() == 4);
}

TEST_CASE("add output --stdin and --file take the text exactly") {
    TempDir dir;
    auto vault = dir.file("v.db");
    const std::string text = "line one\nline \"two\" with 'quotes'; DROP TABLE outputs; --\nüñíçødé ✓\n";
    auto r = runPv(vault, "add output --prompt-title Piped --stdin", text);
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    const std::string id = firstLine(r.out);
    auto file = dir.file("answer.txt");
    pv::test::writeFile(file, "from a file");
    r = runPv(vault, "add output --file " + shellQuote(file));
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    const std::string id2 = firstLine(r.out);
    auto j = exportJson(vault);
    REQUIRE(rowById(j["outputs"], id));
    CHECK((*rowById(j["outputs"], id))["output"] == text);
    CHECK((*rowById(j["outputs"], id2))["output"] == "from a file");
    CHECK((*rowById(j["outputs"], id2))["prompt_id"].is_null());
}

TEST_CASE("--help of every command exits 0 and prints its usage") {
    TempDir dir;
    auto vault = dir.file("v.db");
    for (const std::string cmd : {"--help", "help", "add --help", "add output --help", "export --help", "stats --help", "import --help",
                                  "sync --help"}) {
        CAPTURE(cmd);
        auto r = runPv(vault, cmd);
        CHECK(r.exitCode == 0);
        CHECK(r.out.find("Usage: promptvault") != std::string::npos);
        CHECK(r.err.empty());
    }
    // --help never creates or touches a vault.
    CHECK(!std::filesystem::exists(vault));
}

TEST_CASE("bad arguments: a clear message on stderr and a non-zero exit, nothing stored") {
    TempDir dir;
    auto vault = dir.file("v.db");
    REQUIRE(runPv(vault, "add output --text seed").exitCode == 0);
    const auto before = exportJson(vault);
    struct Case {
        std::string args;
        int exitCode;
        std::string message;
    };
    const Case cases[] = {
        {"frobnicate", 2, "promptvault: The following argument was not expected: frobnicate (see --help)"},
        {"add", 2, "promptvault add: expected a command: output"},
        {"add prompt --text x", 2, "expected a command: output"},
        {"add output", 2, "no output text"},
        {"add output --text a --stdin", 2, "give the output text once"},
        {"add output --text a --text b", 2, "--text: give it once"},
        {"add output --text x --rating abc", 2, "--rating: must be a whole number 1..5, got 'abc'"},
        {"add output --text x --rating 9", 2, "--rating: must be a whole number 1..5, got '9'"},
        {"add output --text x --bogus", 2, "promptvault add output: The following argument was not expected: --bogus"},
        {"add output --text", 2, "--text: needs a value"},
        {"add output --text x --language xx-yy-zz", 2, "--language: must be a language code such as 'en' or 'pt-br', got 'xx-yy-zz'"},
        {"add output --text x --prompt-id nope", 1, "--prompt-id 'nope' does not exist"},
        {"add output --file /nonexistent/answer.txt", 1, "cannot read --file '/nonexistent/answer.txt'"},
        {"export", 2, "expected a command: json or markdown"},
        {"export csv", 2, "expected a command: json or markdown"},
        {"export json --nope", 2, "argument was not expected: --nope"},
        {"stats --verbose", 2, "argument was not expected: --verbose"},
        {"import", 2, "kind is required"},
        {"import foo x", 2, "kind: expected chatgpt or claude, got 'foo'"},
        {"import chatgpt", 2, "path is required"},
        {"sync --batch x", 2, "--batch: expected a whole number from 1 to 1000000, got 'x'"},
        {"sync --list --retry 3", 2, "--list excludes --retry"},
        {"--tab nope", 2, "--tab: expected raw, edited, diff or preview, got 'nope'"},
        {"--size 10x10", 2, "--size: expected WIDTHxHEIGHT of at least 320x240"},
        {"--bench-frames 5", 2, "--bench-frames: expected a whole number from 10 to 1000000, got '5'"},
        {"--show outputs stats", 2, "--show is an app option; it cannot be used with the stats command"},
        // A password in a mistyped connection string is masked in the message.
        {"sync 'postgresql://me:s3cret@db.example/pv'", 2, "not expected: postgresql://me:***@db.example/pv"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.args);
        auto r = runPv(vault, c.args);
        CHECK(r.exitCode == c.exitCode);
        CHECK_MESSAGE(r.err.find(c.message) != std::string::npos, r.err);
        CHECK(r.err.find("s3cret") == std::string::npos);
    }
    auto r = runCommand(shellQuote(pv::test::promptvaultBinary()) + " --vault");
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("--vault: needs a value") != std::string::npos);
    CHECK(exportJson(vault) == before);
}

TEST_CASE("stats counts live rows per table and pending changes") {
    TempDir dir;
    auto vault = dir.file("v.db");
    REQUIRE(runPv(vault, "add output --prompt-title P --model m --tag a --tag b --text one").exitCode == 0);
    REQUIRE(runPv(vault, "add output --prompt-title P --model m --agent G --tag b --text two").exitCode == 0);
    auto st = statsOf(vault);
    CHECK(st["outputs"] == 2);
    CHECK(st["prompts"] == 1);
    CHECK(st["models"] == 1);
    CHECK(st["agents"] == 1);
    CHECK(st["tags"] == 2);
    CHECK(st["output_tags"] == 3);
    CHECK(st["prompt_tags"] == 0);
    CHECK(st["schema_version"] > 0);
    // 2 outputs + 1 prompt + 1 model + 1 agent + 2 tags + 3 links, each captured once on insert.
    CHECK(st["pending_changes"] == 10);
    CHECK(st["set_aside_changes"] == 0);
    // A tombstone made through the sqlite3 shell: one fewer live output, one more pending change.
    auto r = runCommand(pv::test::sqliteShell() + " " + shellQuote(vault) + " \"DELETE FROM outputs WHERE output = 'one'\"");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    st = statsOf(vault);
    CHECK(st["outputs"] == 1);
    CHECK(st["pending_changes"] == 11);
}

TEST_CASE("missing and corrupt vaults: clear errors, files untouched") {
    TempDir dir;
    auto missing = dir.file("missing.db");
    for (const std::string cmd : {"stats", "export json"}) {
        CAPTURE(cmd);
        auto r = runPv(missing, cmd);
        CHECK(r.exitCode == 1);
        CHECK(r.err.find("vault '" + missing + "' does not exist") != std::string::npos);
        CHECK(!std::filesystem::exists(missing));
    }
    auto corrupt = dir.file("corrupt.db");
    const std::string garbage(10000, '\x07');
    pv::test::writeFile(corrupt, garbage);
    for (const std::string cmd : {"stats", "export json", "add output --text x"}) {
        CAPTURE(cmd);
        auto r = runPv(corrupt, cmd);
        CHECK(r.exitCode == 1);
        CHECK(r.err.find("is not a valid vault file or is corrupt") != std::string::npos);
        CHECK(r.out.empty());
    }
    CHECK(pv::test::readFile(corrupt) == garbage);
    auto folder = dir.path() / "folder.db";
    std::filesystem::create_directory(folder);
    auto r = runPv(folder.string(), "stats");
    CHECK(r.exitCode == 1);
    CHECK(r.err.find("is a directory") != std::string::npos);
}

TEST_CASE("export json --out writes the whole file or leaves the old one") {
    TempDir dir;
    auto vault = dir.file("v.db");
    REQUIRE(runPv(vault, "add output --prompt-title P --tag t --text 'exported'").exitCode == 0);
    auto out = dir.file("export.json");
    pv::test::writeFile(out, "old content");
    auto r = runPv(vault, "export json --out " + shellQuote(out));
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    CHECK(r.out.empty());
    auto viaStdout = runPv(vault, "export json");
    CHECK(pv::test::readFile(out) == viaStdout.out);
    CHECK(nlohmann::json::parse(pv::test::readFile(out))["outputs"][0]["output"] == "exported");
    // No temporary file is left beside it.
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += e.path().filename().string().rfind("export.json", 0) == 0;
    CHECK(files == 1);

    // A failing export (the vault is missing) leaves the previous file exactly as it was.
    r = runPv(dir.file("gone.db"), "export json --out " + shellQuote(out));
    CHECK(r.exitCode == 1);
    CHECK(pv::test::readFile(out) == viaStdout.out);
    // A target in a folder that does not exist: a clear error naming it.
    auto bad = dir.file("no/such/dir/e.json");
    r = runPv(vault, "export json --out " + shellQuote(bad));
    CHECK(r.exitCode == 1);
    CHECK(r.err.find("cannot write '" + bad + "'") != std::string::npos);
    CHECK(!std::filesystem::exists(bad));
}

TEST_CASE("add output: --rating, --captured-at and --prompt-id are validated with clear messages, nothing stored") {
    TempDir dir;
    auto vault = dir.file("v.db");
    REQUIRE(runPv(vault, "add output --text first").exitCode == 0);
    const auto before = statsOf(vault);
    for (const std::string bad : {"3.5", "3x", "0", "6", "", " 3", "+3", "03"}) {
        CAPTURE(bad);
        auto r = runPv(vault, "add output --text t --rating " + shellQuote(bad));
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("--rating: must be a whole number 1..5, got '" + bad + "'") != std::string::npos);
    }
    for (const std::string bad : {"yesterday", "2026-13-01", "2026-02-30", "2026-12-04T25:00", "2026-12-04T10:00:00+2", "2026-12-04x",
                                  "2026-12-04T10:00:00.Z", "12/04/2026"}) {
        CAPTURE(bad);
        auto r = runPv(vault, "add output --text t --captured-at " + shellQuote(bad));
        CHECK(r.exitCode == 2);
        CHECK(r.err.find("--captured-at: must be an ISO-8601 date or time") != std::string::npos);
        CHECK(r.err.find("'" + bad + "'") != std::string::npos);
    }
    CHECK(statsOf(vault) == before);
    // Good values are stored as UTC with milliseconds, like every *_at of the vault.
    const std::pair<std::string, std::string> good[] = {{"2026-12-04", "2026-12-04T00:00:00.000Z"},
                                                        {"2026-12-04T10:15:30+02:00", "2026-12-04T08:15:30.000Z"},
                                                        {"2024-02-29T23:59:59.1234-01:30", "2024-03-01T01:29:59.123Z"},
                                                        {"2026-12-04T17:25Z", "2026-12-04T17:25:00.000Z"}};
    for (const auto& [in, stored] : good) {
        CAPTURE(in);
        auto r = runPv(vault, "add output --text t --rating 4 --captured-at " + shellQuote(in));
        REQUIRE_MESSAGE(r.exitCode == 0, r.err);
        const auto j = exportJson(vault);
        const auto* o = rowById(j["outputs"], firstLine(r.out));
        REQUIRE(o);
        CHECK((*o)["captured_at"] == stored);
        CHECK((*o)["rating"] == 4);
    }
    // A deleted prompt's id is refused, not linked silently.
    auto p = runPv(vault, "add output --text t --prompt 'Will be deleted'");
    REQUIRE(p.exitCode == 0);
    const auto j = exportJson(vault);
    const auto* o = rowById(j["outputs"], firstLine(p.out));
    REQUIRE(o);
    const std::string promptId = (*o)["prompt_id"];
    auto del = runCommand(pv::test::sqliteShell() + " " + shellQuote(vault) + " " +
                          shellQuote("DELETE FROM outputs WHERE prompt_id = '" + promptId + "'; DELETE FROM prompts WHERE id = '" + promptId + "';"));
    REQUIRE_MESSAGE(del.exitCode == 0, del.err);
    const auto mid = statsOf(vault);
    auto r = runPv(vault, "add output --text t --prompt-id " + promptId);
    CHECK(r.exitCode == 1);
    CHECK(r.err.find("--prompt-id '" + promptId + "' is a deleted prompt") != std::string::npos);
    CHECK(statsOf(vault) == mid);
}
