// ChatGPT conversations.json: {title, create_time, mapping: {node id: {message, parent, children}},
// current_node, conversation_id, gizmo_id, default_model_slug, ...}.
#include "Conversation.hpp"

#include <cmath>
#include <ctime>
#include <stdexcept>

using nlohmann::json;

namespace pv::capture {

std::string jsonString(const json& j, const char* key) {
    if (!j.is_object()) return {};
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return {};
    return it->get<std::string>();
}

namespace {
const json* member(const json& j, const char* key) {
    if (!j.is_object()) return nullptr;
    auto it = j.find(key);
    return it == j.end() || it->is_null() ? nullptr : &*it;
}

double number(const json& j, const char* key, double fallback) {
    const json* v = member(j, key);
    return v && v->is_number() ? v->get<double>() : fallback;
}

bool flag(const json& j, const char* key) {
    const json* v = member(j, key);
    return v && v->is_boolean() && v->get<bool>();
}

// Every string found under j, for content this importer does not know: kept, never dropped.
void collectStrings(const json& j, std::string& out, int depth = 0) {
    if (depth > 32) return;
    if (j.is_string()) {
        appendPara(out, j.get<std::string>());
    } else if (j.is_array() || j.is_object()) {
        for (const auto& v : j) collectStrings(v, out, depth + 1);
    }
}

std::string partPlaceholder(const json& part, std::vector<std::string>& warnings, const std::string& msgId) {
    std::string type = jsonString(part, "content_type");
    if (type == "image_asset_pointer") {
        std::string s = "[image: " + jsonString(part, "asset_pointer");
        double w = number(part, "width", 0), h = number(part, "height", 0);
        if (w > 0 && h > 0) s += " " + std::to_string(static_cast<long>(w)) + "x" + std::to_string(static_cast<long>(h));
        return s + "]";
    }
    if (type == "audio_transcription") return "[audio transcript] " + jsonString(part, "text");
    if (type == "audio_asset_pointer" || type == "real_time_user_audio_video_asset_pointer") return "[audio: " + jsonString(part, "asset_pointer") + "]";
    std::string text;
    collectStrings(part, text);
    warnings.push_back("message " + msgId + ": unknown part type '" + (type.empty() ? std::string("?") : type) +
                       "' kept as a marked placeholder");
    return "[" + (type.empty() ? std::string("unknown part") : type) + "]" + (text.empty() ? "" : "\n" + text);
}

std::string partsText(const json& content, std::vector<std::string>& warnings, const std::string& msgId) {
    std::string out;
    const json* parts = member(content, "parts");
    if (!parts || !parts->is_array()) return out;
    for (const auto& p : *parts) {
        if (p.is_string()) {
            const auto& s = p.get_ref<const std::string&>();
            if (!s.empty()) appendPara(out, s);
        } else if (p.is_object()) {
            appendPara(out, partPlaceholder(p, warnings, msgId));
        } else if (!p.is_null()) {
            appendPara(out, p.dump());
        }
    }
    return out;
}

std::string fence(const std::string& lang, const std::string& code) {
    return "```" + lang + "\n" + code + (code.empty() || code.back() != '\n' ? "\n" : "") + "```";
}
} // namespace

void appendPara(std::string& to, const std::string& text) {
    if (text.empty()) return;
    if (!to.empty()) to += "\n\n";
    to += text;
}

std::string isoFromEpoch(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 32503680000.0) return {};
    auto whole = static_cast<std::time_t>(seconds);
    int ms = static_cast<int>((seconds - static_cast<double>(whole)) * 1000);
    std::tm tm{};
    gmtime_r(&whole, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec, ms);
    return buf;
}

bool looksLikeChatGpt(const json& j) {
    return j.is_object() && j.contains("mapping");
}

