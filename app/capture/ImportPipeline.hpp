// The writing side of runImport: takes the parsing thread's conversations in order and writes them
// in batches (one transaction per batch, one savepoint per conversation so a bad conversation never
// leaves half its records behind), then fills the report's counts.
#pragma once
#include "BatchWriter.hpp"
#include "ExportFiles.hpp"
#include "Import.hpp"
#include "ImportFeedback.hpp"
#include "ImportMapper.hpp"
#include "ImportWriter.hpp"

#include <atomic>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace pv::capture {

class ImportPipeline {
public:
    ImportPipeline(Store& store, const ImportOptions& options, const std::unordered_map<std::string, Feedback>& feedback,
                   const std::unordered_map<std::string, Agent>& projects, ImportReport& report, const ProgressFn& progress,
                   const std::atomic<bool>* cancel);
    ImportPipeline(const ImportPipeline&) = delete;
    ImportPipeline& operator=(const ImportPipeline&) = delete;

    // Imports every conversation of `files` and sets the report's counts (and what stopped it).
    void run(const ExportFiles& files);

private:
    bool stopped() const;
    void write(const Conversation& c, ConversationPlan& plan, const std::string& where, size_t bytes);
    void rollbackConversation();
    // Ends a batch: the held rows go in; a dry run keeps its one transaction open to roll back.
    void commit();
    void progress(const ImportProgress& p);

    const ImportOptions& m_options;
    const std::unordered_map<std::string, Agent>& m_projects;
    ImportReport& m_report;
    const ProgressFn& m_progress;
    const std::atomic<bool>* m_cancel;
    // The vault: the batch transaction and the import's page cache (the batch size) for as long as
    // it runs. A cache of that size imported 100 MB 5-10 % faster than the vault's usual 64 MB
    // (bench/import, three runs each) and with half the peak memory: a larger cache only adds fresh
    // pages to fault in. Destroyed last: an unfinished batch rolls back, then the cache is restored.
    ImportWriter m_vault;
    BatchWriter m_writer;
    ImportMapper m_mapper;
    BatchWriter::Counts m_committed;
    int m_batchConversations = 0;
    size_t m_batchBytes = 0;
};

} // namespace pv::capture
