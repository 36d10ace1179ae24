// Importers: ChatGPT and Claude exports (branches, edits, a custom GPT, a Claude project, tool
// messages, images, non-ASCII text), idempotent re-import, a newer superset, zip and split files,
// every kind of bad input, dry runs, cancel, and the CLI command.
#include "cli/Cli.hpp"
#include "Store.hpp"
#include "TestUtil.hpp"
#include "capture/Import.hpp"
#include "StoreInternals.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <zip.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace pv;
using namespace pv::capture;
using nlohmann::json;
using pv::test::TempDir;

namespace {

// ---- a ChatGPT conversation builder: the mapping tree as the export writes it ----------------
class Gpt {
public:
    Gpt(const std::string& id, const std::string& title, double t0 = 1700000000.0) : m_t(t0) {
        j = {{"title", title}, {"create_time", t0}, {"update_time", t0 + 100}, {"mapping", json::object()},
             {"conversation_id", id}, {"id", id}, {"default_model_slug", "gpt-4o"}, {"current_node", nullptr}};
        j["mapping"]["root-" + id] = {{"id", "root-" + id}, {"message", nullptr}, {"parent", nullptr}, {"children", json::array()}};
        root = "root-" + id;
    }
    // Adds a node under parent; returns its id.
    std::string add(const std::string& nodeId, const std::string& parent, const std::string& role, json content,
                    json metadata = json::object(), const std::string& recipient = "all", const std::string& authorName = "") {
        m_t += 10;
        json author = {{"role", role}, {"name", authorName.empty() ? json(nullptr) : json(authorName)}, {"metadata", json::object()}};
        json msg = {{"id", nodeId}, {"author", author}, {"create_time", m_t}, {"content", content}, {"status", "finished_successfully"},
                    {"metadata", metadata}, {"recipient", recipient}};
        j["mapping"][nodeId] = {{"id", nodeId}, {"message", msg}, {"parent", parent.empty() ? json(nullptr) : json(parent)},
                                {"children", json::array()}};
        if (!parent.empty() && j["mapping"].contains(parent)) j["mapping"][parent]["children"].push_back(nodeId);
        j["current_node"] = nodeId;
        return nodeId;
    }
    std::string user(const std::string& id, const std::string& parent, const std::string& text) {
        return add(id, parent, "user", {{"content_type", "text"}, {"parts", {text}}});
    }
    std::string assistant(const std::string& id, const std::string& parent, const std::string& text, const std::string& model = "gpt-4o") {
        return add(id, parent, "assistant", {{"content_type", "text"}, {"parts", {text}}}, {{"model_slug", model}});
    }
    json j;
    std::string root;

private:
    double m_t;
};

// The "main" ChatGPT sample: regenerations, an edit, tools, images, reasoning, a custom GPT.
struct GptSample {
    json conversations = json::array();
    json feedback = json::array();
};

Gpt lifetimesConversation() {
    Gpt a("c-aaaa", "Rust lifetimes \xF0\x9F\xA6\x80");
    a.add("sys-a", a.root, "system", {{"content_type", "text"}, {"parts", {""}}}, {{"is_visually_hidden_from_conversation", true}});
    a.add("ctx-a", "sys-a", "user",
          {{"content_type", "user_editable_context"}, {"user_profile", "I am a backend dev"}, {"user_instructions", "Answer briefly"}},
          {{"is_visually_hidden_from_conversation", true}});
    a.user("u1", "ctx-a", "Explain Rust lifetimes — with an example. Ünïcödé 日本語");
    a.assistant("a1", "u1", "Lifetimes tell the borrow checker how long references live.");
    a.assistant("a1b", "u1", "Another take: a lifetime is a region of code.", "gpt-4o-mini");
    a.user("u1e", "ctx-a", "Explain Rust lifetimes briefly");  // the edited prompt: a sibling of u1
    a.assistant("a2", "u1e", "Briefly: scopes for references.");
    a.user("u3", "a2", "Run it in Python: 6*7");
    a.add("a3", "u3", "assistant", {{"content_type", "code"}, {"language", "python"}, {"text", "print(6*7)"}}, {{"model_slug", "gpt-4o"}}, "python");
    a.add("t3", "a3", "tool", {{"content_type", "execution_output"}, {"text", "42"}}, json::object(), "all", "python");
    a.assistant("a3f", "t3", "The result is 42.");
    return a;
}

Gpt customGptConversation() {
    Gpt b("c-bbbb", "Recipe pictures", 1700100000.0);
    b.j["gizmo_id"] = "g-abc123";
    b.user("bu1", b.root, "Explain Rust lifetimes — with an example. Ünïcödé 日本語");  // same text as c-aaaa's u1
    b.assistant("ba1", "bu1", "Same question, custom GPT answer.");
    b.add("bu2", "ba1", "user",
          {{"content_type", "multimodal_text"},
           {"parts", {json{{"content_type", "image_asset_pointer"}, {"asset_pointer", "file-service://file-IMG1"}, {"width", 800}, {"height", 600}},
                      "What is in this picture?"}}},
          {{"attachments", {{{"name", "photo.jpg"}, {"id", "file-IMG1"}}}}});
    b.add("bth", "bu2", "assistant", {{"content_type", "thoughts"}, {"thoughts", {{{"summary", "Looking"}, {"content", "It shows a cake."}}}}},
          {{"model_slug", "o1"}});
    b.add("bcall", "bth", "assistant", {{"content_type", "code"}, {"language", "json"}, {"text", "{\"prompt\": \"a cake\"}"}},
          {{"model_slug", "o1"}}, "dalle.text2im");
    b.add("bimg", "bcall", "tool",
          {{"content_type", "multimodal_text"},
           {"parts", {json{{"content_type", "image_asset_pointer"}, {"asset_pointer", "file-service://file-GEN"}, {"width", 1024}, {"height", 1024}}}}},
          json::object(), "all", "dalle.text2im");
    b.add("bnew", "bimg", "assistant", {{"content_type", "weird_new_type"}, {"payload", "kept text"}}, {{"model_slug", "o1"}});
    b.assistant("ba2", "bnew", "It is a chocolate cake.", "o1");
    return b;
}

std::string writeJson(const std::string& path, const json& j) {
    pv::test::writeFile(path, j.dump());
    return path;
}

void writeZip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& files) {
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    REQUIRE(z != nullptr);
    for (const auto& [name, data] : files) {
        // libzip copies nothing: keep the buffers alive until zip_close.
        zip_source_t* src = zip_source_buffer(z, data.data(), data.size(), 0);
        REQUIRE(src != nullptr);
        REQUIRE(zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE) >= 0);
    }
    REQUIRE(zip_close(z) == 0);
}

