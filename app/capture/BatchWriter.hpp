// The vault side of an import: lookups with caches, creates, and the counts.
//
// New prompts and outputs are not inserted one statement per row: they are held for the batch and
// moved by one INSERT ... SELECT per table that reads them from memory at flush() (ImportWriter::
// insertRows). SQLite 3.40's FTS5 writes its pending index out at every statement savepoint, so a
// statement per row (or a savepoint per conversation with FTS rows pending) turns one index segment
// per batch into thousands. The search index, change log and counters of the moved rows are
// written set-based right after each move, inside the batch's transaction. Lookups of held rows
// are answered from memory.
#pragma once
#include "Import.hpp"
#include "ImportWriter.hpp"
#include "Store.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace pv::capture {

class BatchWriter {
public:
    BatchWriter(Store& store, ImportWriter& vault, const ImportOptions& o);

    struct Counts {
        EntityCounts conversations, prompts, outputs, models, agents;
        int64_t ratingsSet = 0;
    };
    Counts counts;

    std::string model(const std::string& name, const std::string& provider);
    // Agents are matched by their URL on the platform (the name may have been changed by hand).
    std::string agent(const Agent& wanted);

    void notePresentPrompt(const std::string& id);
    // A live prompt with exactly this text, without creating one.
    std::optional<std::string> findPrompt(const std::string& body);
    std::string prompt(const std::string& title, const std::string& body, const std::string& notes,
                       const std::optional<std::string>& derivedFrom, bool& created);

    struct Existing {
        std::string id;
        bool hasRating = false;
        std::optional<size_t> held;  // index in the held outputs, not yet in the vault
    };
    std::optional<Existing> findOutput(const std::string& conversationId, const std::string& messageId);

    // A conversation the vault has nothing of (every conversation of a first import) costs one
    // probe instead of one per reply. Asked for one conversation at a time, so the last answer is
    // kept; flush() forgets it (the held rows are then in the vault).
    bool vaultHasConversation(const std::string& conversationId);

    void setRatingIfNone(const Existing& e, int rating);
    void createOutput(Output& o);
    void present();

    // A conversation starts: what undo() returns to.
    void mark();
    // The conversation mapped without error: its held rows belong to it (for flush()'s fallback).
    void conversationDone(const std::string& where, bool added);
    // A conversation rolled back: forget what the caches learnt from it and its held rows.
    void undo();

    // Writes the held rows into the vault (inside the caller's transaction). Returns the
    // conversations that could not be written (normally none), each with why; their rows are not
    // kept. Throws on a vault failure.
    std::vector<SkippedItem> flush();

private:
    static size_t hashOf(const std::string& s);
    // A held prompt that was not written: later batches must not find and reuse its id.
    void forgetPrompt(const Prompt& p);
    static std::string outputKey(const std::string& conversationId, const std::string& messageId);
    bool sameBody(const std::string& id, const std::string& body);

    struct Span {
        std::string where;
        size_t p0, p1, o0, o1;
        bool added;
    };

    Store& m_store;
    ImportWriter& m_vault;
    const ImportOptions& m_options;
    std::unordered_map<size_t, std::vector<std::string>> m_prompts;
    std::unordered_set<std::string> m_createdPrompts, m_seenPresent;
    std::unordered_map<std::string, std::string> m_models, m_agents;
    std::vector<std::pair<size_t, std::string>> m_undoPrompts;
    Counts m_mark;
    // Rows created since the last flush().
    std::vector<Prompt> m_heldPrompts;
    std::unordered_map<std::string, size_t> m_heldPromptIdx;
    std::vector<Output> m_heldOutputs;
    std::unordered_map<std::string, size_t> m_heldOutputKeys;
    std::string m_probedConversation;  // vaultHasConversation's last answer
    bool m_probed = false, m_probedHas = false;
    std::vector<Span> m_spans;
    size_t m_markPrompts = 0, m_markOutputs = 0;
};

} // namespace pv::capture
