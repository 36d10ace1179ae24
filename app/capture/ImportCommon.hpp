// What the importer's parts share (Import*.cpp): its limits, report wording, and which SQLite
// errors are the vault failing rather than a bad record.
#pragma once
#include "Import.hpp"
#include "Sqlite.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace pv::capture {

constexpr uint64_t kSmallFileLimit = 256ull << 20;  // feedback / projects files
constexpr size_t kBatchBytes = 16u << 20;
// The output of a reply with tool calls but no answer text.
constexpr const char* kNoAnswerText = "[no answer text in this reply; its tool calls and results are in the notes]";

const char* sourceLabel(ExportSource s);  // "ChatGPT", "Claude"
std::string quoteTitle(const std::string& t);
// A JSON value's first keys (or its type), for "not a conversation" reports.
std::string keysOf(const nlohmann::json& j);

// Problems with the vault itself (full disk, I/O, lock) end the import; bad data only skips.
bool isVaultFailure(const sql::Error& e);
// What a vault failure means for the person importing, with SQLite's words after it.
std::string describeVaultFailure(const sql::Error& e);

} // namespace pv::capture