std::string exportText(Store& s) {
    std::ostringstream out;
    s.exportJson(out);
    return out.str();
}

ImportReport importPath(Store& s, ExportSource src, const std::string& path, const std::string& model = "") {
    ImportOptions o;
    o.source = src;
    o.path = path;
    o.defaultModelName = model;
    return runImport(s, o);
}

std::optional<Output> outputByMessage(Store& s, const std::string& conv, const std::string& msg) {
    auto& st = pv::StoreInternals::db(s).cached("SELECT id FROM outputs WHERE conversation_id = ? AND message_id = ?");
    sql::StmtUse use(st);
    st.bind(1, conv).bind(2, msg);
    if (!st.step()) return std::nullopt;
    return s.getOutput(st.getText(0));
}

int64_t q(Store& s, const std::string& sqlText) { return pv::StoreInternals::db(s).queryInt(sqlText); }

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

bool anySkipped(const ImportReport& r, const std::string& needle) {
    for (const auto& s : r.skipped)
        if (contains(s.where + " " + s.reason, needle)) return true;
    return false;
}

bool anyWarning(const ImportReport& r, const std::string& needle) {
    for (const auto& w : r.warnings)
        if (contains(w, needle)) return true;
    return false;
}

} // namespace

TEST_CASE("ChatGPT export: tree mapped onto prompts, outputs, iterations, models, custom GPT and ratings") {
    TempDir dir;
    json convs = json::array({lifetimesConversation().j, customGptConversation().j});
    writeJson(dir.file("conversations.json"), convs);
    writeJson(dir.file("message_feedback.json"),
              json::array({{{"id", "fb1"}, {"conversation_id", "c-aaaa"}, {"message_id", "a1"}, {"rating", "thumbsUp"},
                            {"content", "{\"text\": \"spot on\", \"tags\": [\"accurate\"]}"}},
                           {{"id", "fb2"}, {"conversation_id", "c-aaaa"}, {"message_id", "a3f"}, {"rating", "thumbsDown"}, {"content", "{}"}}}));
    Store s(dir.file("v.db"));
    auto r = importPath(s, ExportSource::ChatGpt, dir.file("conversations.json"));
    INFO(formatReport(r));
    REQUIRE(r.fatalError.empty());
    CHECK(r.skipped.empty());
    CHECK(r.conversations.added == 2);
    // Prompts: u1 (shared with bu1), u1e (edit of u1), u3, bu2.
    CHECK(r.prompts.added == 4);
    CHECK(q(s, "SELECT count(*) FROM prompts") == 4);
    // Outputs: a1, a1b (regenerated), a2, a3f, ba1, ba2.
    CHECK(r.outputs.added == 6);
    CHECK(q(s, "SELECT count(*) FROM outputs") == 6);
    CHECK(r.models.added == 3);  // gpt-4o, gpt-4o-mini, o1
    CHECK(r.agents.added == 1);
    CHECK(r.ratingsSet == 0);  // ratings of new outputs are set on create

    auto a1 = outputByMessage(s, "c-aaaa", "a1");
    auto a1b = outputByMessage(s, "c-aaaa", "a1b");
    REQUIRE(a1);
    REQUIRE(a1b);
    CHECK(a1->promptId == a1b->promptId);  // regenerated answers: one prompt, two outputs
    CHECK(s.getModel(*a1->modelId)->name == "gpt-4o");
    CHECK(s.getModel(*a1b->modelId)->name == "gpt-4o-mini");
    CHECK(a1->rating == 5);  // thumbs up
    CHECK(contains(a1->notes, "spot on"));
    CHECK(contains(a1->notes, "Answer briefly"));  // the hidden custom instructions are kept as notes
    CHECK(a1->source == "chatgpt");
    CHECK(a1->conversationTitle == "Rust lifetimes \xF0\x9F\xA6\x80");
    CHECK(a1->conversationUrl == "https://chatgpt.com/c/c-aaaa");
    CHECK(a1->capturedAt.rfind("2023-11-14T", 0) == 0);
    auto p1 = s.getPrompt(*a1->promptId);
    CHECK(p1->body == "Explain Rust lifetimes — with an example. Ünïcödé 日本語");
    CHECK(p1->title == "Rust lifetimes \xF0\x9F\xA6\x80");  // the first prompt takes the conversation title

    auto a2 = outputByMessage(s, "c-aaaa", "a2");
    auto p2 = s.getPrompt(*a2->promptId);
    CHECK(p2->body == "Explain Rust lifetimes briefly");
    CHECK(p2->derivedFromId == p1->id);  // the edited message is an iteration of the first

    auto a3 = outputByMessage(s, "c-aaaa", "a3f");
    REQUIRE(a3);
    CHECK(a3->output == "The result is 42.");
    CHECK(contains(a3->notes, "[tool call to python]"));
    CHECK(contains(a3->notes, "print(6*7)"));
    CHECK(contains(a3->notes, "[tool result from python]"));
    CHECK(contains(a3->notes, "42"));
    CHECK(a3->rating == 1);  // thumbs down
    CHECK(!outputByMessage(s, "c-aaaa", "a3"));  // the tool call is part of a3f, not an output of its own

    // The same prompt text in another conversation is the same prompt; the custom GPT is the agent.
    auto ba1 = outputByMessage(s, "c-bbbb", "ba1");
    REQUIRE(ba1);
    CHECK(ba1->promptId == a1->promptId);
    REQUIRE(ba1->agentId);
    auto agent = s.getAgent(*ba1->agentId);
    CHECK(agent->platform == "chatgpt");
    CHECK(agent->url == "https://chatgpt.com/g/g-abc123");
    CHECK(!a1->agentId);

    // Images, reasoning and an unknown content type: placeholders and notes, never dropped.
    auto ba2 = outputByMessage(s, "c-bbbb", "ba2");
    REQUIRE(ba2);
    CHECK(contains(ba2->output, "[image: file-service://file-GEN 1024x1024]"));
    CHECK(contains(ba2->output, "It is a chocolate cake."));
    CHECK(contains(ba2->notes, "[reasoning]"));
    CHECK(contains(ba2->notes, "It shows a cake."));
    CHECK(contains(ba2->notes, "[tool call to dalle.text2im]"));
    CHECK(contains(ba2->notes, "[weird_new_type]"));
    CHECK(contains(ba2->notes, "kept text"));
    CHECK(s.getModel(*ba2->modelId)->name == "o1");
    CHECK(anyWarning(r, "weird_new_type"));
    auto bu2 = s.getPrompt(*ba2->promptId);
    CHECK(contains(bu2->body, "[image: file-service://file-IMG1 800x600]"));
    CHECK(contains(bu2->body, "What is in this picture?"));
    CHECK(contains(bu2->body, "[attached file: photo.jpg]"));
}