void parseChatGpt(const json& j, Conversation& c) {
    if (!j.is_object()) throw std::runtime_error("not a conversation object");
    const json* mapping = member(j, "mapping");
    if (!mapping || !mapping->is_object()) throw std::runtime_error("no 'mapping' object: not a ChatGPT conversation");
    c.id = jsonString(j, "conversation_id");
    if (c.id.empty()) c.id = jsonString(j, "id");
    if (c.id.empty()) throw std::runtime_error("the conversation has no id");
    c.title = jsonString(j, "title");
    c.url = "https://chatgpt.com/c/" + c.id;
    c.createdAt = isoFromEpoch(number(j, "create_time", -1));
    c.defaultModel = jsonString(j, "default_model_slug");
    c.agentKey = jsonString(j, "gizmo_id");
    if (c.agentKey.empty()) {
        std::string t = jsonString(j, "conversation_template_id");
        if (t.rfind("g-", 0) == 0) c.agentKey = t;
    }

    c.msgs.reserve(mapping->size());
    size_t position = 0;
    for (auto it = mapping->begin(); it != mapping->end(); ++it, ++position) {
        const json& node = it.value();
        Msg m;
        m.id = it.key();
        const json* parent = member(node, "parent");
        if (parent && parent->is_string()) m.parentId = parent->get<std::string>();
        m.order = static_cast<double>(position) * 1e-9;  // ties broken by key order
        const json* msg = member(node, "message");
        if (!msg || !msg->is_object()) {
            m.role = MsgRole::Empty;
            c.msgs.push_back(std::move(m));
            continue;
        }
        double created = number(*msg, "create_time", -1);
        if (created >= 0) {
            m.createdAt = isoFromEpoch(created);
            m.order = created + m.order;
        }
        const json* author = member(*msg, "author");
        std::string role = author ? jsonString(*author, "role") : "";
        std::string authorName = author ? jsonString(*author, "name") : "";
        const json* meta = member(*msg, "metadata");
        bool hidden = meta && flag(*meta, "is_visually_hidden_from_conversation");
        if (meta) {
            m.model = jsonString(*meta, "model_slug");
            if (c.agentKey.empty()) {
                std::string g = jsonString(*meta, "gizmo_id");
                if (!g.empty()) c.agentKey = g;
            }
        }
        std::string recipient = jsonString(*msg, "recipient");
        const json* content = member(*msg, "content");
        std::string type = content ? jsonString(*content, "content_type") : "";
        std::string body;  // what this message says, before deciding where it goes
        std::string note;  // tool/reasoning material

        if (type == "text" || type == "multimodal_text") {
            body = partsText(*content, c.warnings, m.id);
        } else if (type == "code") {
            std::string lang = jsonString(*content, "language");
            if (lang == "unknown") lang.clear();
            note = fence(lang, jsonString(*content, "text"));
        } else if (type == "execution_output") {
            note = fence("", jsonString(*content, "text"));
        } else if (type == "tether_browsing_display") {
            appendPara(note, jsonString(*content, "result"));
            appendPara(note, jsonString(*content, "summary"));
        } else if (type == "tether_quote") {
            note = jsonString(*content, "title") + " <" + jsonString(*content, "url") + ">\n" + jsonString(*content, "text");
        } else if (type == "system_error") {
            note = "error " + jsonString(*content, "name") + ": " + jsonString(*content, "text");
        } else if (type == "thoughts") {
            if (const json* th = member(*content, "thoughts"); th && th->is_array()) {
                for (const auto& t : *th) {
                    appendPara(note, jsonString(t, "summary"));
                    appendPara(note, jsonString(t, "content"));
                }
            }
        } else if (type == "reasoning_recap") {
            note = jsonString(*content, "content");
        } else if (type == "user_editable_context") {
            appendPara(note, jsonString(*content, "user_profile"));
            appendPara(note, jsonString(*content, "user_instructions"));
        } else if (type == "model_editable_context") {
            note = jsonString(*content, "model_set_context");
        } else if (content) {
            collectStrings(*content, note);
            c.warnings.push_back("message " + m.id + ": unknown content type '" + (type.empty() ? std::string("?") : type) +
                                 "' kept in the notes");
            note = "[" + (type.empty() ? std::string("unknown content") : type) + "]" + (note.empty() ? "" : "\n" + note);
            type = "unknown";
        }

        // Attachments the person uploaded: named in the prompt, never their bytes.
        if (meta) {
            if (const json* att = member(*meta, "attachments"); att && att->is_array()) {
                for (const auto& a : *att) {
                    std::string name = jsonString(a, "name");
                    appendPara(body, "[attached file: " + (name.empty() ? jsonString(a, "id") : name) + "]");
                }
            }
        }

        if (role == "user") {
            if (type == "user_editable_context" || hidden) {
                m.role = MsgRole::Context;
                std::string all = body;
                appendPara(all, note);
                if (!all.empty()) m.notes = "[custom instructions / hidden context]\n" + all;
                else m.role = MsgRole::Empty;
            } else {
                m.role = MsgRole::User;
                m.text = body;
                if (!note.empty()) m.text += (m.text.empty() ? "" : "\n\n") + note;
            }
        } else if (role == "assistant") {
            m.role = MsgRole::Reply;
            bool toTool = !recipient.empty() && recipient != "all";
            if (type == "thoughts" || type == "reasoning_recap") {
                if (!note.empty()) m.notes = "[reasoning]\n" + note;
            } else if (toTool) {
                std::string call = body;
                appendPara(call, note);
                if (!call.empty()) m.notes = "[tool call to " + recipient + "]\n" + call;
            } else {
                m.text = body;
                if (type == "code" && !note.empty()) appendPara(m.text, note);  // a visible code answer
                else if (!note.empty()) m.notes = note;
            }
        } else if (role == "tool") {
            m.role = MsgRole::Reply;
            std::string who = authorName.empty() ? std::string("tool") : authorName;
            // Images a tool made (DALL-E) belong to the visible answer; the rest is a tool result.
            if (type == "multimodal_text") {
                m.text = body;
            } else {
                std::string result = body;
                appendPara(result, note);
                if (!result.empty()) m.notes = "[tool result from " + who + "]\n" + result;
            }
        } else if (role == "system") {
            std::string all = body;
            appendPara(all, note);
            if (!all.empty() && !(hidden && all.empty())) {
                m.role = MsgRole::Context;
                m.notes = "[system message" + std::string(hidden ? ", hidden" : "") + "]\n" + all;
            } else {
                m.role = MsgRole::Empty;
            }
        } else {
            std::string all = body;
            appendPara(all, note);
            if (!all.empty()) {
                m.role = MsgRole::Reply;
                m.notes = "[message from '" + role + "']\n" + all;
                c.warnings.push_back("message " + m.id + ": unknown author role '" + role + "' kept in the notes");
            }
        }
        c.msgs.push_back(std::move(m));
    }
}

} // namespace pv::capture
