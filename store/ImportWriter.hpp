// The vault side of a bulk import (app/capture's importers): the batch transaction, a savepoint per
// conversation, the lookups that make a re-import idempotent, and the set-based move of the rows an
// importer holds for its batch. Every statement is compiled once and reused (sql::Db::cached).
// Importers never see the connection: they write through this class and Store's functions.
#pragma once
#include "Entities.hpp"
#include "RowBuffer.hpp"
#include "Store.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pv {

class ImportWriter {
public:
    // `source` is the outputs.source of the imported rows ("chatgpt", "claude"). The connection's
    // page cache is set to `cacheKib` KiB for as long as this writer lives (0 = left as it is).
    ImportWriter(Store& store, std::string source, int64_t cacheKib = 0);
    // Rolls back a batch still open, then restores the page cache.
    ~ImportWriter();
    ImportWriter(const ImportWriter&) = delete;
    ImportWriter& operator=(const ImportWriter&) = delete;

    // ---- the batch: one transaction (BEGIN IMMEDIATE) ------------------------------------------
    void beginBatch();
    bool inBatch() const { return m_tx.has_value(); }
    // Commits; when COMMIT throws the batch stays open (rollbackBatch() then undoes it).
    void commitBatch();
    void rollbackBatch();  // nothing when no batch is open

    // ---- a conversation: a savepoint inside the batch -----------------------------------------
    void beginConversation();
    void releaseConversation();
    // Undoes the conversation's work when the transaction still exists. After SQLITE_FULL, IOERR,
    // NOMEM or BUSY SQLite may already have rolled the whole transaction back; the savepoint is gone
    // then, and "no such savepoint" must not replace the error that got the caller here.
    void rollbackConversation();

    // ---- lookups -------------------------------------------------------------------------------
    // Every live prompt, id and body (once, to index them by text).
    void forEachLivePrompt(const std::function<void(const std::string& id, const std::string& body)>& fn);
    // Whether prompt `id` has exactly this body.
    bool promptBodyIs(const std::string& id, const std::string& body);
    // An agent by its platform and URL: the live one first, then the oldest.
    std::optional<std::string> findAgentByUrl(const std::string& platform, const std::string& url);
    // Whether any output of this source has this conversation id.
    bool hasConversation(const std::string& conversationId);
    struct ImportedOutput {
        std::string id;
        bool hasRating = false;
    };
    // The output of this source, conversation and message, when there is one.
    std::optional<ImportedOutput> findOutput(const std::string& conversationId, const std::string& messageId);

    // ---- writes --------------------------------------------------------------------------------
    // Sets the rating of an output that has none; true when it was set.
    bool setRatingIfNone(const std::string& outputId, int rating);
    // Moves prompts[p0, p1) and outputs[o0, o1) into the vault, one INSERT ... SELECT per table from
    // memory (insertStaged: search index, change log and counters set-based), inside a savepoint: on
    // an sql::Error nothing of them is kept and the error is rethrown.
    void insertRows(const std::vector<Prompt>& prompts, size_t p0, size_t p1, const std::vector<Output>& outputs, size_t o0,
                    size_t o1);

private:
    void restoreCacheSize();

    sql::Db& m_db;
    std::string m_source;
    std::optional<int64_t> m_cacheBefore;
    std::optional<sql::Transaction> m_tx;
    const std::string m_promptCols = Store::bulkColumns(Kind::Prompt), m_outputCols = Store::bulkColumns(Kind::Output);
    // Reused from batch to batch (the cells, not the texts they point to).
    sql::RowBuffer m_promptRows{static_cast<int>(sql::splitColumnList(m_promptCols).size())};
    sql::RowBuffer m_outputRows{static_cast<int>(sql::splitColumnList(m_outputCols).size())};
};

} // namespace pv
