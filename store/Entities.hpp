// One plain struct per entity (the tables of docs/architecture.md and store/Schema.cpp). Empty optional = SQL NULL.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pv {

struct Stamps {
    std::string createdAt;
    std::string updatedAt;
    std::optional<std::string> deletedAt;  // tombstone
    bool deleted() const { return deletedAt.has_value(); }
};

struct Prompt : Stamps {
    std::string id;
    std::optional<std::string> derivedFromId;
    std::string title;
    std::string body;
    std::string notes;
};

struct Output : Stamps {
    std::string id;
    std::optional<std::string> promptId;
    std::optional<std::string> modelId;
    std::optional<std::string> agentId;
    std::optional<int64_t> rating;  // 1..5
    std::string capturedAt;         // empty on create = now
    std::string source;             // "manual", "chatgpt", "claude", "clipboard", ...
    std::string conversationId;
    std::string conversationTitle;
    std::string messageId;
    std::string conversationUrl;
    std::string notes;
    std::string output;
    std::optional<std::string> outputEdited;  // the person's corrected version
    std::string language;                     // ISO 639-1 code ("en", "pt-br"), "" = not known
};

struct Model : Stamps {
    std::string id;
    std::string name;
    std::string provider;
    std::string notes;
};

struct Agent : Stamps {
    std::string id;
    std::string name;
    std::string platform;  // "chatgpt", "claude", ...
    std::string url;
    std::optional<std::string> defaultModelId;
    std::string description;
    std::string instructions;
};

struct Tag : Stamps {
    std::string id;
    std::string name;
    std::string color;
};

struct QaActivity : Stamps {
    std::string id;
    std::string name;
    std::string description;
    int64_t sortOrder = 0;
};

struct QaCheck {
    std::string promptId;
    std::string qaActivityId;
    std::string activityName;
    bool done = false;
    std::optional<std::string> doneAt;
    std::string note;
};

struct Lookup : Stamps {
    std::string id;
    std::string name;
    std::string appliesTo = "outputs";  // "outputs", "prompts" or "both"
    bool multi = false;
    int64_t sortOrder = 0;
};

struct LookupValue : Stamps {
    std::string id;
    std::string lookupId;
    std::string value;
    int64_t sortOrder = 0;
};

// A reference to any record, used by search and the relation browser (store/Graph).
enum class Kind { Prompt, Output, Model, Agent, Tag, QaActivity, Lookup, LookupValue };
const char* kindName(Kind k);          // "prompt", "output", ...
const char* kindTable(Kind k);         // "prompts", "outputs", ...
std::optional<Kind> kindFromName(const std::string& name);

struct RecordRef {
    Kind kind = Kind::Output;
    std::string id;
    bool operator==(const RecordRef& o) const { return kind == o.kind && id == o.id; }
};

} // namespace pv
