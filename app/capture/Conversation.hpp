// The exporter-neutral shape both parsers produce: a conversation as a tree of messages, each
// already reduced to prompt/answer text plus notes (tool calls, results, reasoning, attachments).
// Import.cpp maps this onto prompts and outputs.
#pragma once
#include "Import.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace pv::capture {

enum class MsgRole {
    User,     // a prompt the person wrote
    Reply,    // assistant text, tool calls/results: part of the answer to the nearest user message
    Context,  // system messages, custom instructions: notes on the next output
    Empty,    // structural node (ChatGPT's root), nothing to keep
};

struct Msg {
    std::string id;
    std::optional<std::string> parentId;  // nullopt = a root
    MsgRole role = MsgRole::Empty;
    std::string text;       // prompt body or the visible answer text (with marked placeholders)
    std::string notes;      // tool calls, tool results, reasoning, unknown parts, for output notes
    std::string promptNotes;  // attachment contents of a user message, for the prompt's notes
    std::string model;      // model slug when the export names one
    std::string createdAt;  // ISO-8601, may be empty
    double order = 0;       // sibling order (creation time or position)
};

struct Conversation {
    std::string id;
    std::string title;
    std::string url;
    std::string createdAt;
    std::string defaultModel;  // conversation-level model slug, may be empty
    std::string agentKey;      // ChatGPT gizmo id / Claude project uuid, may be empty
    std::vector<Msg> msgs;
    std::vector<std::string> warnings;  // placeholders for unknown content, etc.
};

// The conversation element is recognised as the given source's format.
bool looksLikeChatGpt(const nlohmann::json& j);
bool looksLikeClaude(const nlohmann::json& j);

// Fill `c` from one element of conversations.json. Throws std::runtime_error saying what is
// wrong when the element is not a conversation of that format.
void parseChatGpt(const nlohmann::json& j, Conversation& c);
void parseClaude(const nlohmann::json& j, Conversation& c);

// Small helpers shared by the parsers.
std::string jsonString(const nlohmann::json& j, const char* key);  // "" when missing / not a string
std::string isoFromEpoch(double seconds);
void appendPara(std::string& to, const std::string& text);  // blank line between non-empty parts

} // namespace pv::capture