TEST_CASE("ChatGPT re-import is idempotent; a newer superset adds only the new turns") {
    TempDir dir;
    json v1 = json::array({lifetimesConversation().j, customGptConversation().j});
    writeJson(dir.file("conversations.json"), v1);
    Store s(dir.file("v.db"));
    auto r1 = importPath(s, ExportSource::ChatGpt, dir.file("conversations.json"));
    REQUIRE(r1.ok());
    const std::string before = exportText(s);
    const auto changesBefore = s.pendingChanges();

    auto r2 = importPath(s, ExportSource::ChatGpt, dir.file("conversations.json"));
    INFO(formatReport(r2));
    CHECK(r2.conversations.added == 0);
    CHECK(r2.conversations.present == 2);
    CHECK(r2.prompts.added == 0);
    CHECK(r2.prompts.present == 4);
    CHECK(r2.outputs.added == 0);
    CHECK(r2.outputs.present == 6);
    CHECK(r2.models.added == 0);
    CHECK(r2.agents.added == 0);
    CHECK(exportText(s) == before);  // not a byte changed
    CHECK(s.pendingChanges() == changesBefore);

    // A newer export: c-aaaa continued, a new conversation, and a thumbs up given since.
    Gpt a = lifetimesConversation();
    a.user("u4", "a3f", "And in Go?");
    a.assistant("a4", "u4", "Go has a garbage collector instead.");
    Gpt c("c-cccc", "Brand new");
    c.user("cu1", c.root, "Run it in Python: 6*7");  // an existing prompt's text
    c.assistant("ca1", "cu1", "42 again");
    json v2 = json::array({a.j, customGptConversation().j, c.j});
    TempDir dir2;
    writeJson(dir2.file("conversations.json"), v2);
    writeJson(dir2.file("message_feedback.json"),
              json::array({{{"conversation_id", "c-bbbb"}, {"message_id", "ba1"}, {"rating", "thumbsUp"}}}));
    auto r3 = importPath(s, ExportSource::ChatGpt, dir2.file("conversations.json"));
    INFO(formatReport(r3));
    CHECK(r3.conversations.added == 2);
    CHECK(r3.conversations.present == 1);
    CHECK(r3.prompts.added == 1);  // "And in Go?"
    CHECK(r3.outputs.added == 2);  // a4, ca1
    CHECK(r3.outputs.present == 6);
    CHECK(r3.ratingsSet == 1);  // the new feedback on an output that had no rating
    CHECK(outputByMessage(s, "c-bbbb", "ba1")->rating == 5);
    CHECK(q(s, "SELECT count(*) FROM prompts") == 5);
    CHECK(q(s, "SELECT count(*) FROM outputs") == 8);
    CHECK(outputByMessage(s, "c-cccc", "ca1")->promptId == outputByMessage(s, "c-aaaa", "a3f")->promptId);

    // A rating the person set by hand is never overwritten by an export's thumbs.
    auto o = *outputByMessage(s, "c-aaaa", "a2");
    o.rating = 3;
    s.updateOutput(o);
    writeJson(dir2.file("message_feedback.json"), json::array({{{"conversation_id", "c-aaaa"}, {"message_id", "a2"}, {"rating", "thumbsUp"}}}));
    auto r4 = importPath(s, ExportSource::ChatGpt, dir2.file("conversations.json"));
    CHECK(r4.outputs.added == 0);
    CHECK(r4.ratingsSet == 0);
    CHECK(outputByMessage(s, "c-aaaa", "a2")->rating == 3);

    // Message ids repeat across conversations: the key is conversation AND message.
    Gpt d("c-dddd", "Copy with same ids");
    d.user("u1", d.root, "A different question");
    d.assistant("a1", "u1", "A different answer");
    TempDir dir3;
    writeJson(dir3.file("conversations.json"), json::array({d.j}));
    auto r5 = importPath(s, ExportSource::ChatGpt, dir3.file("conversations.json"));
    CHECK(r5.outputs.added == 1);
    CHECK(outputByMessage(s, "c-dddd", "a1")->output == "A different answer");

    // What the person deleted stays deleted: re-importing does not revive the prompt or its output.
    auto dp = *outputByMessage(s, "c-dddd", "a1")->promptId;
    s.softDelete({Kind::Prompt, dp}, DeleteMode::Cascade);
    CHECK(q(s, "SELECT count(*) FROM prompts WHERE body = 'A different question' AND deleted_at IS NULL") == 0);
    CHECK(q(s, "SELECT count(*) FROM prompts WHERE body = 'A different question'") == 1);
    auto r6 = importPath(s, ExportSource::ChatGpt, dir3.file("conversations.json"));
    INFO(formatReport(r6));
    CHECK(r6.prompts.added == 0);
    CHECK(r6.outputs.added == 0);
    CHECK(q(s, "SELECT count(*) FROM prompts WHERE body = 'A different question' AND deleted_at IS NULL") == 0);
    CHECK(q(s, "SELECT count(*) FROM outputs WHERE conversation_id = 'c-dddd' AND deleted_at IS NULL") == 0);
}

