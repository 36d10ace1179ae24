#include "ImportPipeline.hpp"

#include "ImportCommon.hpp"
#include "ParsingThread.hpp"

#include <algorithm>
#include <exception>
#include <vector>

namespace pv::capture {

ImportPipeline::ImportPipeline(Store& store, const ImportOptions& options, const std::unordered_map<std::string, Feedback>& feedback,
                               const std::unordered_map<std::string, Agent>& projects, ImportReport& report,
                               const ProgressFn& progress, const std::atomic<bool>* cancel)
    : m_options(options), m_projects(projects), m_report(report), m_progress(progress), m_cancel(cancel),
      m_vault(store, sourceName(options.source), static_cast<int64_t>(kBatchBytes >> 10)),
      m_writer(store, m_vault, options), m_mapper(m_writer, options, feedback, projects, report) {}

bool ImportPipeline::stopped() const {
    return m_cancel && m_cancel->load();
}

void ImportPipeline::write(const Conversation& c, ConversationPlan& plan, const std::string& where, size_t bytes) {
    if (!m_vault.inBatch()) m_vault.beginBatch();
    m_writer.mark();
    // Models, agents and ratings of present outputs are written at once: a savepoint keeps
    // a failing conversation from leaving them behind (its new rows are only held yet).
    m_vault.beginConversation();
    try {
        bool added = m_mapper.map(c, plan);
        m_vault.releaseConversation();
        // A conversation of which nothing could be walked (its whole tree a cycle) is
        // reported skipped; it is neither new nor already present.
        const bool nothingWalked = !added && plan.answers.empty() && plan.walkedUsers.empty() && !plan.skipped.empty();
        if (!nothingWalked) ++(added ? m_writer.counts.conversations.added : m_writer.counts.conversations.present);
        m_writer.conversationDone(where, added);
    } catch (const sql::Error& e) {
        rollbackConversation();
        if (isVaultFailure(e)) throw;
        m_report.skipped.push_back({where, std::string("not imported, nothing of it was kept: ") + e.what()});
    } catch (const std::exception& e) {
        rollbackConversation();
        m_report.skipped.push_back({where, std::string("not imported, nothing of it was kept: ") + e.what()});
    }
    ++m_batchConversations;
    m_batchBytes += bytes;
    if (m_batchConversations >= std::max(1, m_options.batchConversations) || m_batchBytes >= kBatchBytes) commit();
}

void ImportPipeline::rollbackConversation() {
    m_vault.rollbackConversation();
    m_writer.undo();
}

void ImportPipeline::commit() {
    if (!m_vault.inBatch()) return;
    for (auto& f : m_writer.flush()) m_report.skipped.push_back(std::move(f));
    m_batchConversations = 0;
    m_batchBytes = 0;
    if (m_options.dryRun) return;
    m_vault.commitBatch();
    m_committed = m_writer.counts;
}

void ImportPipeline::progress(const ImportProgress& p) {
    if (m_progress) m_progress(p);
}

void ImportPipeline::run(const ExportFiles& files) {
    ImportReport& report = m_report;
    const ImportOptions& options = m_options;
    // Claude projects are agents whether or not a conversation of this export uses them.
    if (!m_projects.empty()) {
        m_vault.beginBatch();
        std::vector<std::string> uuids;
        for (const auto& [uuid, a] : m_projects) uuids.push_back(uuid);
        std::sort(uuids.begin(), uuids.end());
        for (const auto& uuid : uuids) m_writer.agent(m_projects.at(uuid));
    }
    // Parsing (JSON + tree) runs on a second thread while this one writes; progress is reported
    // from here as conversations are written, cancellation is seen by both.
    std::string fatal;
    {
        ParsingThread reader(files, options.source, options.maxConversationBytes, m_cancel);
        ParsingThread::Item item;
        try {
            while (!stopped() && reader.next(item)) {
                for (auto& s : item.skipped) report.skipped.push_back(std::move(s));
                if (item.conversation) write(*item.conversation, item.plan, item.where, item.bytes);
                if (item.progress) progress(*item.progress);
            }
        } catch (const sql::Error& e) {
            // The vault failed (disk full, read-only, locked): stop, keep the committed batches, say so.
            if (!isVaultFailure(e)) throw;
            report.stoppedError = describeVaultFailure(e);
        }
        reader.join();
        fatal = reader.fatal;
        report.files.insert(report.files.end(), reader.files_.begin(), reader.files_.end());
        report.repairedTexts += reader.repaired;
    }
    if (fatal.empty() && report.stoppedError.empty() && !stopped()) {
        try {
            commit();  // the last batch (a dry run: its held rows too, so the counts are what would be written)
        } catch (const sql::Error& e) {
            if (!isVaultFailure(e)) throw;
            report.stoppedError = describeVaultFailure(e);
        }
    }
    BatchWriter::Counts final;
    if (!report.stoppedError.empty()) {
        report.readConversations = m_writer.counts.conversations.added + m_writer.counts.conversations.present;
        m_vault.rollbackBatch();  // the batch under way rolls back; whole batches before it stay
        final = options.dryRun ? BatchWriter::Counts{} : m_committed;
    } else if (!fatal.empty()) {
        report.fatalError = fatal;
        m_vault.rollbackBatch();  // nothing of a non-export is kept
        final = m_committed;
    } else if (stopped()) {
        report.cancelled = true;
        m_vault.rollbackBatch();  // the unfinished batch rolls back; whole batches before it stay
        final = m_committed;
    } else if (options.dryRun) {
        final = m_writer.counts;
        m_vault.rollbackBatch();  // a dry run keeps nothing
    } else {
        final = m_writer.counts;
    }
    report.conversations = final.conversations;
    report.prompts = final.prompts;
    report.outputs = final.outputs;
    report.models = final.models;
    report.agents = final.agents;
    report.ratingsSet = final.ratingsSet;
}

} // namespace pv::capture
