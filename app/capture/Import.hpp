// Importing a ChatGPT or Claude data export into a vault. No UI types: the CLI (`import`) and the
// app's Import screen both drive these functions; the app runs runImport on a worker thread with
// its own Store and shows the progress callback's figures.
//
// Mapping (README "import"): a user/human message is a prompt (same text anywhere = one prompt);
// each reply to it is an output of that prompt (regenerated replies = several outputs); an edited
// user message is a new prompt derived from the earlier one. Outputs keep source, conversation id,
// title, url and message id; (source, conversation_id, message_id) makes re-import idempotent.
#pragma once
#include "Store.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace pv::capture {

enum class ExportSource { ChatGpt, Claude };
const char* sourceName(ExportSource s);                       // "chatgpt", "claude"
std::optional<ExportSource> sourceFromName(const std::string& name);

struct ImportOptions {
    ExportSource source = ExportSource::ChatGpt;
    // The export: the .zip as downloaded, a conversations.json (or conversations-000.json), or
    // the folder of an unpacked export. Sibling files (message_feedback.json, projects.json,
    // conversations-001.json, ...) are read from the same zip or folder.
    std::string path;
    // Model for outputs whose export names none (always for Claude). Empty = "ChatGPT
    // (unspecified)" / "Claude (unspecified)". Never guessed.
    std::string defaultModelName;
    // Count what would be added without keeping anything (everything runs in one transaction
    // that is rolled back).
    bool dryRun = false;
    // Conversations per transaction (a batch is also closed after ~16 MB of text, which is what
    // usually closes it: every batch ends an FTS5 index segment, so fewer, larger ones index faster).
    int batchConversations = 2000;
    // The most bytes of JSON one conversation may have (README "Bad input"); a larger one is
    // skipped with its position, without being held. Tests lower it.
    size_t maxConversationBytes = 256u << 20;
};

struct ImportProgress {
    uint64_t bytesDone = 0;   // of the conversation files, uncompressed
    uint64_t bytesTotal = 0;  // 0 when unknown
    int64_t conversations = 0;  // conversations read so far
    std::string currentFile;
};
// Called from the importing thread, at most every ~64 KB and after each conversation.
using ProgressFn = std::function<void(const ImportProgress&)>;

struct EntityCounts {
    int64_t added = 0;    // new records written (or that would be, in a dry run)
    int64_t present = 0;  // already in the vault, left as they were
};

struct SkippedItem {
    std::string where;   // "conversations.json, conversation #12 'Title' (id ...), message abc"
    std::string reason;  // "parent 'x' is missing", "cycle in the message tree", ...
};

struct ImportReport {
    EntityCounts conversations;  // added = had at least one new prompt or output
    EntityCounts prompts, outputs, models, agents;
    int64_t ratingsSet = 0;         // from message_feedback.json, only where the output had none
    int64_t repairedTexts = 0;      // invalid UTF-8 replaced by U+FFFD
    std::vector<SkippedItem> skipped;  // everything not imported, with why
    std::vector<std::string> warnings;  // imported, but worth knowing (repairs, placeholders...)
    std::vector<std::string> files;     // the files read, in order
    bool cancelled = false;  // stopped by the cancel flag; whole batches before it are kept
    bool dryRun = false;
    // Set when the export could not be read at all (not an export, no conversations file,
    // unreadable zip); then nothing was written.
    std::string fatalError;
    // Set when the vault failed part way (disk full, read-only, locked): the import stopped; the
    // counts are what the committed batches hold, each conversation whole; importing again finishes.
    std::string stoppedError;
    int64_t readConversations = 0;  // when stopped: conversations read and mapped, committed or not
    bool ok() const { return fatalError.empty() && stoppedError.empty() && !cancelled; }
};

struct ImportPreview {
    ExportSource source = ExportSource::ChatGpt;
    std::vector<std::string> files;       // conversation files found
    int64_t conversations = 0;
    int64_t userMessages = 0;             // would-be prompts (before de-duplication)
    int64_t assistantMessages = 0;        // would-be outputs
    int64_t agents = 0;                   // custom GPTs / Claude projects referenced
    std::vector<std::string> firstTitles; // the first `maxTitles` conversation titles
    std::vector<SkippedItem> problems;    // what the import would skip
    std::string fatalError;               // as ImportReport::fatalError
};

// Which exporter produced `path`, from its file names and first bytes; nullopt when neither.
std::optional<ExportSource> detectSource(const std::string& path);

// Reads the whole export without writing anything: counts, first titles, problems. Streams, so
// it is safe on a 1 GB export; cancellable.
ImportPreview previewExport(const ImportOptions& options, size_t maxTitles = 20, const ProgressFn& progress = {},
                            const std::atomic<bool>* cancel = nullptr);

// Imports into `store`. Never throws for bad input: problems end up in the report. When the vault
// fails part way (disk full, read-only, locked) it stops and reports it in stoppedError with the
// committed counts. Idempotent: running it again adds nothing.
ImportReport runImport(Store& store, const ImportOptions& options, const ProgressFn& progress = {},
                       const std::atomic<bool>* cancel = nullptr);

// One line per count, e.g. "prompts: 12 new, 3 already present" (used by the CLI and the app).
std::string formatReport(const ImportReport& r);

// The CLI's exit status (README "import"): 0 every conversation is in the vault (new or already
// there); 1 some items were skipped (listed), the rest imported; 2 nothing imported (not an export,
// or every conversation skipped); 3 stopped early (the vault failed, or cancelled): the committed
// batches are kept and importing again finishes.
int importExitCode(const ImportReport& r);

} // namespace pv::capture