TEST_CASE("ChatGPT zip read in place, split conversations-NNN.json files, dry run") {
    TempDir dir;
    Gpt c("c-cccc", "Third");
    c.user("cu1", c.root, "Third question");
    c.assistant("ca1", "cu1", "Third answer");
    std::string f0 = json::array({lifetimesConversation().j}).dump();
    std::string f1 = json::array({customGptConversation().j, c.j}).dump();
    std::string fb = json::array({{{"conversation_id", "c-cccc"}, {"message_id", "ca1"}, {"rating", "thumbsDown"}}}).dump();
    std::string chat = "<html>chat</html>";
    writeZip(dir.file("export.zip"), {{"conversations-000.json", f0}, {"conversations-001.json", f1}, {"message_feedback.json", fb},
                                      {"chat.html", chat}});
    CHECK(detectSource(dir.file("export.zip")) == ExportSource::ChatGpt);

    ImportOptions o;
    o.path = dir.file("export.zip");
    auto preview = previewExport(o, 2);
    CHECK(preview.fatalError.empty());
    CHECK(preview.conversations == 3);
    REQUIRE(preview.firstTitles.size() == 2);
    CHECK(preview.firstTitles[0] == "Rust lifetimes \xF0\x9F\xA6\x80");
    CHECK(preview.files.size() == 2);
    CHECK(preview.agents == 1);

    Store s(dir.file("v.db"));
    o.dryRun = true;
    auto dry = runImport(s, o);
    INFO(formatReport(dry));
    CHECK(dry.outputs.added == 7);
    CHECK(dry.prompts.added == 5);
    CHECK(q(s, "SELECT count(*) FROM outputs") == 0);  // a dry run keeps nothing
    CHECK(q(s, "SELECT count(*) FROM models") == 0);

    o.dryRun = false;
    o.batchConversations = 1;  // a transaction per conversation
    std::vector<ImportProgress> seen;
    auto r = runImport(s, o, [&](const ImportProgress& p) { seen.push_back(p); });
    CHECK(r.ok());
    CHECK(r.outputs.added == 7);
    CHECK(outputByMessage(s, "c-cccc", "ca1")->rating == 1);
    REQUIRE(!seen.empty());
    CHECK(seen.back().conversations == 3);
    CHECK(seen.back().bytesDone == seen.back().bytesTotal);
    CHECK(seen.back().bytesTotal == f0.size() + f1.size());
    for (size_t i = 1; i < seen.size(); ++i) CHECK(seen[i].bytesDone >= seen[i - 1].bytesDone);

    // The same export again, now as an unpacked folder: nothing new.
    TempDir unpacked;
    pv::test::writeFile(unpacked.file("conversations-000.json"), f0);
    pv::test::writeFile(unpacked.file("conversations-001.json"), f1);
    auto again = importPath(s, ExportSource::ChatGpt, unpacked.path().string());
    CHECK(again.outputs.added == 0);
    CHECK(again.outputs.present == 7);
    // Naming one of the split files reads its siblings too.
    auto named = importPath(s, ExportSource::ChatGpt, unpacked.file("conversations-000.json"));
    CHECK(named.files.size() == 2);
    CHECK(named.outputs.present == 7);
}

