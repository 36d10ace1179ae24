#include "ImportFeedback.hpp"

#include "Conversation.hpp"
#include "ImportCommon.hpp"
#include "JsonStream.hpp"

#include <exception>

using nlohmann::json;

namespace pv::capture {

// message_feedback.json: [{conversation_id, message_id (or id), rating: "thumbsUp"|"thumbsDown", content}].
// Mapping (README): thumbs up = 5, thumbs down = 1; numeric 1..5 kept.
std::unordered_map<std::string, Feedback> loadFeedback(const ExportFiles& files, ImportReport& report) {
    std::unordered_map<std::string, Feedback> out;
    auto name = files.find("message_feedback.json");
    if (!name) return out;
    report.files.push_back(*name);
    json j;
    try {
        std::string text = files.readSmall(*name, kSmallFileLimit);
        size_t repairs = repairUtf8(text);
        std::string err;
        if (!parseElement(text, j, err, repairs)) {
            report.skipped.push_back({files.where(*name), "not valid JSON, no ratings imported: " + err});
            return out;
        }
    } catch (const std::exception& e) {
        report.skipped.push_back({files.where(*name), e.what()});
        return out;
    }
    if (!j.is_array()) {
        report.skipped.push_back({files.where(*name), "expected an array of feedback entries, found " + std::string(j.type_name())});
        return out;
    }
    size_t i = 0;
    for (const auto& f : j) {
        ++i;
        std::string conv = jsonString(f, "conversation_id");
        std::string msg = jsonString(f, "message_id");
        if (msg.empty()) msg = jsonString(f, "messageId");
        if (msg.empty()) msg = jsonString(f, "id");
        Feedback fb;
        if (f.is_object() && f.contains("rating")) {
            const auto& r = f["rating"];
            if (r.is_string()) {
                std::string s = r.get<std::string>();
                if (s == "thumbsUp" || s == "thumbs_up" || s == "up" || s == "positive") fb.rating = 5;
                else if (s == "thumbsDown" || s == "thumbs_down" || s == "down" || s == "negative") fb.rating = 1;
            } else if (r.is_number_integer() && r.get<int64_t>() >= 1 && r.get<int64_t>() <= 5) {
                fb.rating = static_cast<int>(r.get<int64_t>());
            }
        }
        if (conv.empty() || msg.empty() || fb.rating == 0) {
            report.skipped.push_back({files.where(*name) + ", entry #" + std::to_string(i),
                                      "feedback without conversation_id, message id or a thumbs rating"});
            continue;
        }
        // content is a JSON string holding {"text": ..., "tags": [...]}.
        std::string content = jsonString(f, "content");
        if (!content.empty()) {
            json c = json::parse(content, nullptr, false);
            if (c.is_object()) {
                fb.text = jsonString(c, "text");
                if (c.contains("tags") && c["tags"].is_array())
                    for (const auto& t : c["tags"])
                        if (t.is_string()) fb.text += (fb.text.empty() ? "" : " ") + ("#" + t.get<std::string>());
            } else {
                fb.text = content;
            }
        }
        out[conv + "/" + msg] = fb;
    }
    return out;
}

} // namespace pv::capture
