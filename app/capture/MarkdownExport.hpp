// Export to Markdown: one file per live prompt with its outputs, ready for Obsidian or a git repo.
// File names are the prompt title made safe plus a short id suffix, so they are stable across
// exports and never collide; a file whose content did not change is not rewritten.
#pragma once
#include "Store.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pv::capture {

struct MarkdownProgress {
    int64_t done = 0;   // prompts written
    int64_t total = 0;  // live prompts
};
using MarkdownProgressFn = std::function<void(const MarkdownProgress&)>;

struct MarkdownReport {
    int64_t written = 0;    // files created or changed
    int64_t unchanged = 0;  // same content as on disk, left alone
    int64_t outputs = 0;    // outputs included
    bool cancelled = false;
    // Names not written: a file this exporter did not write holds the name even with the whole id.
    std::vector<std::string> conflicts;
};

// The file name (without folder) for a prompt: "<safe title> <last 8 hex digits of id>.md" (the random part of the UUIDv7).
// exportMarkdown starts from it and lengthens the id part only where that name is taken (by another
// prompt's file or one it did not write); what it chose is kept in the folder's manifest
// (.promptvault-export), so a prompt's name never changes unless its title does.
std::string markdownFileName(const std::string& promptId, const std::string& title);

// The full text of one prompt's file (front matter, body, outputs). Edited outputs show
// `output_edited` first, marked "edited", with the raw output kept below it.
std::string promptMarkdown(Store& store, const std::string& promptId);

// Writes every live prompt to outDir (created when missing), through a handle on that folder that
// never follows a symbolic link; deletes only files its manifest says it wrote (a renamed prompt's
// old file). Throws std::runtime_error naming the path when a file cannot be written.
MarkdownReport exportMarkdown(Store& store, const std::string& outDir, const MarkdownProgressFn& progress = {},
                              const std::atomic<bool>* cancel = nullptr);

} // namespace pv::capture