TEST_CASE("Claude export: messages, branches, thinking and tools, attachments, projects as agents, the chosen model") {
    TempDir dir;
    const std::string root = "00000000-0000-4000-8000-000000000000";
    json conv1 = {
        {"uuid", "cl-1"}, {"name", "Grüße auf Deutsch"}, {"created_at", "2024-05-01T10:00:00.000000Z"},
        {"updated_at", "2024-05-01T10:05:00.000000Z"}, {"project_uuid", "proj-1"},
        {"chat_messages",
         {{{"uuid", "h1"}, {"sender", "human"}, {"text", "Wie sagt man 'hello'?"}, {"parent_message_uuid", root},
           {"created_at", "2024-05-01T10:00:00Z"},
           {"content", {{{"type", "text"}, {"text", "Wie sagt man 'hello'?"}}}},
           {"attachments", {{{"file_name", "notes.txt"}, {"file_size", 12}, {"extracted_content", "hallo welt"}}}},
           {"files", {{{"file_name", "diagram.png"}}}}},
          {{"uuid", "r1"}, {"sender", "assistant"}, {"parent_message_uuid", "h1"}, {"created_at", "2024-05-01T10:00:05Z"},
           {"text", ""},
           {"content", {{{"type", "thinking"}, {"thinking", "Simple greeting."}},
                        {{"type", "tool_use"}, {"name", "web_search"}, {"input", {{"query", "hello german"}}}},
                        {{"type", "tool_result"}, {"name", "web_search"}, {"content", {{{"type", "text"}, {"text", "Hallo = hello"}}}}},
                        {{"type", "text"}, {"text", "Man sagt „Hallo“."}}}}},
          {{"uuid", "r1b"}, {"sender", "assistant"}, {"parent_message_uuid", "h1"}, {"created_at", "2024-05-01T10:01:00Z"},
           {"content", {{{"type", "text"}, {"text", "„Hallo“ oder „Guten Tag“."}}}}},
          {{"uuid", "h2"}, {"sender", "human"}, {"parent_message_uuid", "r1"}, {"created_at", "2024-05-01T10:02:00Z"},
           {"content", {{{"type", "text"}, {"text", "Und 'goodbye'?"}}}}},
          {{"uuid", "h2e"}, {"sender", "human"}, {"parent_message_uuid", "r1"}, {"created_at", "2024-05-01T10:03:00Z"},
           {"content", {{{"type", "text"}, {"text", "Und 'goodbye', formell?"}}}}},
          {{"uuid", "r3"}, {"sender", "assistant"}, {"parent_message_uuid", "h2e"}, {"created_at", "2024-05-01T10:03:05Z"},
           {"content", {{{"type", "text"}, {"text", "„Auf Wiedersehen“."}}, {{"type", "citation_blob"}, {"note", "a new block type"}}}}}}}};
    // An older export shape: no parent ids, a plain list.
    json conv2 = {{"uuid", "cl-2"}, {"name", ""}, {"created_at", "2024-05-02T10:00:00Z"},
                  {"chat_messages", {{{"uuid", "x1"}, {"sender", "human"}, {"text", "Linear question"}},
                                     {{"uuid", "x2"}, {"sender", "assistant"}, {"text", "Linear answer"}}}}};
    writeJson(dir.file("conversations.json"), json::array({conv1, conv2}));
    writeJson(dir.file("projects.json"),
              json::array({{{"uuid", "proj-1"}, {"name", "German tutor"}, {"description", "Helps with German"},
                            {"prompt_template", "Always answer in German."},
                            {"docs", {{{"uuid", "d1"}, {"filename", "grammar.md"}, {"content", "Der, die, das."}}}}}}));
    CHECK(detectSource(dir.file("conversations.json")) == ExportSource::Claude);

    Store s(dir.file("v.db"));
    auto r = importPath(s, ExportSource::Claude, dir.file("conversations.json"), "claude-3-5-sonnet");
    INFO(formatReport(r));
    REQUIRE(r.fatalError.empty());
    CHECK(r.skipped.empty());
    CHECK(r.prompts.added == 4);  // h1, h2, h2e, x1
    CHECK(r.outputs.added == 4);  // r1, r1b, r3, x2
    CHECK(r.agents.added == 1);
    CHECK(r.models.added == 1);
    CHECK(anyWarning(r, "citation_blob"));

    auto r1 = outputByMessage(s, "cl-1", "r1");
    auto r1b = outputByMessage(s, "cl-1", "r1b");
    REQUIRE(r1);
    REQUIRE(r1b);
    CHECK(r1->promptId == r1b->promptId);
    CHECK(r1->output == "Man sagt „Hallo“.");
    CHECK(contains(r1->notes, "[thinking]"));
    CHECK(contains(r1->notes, "[tool call to web_search]"));
    CHECK(contains(r1->notes, "hello german"));
    CHECK(contains(r1->notes, "Hallo = hello"));
    CHECK(r1->source == "claude");
    CHECK(r1->conversationUrl == "https://claude.ai/chat/cl-1");
    CHECK(s.getModel(*r1->modelId)->name == "claude-3-5-sonnet");  // the model picked at import
    auto agent = s.getAgent(*r1->agentId);
    CHECK(agent->name == "German tutor");
    CHECK(agent->platform == "claude");
    CHECK(agent->description == "Helps with German");
    CHECK(contains(agent->instructions, "Always answer in German."));
    CHECK(contains(agent->instructions, "grammar.md"));
    CHECK(contains(agent->instructions, "Der, die, das."));
    auto h1 = s.getPrompt(*r1->promptId);
    CHECK(contains(h1->body, "Wie sagt man 'hello'?"));
    CHECK(contains(h1->body, "[attachment: notes.txt]"));
    CHECK(contains(h1->body, "[file: diagram.png]"));
    CHECK(contains(h1->notes, "hallo welt"));

    auto r3 = outputByMessage(s, "cl-1", "r3");
    auto h2e = s.getPrompt(*r3->promptId);
    CHECK(h2e->body == "Und 'goodbye', formell?");
    REQUIRE(h2e->derivedFromId);
    CHECK(s.getPrompt(*h2e->derivedFromId)->body == "Und 'goodbye'?");
    CHECK(contains(r3->notes, "a new block type"));

    auto x2 = outputByMessage(s, "cl-2", "x2");
    REQUIRE(x2);
    CHECK(s.getPrompt(*x2->promptId)->body == "Linear question");
    CHECK(!x2->agentId);

    // Again: nothing new. Without --model the default is the honest "unspecified" model.
    auto again = importPath(s, ExportSource::Claude, dir.file("conversations.json"), "claude-3-5-sonnet");
    CHECK(again.outputs.added == 0);
    CHECK(again.prompts.added == 0);
    CHECK(again.agents.present == 1);
    CHECK(again.agents.added == 0);
    TempDir other;
    json conv3 = {{"uuid", "cl-3"}, {"name", "n"}, {"chat_messages", {{{"uuid", "y1"}, {"sender", "human"}, {"text", "q3"}},
                                                                      {{"uuid", "y2"}, {"sender", "assistant"}, {"text", "a3"}}}}};
    writeJson(other.file("conversations.json"), json::array({conv3}));
    auto r3b = importPath(s, ExportSource::Claude, other.file("conversations.json"));
    CHECK(s.getModel(*outputByMessage(s, "cl-3", "y2")->modelId)->name == "Claude (unspecified)");
    CHECK(r3b.outputs.added == 1);
}

TEST_CASE("Claude projects/ folder becomes agents") {
    TempDir dir;
    writeJson(dir.file("conversations.json"),
              json::array({{{"uuid", "p-conv"}, {"name", "In a project"}, {"project", {{"uuid", "proj-9"}}},
                            {"chat_messages", {{{"uuid", "m1"}, {"sender", "human"}, {"text", "Hi"}},
                                               {{"uuid", "m2"}, {"sender", "assistant"}, {"text", "Hello"}}}}}}));
    std::filesystem::create_directories(dir.path() / "projects");
    writeJson(dir.file("projects/proj-9.json"), {{"uuid", "proj-9"}, {"name", "Folder project"}, {"prompt_template", "Be nice"}});
    Store s(dir.file("v.db"));
    auto r = importPath(s, ExportSource::Claude, dir.path().string());
    INFO(formatReport(r));
    CHECK(r.ok());
    auto o = outputByMessage(s, "p-conv", "m2");
    REQUIRE(o);
    REQUIRE(o->agentId);
    CHECK(s.getAgent(*o->agentId)->name == "Folder project");
    CHECK(s.getAgent(*o->agentId)->instructions == "Be nice");
}

