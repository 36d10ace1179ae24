// Claude conversations.json: [{uuid, name, created_at, chat_messages: [{uuid, sender, text,
// content: [{type: text|thinking|tool_use|tool_result|...}], attachments, files, created_at,
// parent_message_uuid}], project_uuid?}].
#include "Conversation.hpp"

#include <stdexcept>

using nlohmann::json;

namespace pv::capture {

namespace {
const char* kRootParent = "00000000-0000-4000-8000-000000000000";

const json* member(const json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
}

void collectStrings(const json& j, std::string& out, int depth = 0) {
    if (depth > 32) return;
    if (j.is_string()) appendPara(out, j.get<std::string>());
    else if (j.is_array() || j.is_object())
        for (const auto& v : j) collectStrings(v, out, depth + 1);
}

std::string toolResultText(const json& block) {
    std::string out;
    const json* content = member(block, "content");
    if (!content) return out;
    if (content->is_string()) return content->get<std::string>();
    if (content->is_array()) {
        for (const auto& c : *content) {
            std::string t = jsonString(c, "text");
            if (!t.empty()) appendPara(out, t);
            else if (c.is_object()) appendPara(out, "[" + jsonString(c, "type") + " part]");
        }
    }
    return out;
}
} // namespace

bool looksLikeClaude(const json& j) {
    return j.is_object() && j.contains("chat_messages");
}

void parseClaude(const json& j, Conversation& c) {
    if (!j.is_object()) throw std::runtime_error("not a conversation object");
    const json* messages = member(j, "chat_messages");
    if (!messages || !messages->is_array()) throw std::runtime_error("no 'chat_messages' array: not a Claude conversation");
    c.id = jsonString(j, "uuid");
    if (c.id.empty()) throw std::runtime_error("the conversation has no uuid");
    c.title = jsonString(j, "name");
    c.url = "https://claude.ai/chat/" + c.id;
    c.createdAt = jsonString(j, "created_at");
    c.agentKey = jsonString(j, "project_uuid");
    if (const json* project = member(j, "project"); c.agentKey.empty() && project) c.agentKey = jsonString(*project, "uuid");
    c.defaultModel = jsonString(j, "model");  // newer exports may name it; never guessed

    bool anyParentField = false;
    for (const auto& m : *messages)
        if (m.is_object() && m.contains("parent_message_uuid")) anyParentField = true;

    std::string previousId;
    size_t position = 0;
    for (const auto& jm : *messages) {
        ++position;
        Msg m;
        m.id = jsonString(jm, "uuid");
        if (m.id.empty()) {
            c.warnings.push_back("message #" + std::to_string(position) + " has no uuid; skipped");
            continue;
        }
        m.order = static_cast<double>(position);
        m.createdAt = jsonString(jm, "created_at");
        if (anyParentField) {
            std::string parent = jsonString(jm, "parent_message_uuid");
            if (!parent.empty() && parent != kRootParent) m.parentId = parent;
        } else if (!previousId.empty()) {
            m.parentId = previousId;  // older exports: a plain linear list
        }
        previousId = m.id;

        std::string sender = jsonString(jm, "sender");
        std::string text, notes;
        const json* content = member(jm, "content");
        if (content && content->is_array() && !content->empty()) {
            for (const auto& b : *content) {
                std::string type = jsonString(b, "type");
                if (type == "text") {
                    appendPara(text, jsonString(b, "text"));
                } else if (type == "thinking") {
                    std::string t = jsonString(b, "thinking");
                    if (!t.empty()) appendPara(notes, "[thinking]\n" + t);
                } else if (type == "tool_use") {
                    std::string input;
                    if (const json* in = member(b, "input")) input = in->is_string() ? in->get<std::string>() : in->dump(2);
                    appendPara(notes, "[tool call to " + jsonString(b, "name") + "]\n" + input);
                } else if (type == "tool_result") {
                    appendPara(notes, "[tool result from " + jsonString(b, "name") + "]\n" + toolResultText(b));
                } else if (type == "image") {
                    appendPara(text, "[image]");
                } else {
                    std::string all;
                    collectStrings(b, all);
                    appendPara(notes, "[" + (type.empty() ? std::string("unknown block") : type) + "]" + (all.empty() ? "" : "\n" + all));
                    c.warnings.push_back("message " + m.id + ": unknown content block '" + type + "' kept in the notes");
                }
            }
        } else {
            text = jsonString(jm, "text");
        }

        // Attachments carry the text Claude extracted; files are named only.
        if (const json* att = member(jm, "attachments"); att && att->is_array()) {
            for (const auto& a : *att) {
                std::string name = jsonString(a, "file_name");
                appendPara(text, "[attachment: " + name + "]");
                std::string extracted = jsonString(a, "extracted_content");
                if (!extracted.empty()) appendPara(m.promptNotes, "[attachment: " + name + "]\n" + extracted);
            }
        }
        if (const json* files = member(jm, "files"); files && files->is_array()) {
            for (const auto& f : *files) {
                std::string name = jsonString(f, "file_name");
                if (!name.empty()) appendPara(text, "[file: " + name + "]");
            }
        }

        if (sender == "human") {
            m.role = MsgRole::User;
            m.text = std::move(text);
            if (!notes.empty()) appendPara(m.promptNotes, notes);
        } else if (sender == "assistant") {
            m.role = MsgRole::Reply;
            m.text = std::move(text);
            m.notes = std::move(notes);
        } else {
            std::string all = text;
            appendPara(all, notes);
            m.role = all.empty() ? MsgRole::Empty : MsgRole::Reply;
            m.notes = all.empty() ? "" : "[message from '" + sender + "']\n" + all;
            if (!all.empty()) c.warnings.push_back("message " + m.id + ": unknown sender '" + sender + "' kept in the notes");
        }
        c.msgs.push_back(std::move(m));
    }
}

} // namespace pv::capture