TEST_CASE("bad input: clear messages, everything importable imported, nothing half-written") {
    TempDir dir;
    Store s(dir.file("v.db"));
    auto empty = exportText(s);

    SUBCASE("not an export at all") {
        pv::test::writeFile(dir.file("notes.txt"), "Dear diary, today I wrote no JSON.");
        auto r = importPath(s, ExportSource::ChatGpt, dir.file("notes.txt"));
        CHECK(contains(r.fatalError, "notes.txt"));
        CHECK(contains(r.fatalError, "not a JSON array"));
        CHECK(exportText(s) == empty);
        writeJson(dir.file("other.json"), json::array({{{"name", "x"}, {"value", 1}}}));
        auto r2 = importPath(s, ExportSource::ChatGpt, dir.file("other.json"));
        CHECK(contains(r2.fatalError, "not a ChatGPT export"));
        CHECK(contains(r2.fatalError, "mapping"));
        pv::test::writeFile(dir.file("empty.json"), "");
        CHECK(contains(importPath(s, ExportSource::Claude, dir.file("empty.json")).fatalError, "empty"));
        CHECK(contains(importPath(s, ExportSource::Claude, dir.file("missing.json")).fatalError, "no such file"));
        CHECK(exportText(s) == empty);
    }
    SUBCASE("the wrong importer is named") {
        writeJson(dir.file("conversations.json"), json::array({lifetimesConversation().j}));
        auto r = importPath(s, ExportSource::Claude, dir.file("conversations.json"));
        CHECK(contains(r.fatalError, "ChatGPT export"));
        CHECK(contains(r.fatalError, "import chatgpt"));
        CHECK(exportText(s) == empty);
    }
    SUBCASE("a zip without conversations.json") {
        std::string a = "{}", b = "hello";
        writeZip(dir.file("export.zip"), {{"user.json", a}, {"chat.html", b}});
        auto r = importPath(s, ExportSource::ChatGpt, dir.file("export.zip"));
        CHECK(contains(r.fatalError, "export.zip"));
        CHECK(contains(r.fatalError, "no conversations.json"));
        CHECK(contains(r.fatalError, "user.json"));
        pv::test::writeFile(dir.file("broken.zip"), std::string("PK\x03\x04garbage", 11));
        CHECK(contains(importPath(s, ExportSource::ChatGpt, dir.file("broken.zip")).fatalError, "broken.zip"));
        CHECK(exportText(s) == empty);
    }
    SUBCASE("a truncated file: the complete conversations are imported, the cut one reported") {
        Gpt c("c-cccc", "Third");
        c.user("cu1", c.root, "Third question");
        c.assistant("ca1", "cu1", "Third answer");
        std::string full = json::array({lifetimesConversation().j, c.j}).dump();
        pv::test::writeFile(dir.file("conversations.json"), full.substr(0, full.size() - 40));
        auto r = importPath(s, ExportSource::ChatGpt, dir.file("conversations.json"));
        INFO(formatReport(r));
        CHECK(r.fatalError.empty());
        CHECK(r.outputs.added == 4);  // the whole first conversation
        CHECK(anySkipped(r, "truncated"));
        CHECK(anySkipped(r, "element #2"));
        CHECK(!outputByMessage(s, "c-cccc", "ca1"));
        CHECK(q(s, "SELECT count(*) FROM prompts WHERE body = 'Third question'") == 0);  // nothing half-written
        // The complete export later brings the rest, nothing twice.
        pv::test::writeFile(dir.file("conversations.json"), full);
        auto r2 = importPath(s, ExportSource::ChatGpt, dir.file("conversations.json"));
        CHECK(r2.outputs.added == 1);
        CHECK(r2.outputs.present == 4);
    }
    SUBCASE("a broken tree: missing parent and a cycle") {
        Gpt c("c-tree", "Broken tree");
        c.user("u1", c.root, "Fine question");
        c.assistant("a1", "u1", "Fine answer");
        c.user("orph", "gone-node", "Orphan question");  // its parent is not in the mapping
        c.assistant("orpha", "orph", "Orphan answer");
        c.user("cy1", "cy2", "Cycle question");  // cy1 -> cy2 -> cy1
        c.assistant("cy2", "cy1", "Cycle answer");
        writeJson(dir.file("conversations.json"), json::array({c.j}));
        auto r = importPath(s, ExportSource::ChatGpt, dir.file("conversations.json"));
        INFO(formatReport(r));
        CHECK(r.fatalError.empty());
        CHECK(outputByMessage(s, "c-tree", "a1"));
        CHECK(outputByMessage(s, "c-tree", "orpha"));  // imported as the start of its own branch
        CHECK(anyWarning(r, "gone-node"));
        CHECK(!outputByMessage(s, "c-tree", "cy2"));
        CHECK(anySkipped(r, "cycle"));
        CHECK(q(s, "SELECT count(*) FROM prompts WHERE body = 'Cycle question'") == 0);
    }
    SUBCASE("invalid UTF-8 and lone surrogates are repaired with U+FFFD and reported") {
        Gpt c("c-utf", "Bad bytes");
        c.user("u1", c.root, "PLACEHOLDER_Q");
        c.assistant("a1", "u1", "PLACEHOLDER_A");
        std::string text = json::array({c.j}).dump();
        text.replace(text.find("PLACEHOLDER_Q"), 13, "caf\xE9 \xFF\xFE end");  // Latin-1 bytes, not UTF-8
        text.replace(text.find("PLACEHOLDER_A"), 13, "half \\ud83d pair");   // a lone high surrogate escape
        pv::test::writeFile(dir.file("conversations.json"), text);
        auto r = importPath(s, ExportSource::ChatGpt, dir.file("conversations.json"));
        INFO(formatReport(r));
        CHECK(r.fatalError.empty());
        CHECK(r.repairedTexts == 4);  // \xE9 before a space, \xFF, \xFE, the surrogate
        auto o = outputByMessage(s, "c-utf", "a1");
        REQUIRE(o);
        CHECK(o->output == "half \xEF\xBF\xBD pair");
        CHECK(s.getPrompt(*o->promptId)->body == "caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD end");
        CHECK(anyWarning(r, "U+FFFD"));
    }
    SUBCASE("bad elements among good ones are skipped with where and why") {
        Gpt c("c-ok", "Good");
        c.user("u1", c.root, "Good question");
        c.assistant("a1", "u1", "Good answer");
        json noId = {{"title", "no id"}, {"mapping", json::object()}};
        json badMapping = {{"title", "bad"}, {"id", "c-bad"}, {"mapping", "not an object"}};
        std::string text = "[" + json(42).dump() + "," + json("a string").dump() + "," + noId.dump() + "," + badMapping.dump() +
                           ",{\"mapping\": {\"x\": [1,2}}," + c.j.dump() + "]";
        pv::test::writeFile(dir.file("conversations.json"), text);
        auto r = importPath(s, ExportSource::ChatGpt, dir.file("conversations.json"));
        INFO(formatReport(r));
        CHECK(r.fatalError.empty());
        CHECK(outputByMessage(s, "c-ok", "a1"));
        CHECK(r.skipped.size() == 5);
        CHECK(anySkipped(r, "conversation #5"));
        CHECK(anySkipped(r, "not valid JSON"));
        CHECK(anySkipped(r, "has no id"));
        CHECK(anySkipped(r, "no 'mapping' object"));
    }
    SUBCASE("feedback file that is not JSON: conversations still imported") {
        Gpt c("c-ok", "Good");
        c.user("u1", c.root, "Good question");
        c.assistant("a1", "u1", "Good answer");
        writeJson(dir.file("conversations.json"), json::array({c.j}));
        pv::test::writeFile(dir.file("message_feedback.json"), "[{broken");
        auto r = importPath(s, ExportSource::ChatGpt, dir.file("conversations.json"));
        CHECK(r.outputs.added == 1);
        CHECK(anySkipped(r, "message_feedback.json"));
    }
}

TEST_CASE("cancel: whole batches stay, the unfinished one rolls back, a re-import finishes") {
    TempDir dir;
    json convs = json::array();
    for (int i = 0; i < 30; ++i) {
        Gpt c("c-" + std::to_string(i), "Conversation " + std::to_string(i));
        c.user("u", c.root, "Question number " + std::to_string(i));
        c.assistant("a", "u", "Answer number " + std::to_string(i));
        convs.push_back(c.j);
    }
    writeJson(dir.file("conversations.json"), convs);
    Store s(dir.file("v.db"));
    std::atomic<bool> cancel{false};
    ImportOptions o;
    o.path = dir.file("conversations.json");
    o.batchConversations = 10;
    auto r = runImport(s, o, [&](const ImportProgress& p) { if (p.conversations == 15) cancel = true; }, &cancel);
    CHECK(r.cancelled);
    CHECK(r.outputs.added == 10);
    CHECK(q(s, "SELECT count(*) FROM outputs") == 10);
    CHECK(q(s, "SELECT count(*) FROM prompts") == 10);
    auto r2 = runImport(s, o);
    CHECK(r2.ok());
    CHECK(r2.outputs.added == 20);
    CHECK(r2.outputs.present == 10);
    CHECK(q(s, "SELECT count(*) FROM outputs") == 30);
}

// The vault refuses any output with this text (a temp trigger): a row refused at the batch write.
static void refuseOutputsSaying(Store& s, const std::string& text) {
    pv::StoreInternals::db(s).exec("CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.outputs WHEN NEW.output = '" + text +
                "' BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END");
}

TEST_CASE("batch writes: a row the vault refuses loses only its conversation; repeats within a batch are present") {
    TempDir dir;
    json convs = json::array();
    for (int i = 0; i < 5; ++i) {
        Gpt c("c-" + std::to_string(i), "Conversation " + std::to_string(i));
        c.user("u", c.root, "Question number " + std::to_string(i));
        c.assistant("a", "u", i == 2 ? std::string("refuse me") : "Answer number " + std::to_string(i));
        convs.push_back(c.j);
    }
    convs.push_back(convs[0]);  // the same conversation again, in the same batch
    writeJson(dir.file("conversations.json"), convs);
    Store s(dir.file("v.db"));
    // New rows are written at the end of the batch, all at once: a refusal there must still cost
    // only the conversation that holds the row.
    refuseOutputsSaying(s, "refuse me");
    ImportOptions o;
    o.path = dir.file("conversations.json");
    auto r = runImport(s, o);
    CHECK(r.ok());
    CHECK(r.conversations.added == 4);
    CHECK(r.conversations.present == 1);
    CHECK(r.prompts.added == 4);
    CHECK(r.outputs.added == 4);
    CHECK(r.outputs.present == 1);
    bool named = false;
    for (const auto& sk : r.skipped) named |= sk.where.find("conversation #3") != std::string::npos && sk.reason.find("refused by a test trigger") != std::string::npos;
    CHECK(named);
    CHECK(q(s, "SELECT count(*) FROM outputs") == 4);
    CHECK(q(s, "SELECT count(*) FROM prompts") == 4);
    CHECK(q(s, "SELECT count(*) FROM prompts WHERE body = 'Question number 2'") == 0);
    CHECK(q(s, "SELECT count(*) FROM pv_changes WHERE tbl = 'outputs'") == 4);  // the kept rows sync like any other
    CHECK(q(s, "SELECT count(*) FROM outputs_fts WHERE outputs_fts MATCH 'answer'") == 4);
    pv::StoreInternals::db(s).exec("DROP TRIGGER temp.refuse");
    auto r2 = runImport(s, o);
    CHECK(r2.ok());
    CHECK(r2.outputs.added == 1);
    CHECK(r2.outputs.present == 5);
    CHECK(q(s, "SELECT count(*) FROM outputs") == 5);
}

TEST_CASE("batch writes: a conversation seen again in a later batch of the same import adds only its new turns") {
    // The writer asks the vault once per conversation whether it holds any of it; that answer must
    // not outlive the batch that wrote the conversation.
    TempDir dir;
    Gpt first("c-same", "Asked twice");
    first.user("u1", first.root, "First question");
    first.assistant("a1", "u1", "First answer");
    Gpt later = first;
    later.user("u2", "a1", "Second question");
    later.assistant("a2", "u2", "Second answer");
    Gpt other("c-other", "In between");
    other.user("ou", other.root, "Unrelated");
    other.assistant("oa", "ou", "Unrelated answer");
    writeJson(dir.file("conversations.json"), json::array({first.j, later.j, other.j, first.j}));
    Store s(dir.file("v.db"));
    ImportOptions o;
    o.path = dir.file("conversations.json");
    o.batchConversations = 1;  // every conversation its own batch and transaction
    auto r = runImport(s, o);
    INFO(formatReport(r));
    REQUIRE(r.ok());
    CHECK(r.outputs.added == 3);    // a1, a2, oa
    CHECK(r.outputs.present == 2);  // a1 in the second copy and again in the last
    CHECK(q(s, "SELECT count(*) FROM outputs WHERE conversation_id = 'c-same'") == 2);
    CHECK(q(s, "SELECT count(*) FROM outputs WHERE conversation_id = 'c-same' AND message_id = 'a1'") == 1);
    CHECK(q(s, "SELECT count(*) FROM pv_changes WHERE tbl = 'outputs'") == 3);
}

TEST_CASE("CLI: import prints counts of new and already-present records, progress on stderr") {
    TempDir dir;
    writeJson(dir.file("conversations.json"), json::array({lifetimesConversation().j}));
    auto runCli = [&](std::vector<std::string> args, std::string& out, std::string& err) {
        args.insert(args.begin(), {"--vault", dir.file("v.db")});
        std::ostringstream o, e;
        auto* oldOut = std::cout.rdbuf(o.rdbuf());
        auto* oldErr = std::cerr.rdbuf(e.rdbuf());
        int code = cli::main(args);
        std::cout.rdbuf(oldOut);
        std::cerr.rdbuf(oldErr);
        out = o.str();
        err = e.str();
        return code;
    };
    std::string out, err;
    CHECK(runCli({"import", "chatgpt", dir.file("conversations.json"), "--dry-run"}, out, err) == 0);
    CHECK(contains(out, "outputs: 4 would be new, 0 already present"));
    CHECK(contains(out, "dry run"));
    CHECK(contains(err, "import:"));
    CHECK(contains(err, "conversations"));
    CHECK(runCli({"import", "chatgpt", dir.file("conversations.json")}, out, err) == 0);
    CHECK(contains(out, "outputs: 4 new, 0 already present"));
    CHECK(contains(out, "prompts: 3 new, 0 already present"));
    CHECK(runCli({"import", "chatgpt", dir.file("conversations.json"), "--quiet"}, out, err) == 0);
    CHECK(contains(out, "outputs: 0 new, 4 already present"));
    CHECK(err.empty());
    CHECK(runCli({"import", "claude", dir.file("conversations.json")}, out, err) == 2);
    CHECK(contains(err, "import chatgpt"));
    CHECK(runCli({"import", "gemini", dir.file("conversations.json")}, out, err) == 2);
    CHECK(contains(err, "kind: expected chatgpt or claude, got 'gemini'"));
    CHECK(runCli({"import", "chatgpt"}, out, err) == 2);
}

TEST_CASE("batch writes: a later conversation reusing the prompt of a refused one is reported, the rest of the batch commits") {
    TempDir dir;
    json convs = json::array();
    for (int i = 0; i < 4; ++i) {
        Gpt c("c-" + std::to_string(i), "Conversation " + std::to_string(i));
        // Conversations 1 and 3 ask the same question: one prompt, held for conversation 1.
        c.user("u", c.root, i == 3 ? std::string("Question number 1") : "Question number " + std::to_string(i));
        c.assistant("a", "u", i == 1 ? std::string("refuse me") : "Answer number " + std::to_string(i));
        convs.push_back(c.j);
    }
    writeJson(dir.file("conversations.json"), convs);
    Store s(dir.file("v.db"));
    refuseOutputsSaying(s, "refuse me");
    ImportOptions o;
    o.path = dir.file("conversations.json");
    auto r = runImport(s, o);
    CHECK(r.ok());
    CHECK(r.skipped.size() == 2);
    bool namedDependent = false;
    for (const auto& sk : r.skipped)
        namedDependent |= sk.where.find("conversation #4") != std::string::npos && sk.reason.find("prompt of a conversation above") != std::string::npos;
    CHECK(namedDependent);
    CHECK(q(s, "SELECT count(*) FROM outputs") == 2);
    CHECK(q(s, "SELECT count(*) FROM prompts") == 2);
    CHECK(q(s, "SELECT count(*) FROM outputs o LEFT JOIN prompts p ON p.id = o.prompt_id WHERE p.id IS NULL") == 0);
    pv::StoreInternals::db(s).exec("DROP TRIGGER temp.refuse");
    auto r2 = runImport(s, o);
    CHECK(r2.ok());
    CHECK(r2.outputs.added == 2);
    CHECK(q(s, "SELECT count(*) FROM outputs") == 4);
    CHECK(q(s, "SELECT count(*) FROM prompts WHERE body = 'Question number 1'") == 1);
}
