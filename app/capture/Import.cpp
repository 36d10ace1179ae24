// The importer's entry points (Import.hpp). runImport streams each conversations file element by
// element on a parsing thread (ParsingThread: JSON, then the message tree walked by ImportPlanner),
// maps each conversation onto prompts and outputs (ImportMapper, BatchWriter) and writes in batches
// (ImportPipeline: one transaction per batch, one savepoint per conversation so a bad conversation
// never leaves half its records behind), through the store's ImportWriter.
#include "Import.hpp"

#include "ConversationReader.hpp"
#include "ExportFiles.hpp"
#include "ImportFeedback.hpp"
#include "ImportPipeline.hpp"
#include "ImportProjects.hpp"
#include "JsonStream.hpp"

#include <exception>
#include <memory>
#include <set>
#include <sstream>
#include <unordered_map>

using nlohmann::json;

namespace pv::capture {

const char* sourceName(ExportSource s) {
    return s == ExportSource::ChatGpt ? "chatgpt" : "claude";
}

std::optional<ExportSource> sourceFromName(const std::string& name) {
    if (name == "chatgpt" || name == "openai") return ExportSource::ChatGpt;
    if (name == "claude" || name == "anthropic") return ExportSource::Claude;
    return std::nullopt;
}

std::optional<ExportSource> detectSource(const std::string& path) {
    try {
        ExportFiles files(path);
        auto names = files.conversationFiles();
        if (names.empty()) return std::nullopt;
        auto src = files.open(names.front());
        ArrayReader reader(*src, files.where(names.front()));
        std::string text;
        if (reader.next(text) != ArrayReader::Result::Element) return std::nullopt;
        json j;
        std::string err;
        size_t repairs = 0;
        if (!parseElement(text, j, err, repairs)) return std::nullopt;
        if (looksLikeChatGpt(j)) return ExportSource::ChatGpt;
        if (looksLikeClaude(j)) return ExportSource::Claude;
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

ImportPreview previewExport(const ImportOptions& options, size_t maxTitles, const ProgressFn& progress,
                            const std::atomic<bool>* cancel) {
    ImportPreview pv;
    pv.source = options.source;
    std::unique_ptr<ExportFiles> files;
    try {
        files = std::make_unique<ExportFiles>(options.path);
    } catch (const std::exception& e) {
        pv.fatalError = e.what();
        return pv;
    }
    struct V : ConversationVisitor {
        ImportPreview& pv;
        size_t maxTitles;
        const ProgressFn& progressFn;
        const std::atomic<bool>* cancel;
        std::set<std::string> agents;
        V(ImportPreview& p, size_t m, const ProgressFn& f, const std::atomic<bool>* c) : pv(p), maxTitles(m), progressFn(f), cancel(c) {}
        bool stopped() override { return cancel && cancel->load(); }
        void conversation(Conversation& c, const std::string&, size_t) override {
            ++pv.conversations;
            if (pv.firstTitles.size() < maxTitles) pv.firstTitles.push_back(c.title.empty() ? "(untitled)" : c.title);
            for (const auto& m : c.msgs) {
                if (m.role == MsgRole::User) ++pv.userMessages;
                else if (m.role == MsgRole::Reply && !m.text.empty()) ++pv.assistantMessages;
            }
            if (!c.agentKey.empty()) agents.insert(c.agentKey);
        }
        void progress(const ImportProgress& p) override {
            if (progressFn) progressFn(p);
        }
    } v(pv, maxTitles, progress, cancel);
    for (const auto& d : files->duplicates()) pv.problems.push_back({files->path(), d});
    std::vector<std::string> read;
    int64_t repaired = 0;
    pv.fatalError = readConversations(*files, options.source, v, pv.problems, read, repaired, options.maxConversationBytes);
    pv.files = read;
    pv.agents = static_cast<int64_t>(v.agents.size());
    if (options.source == ExportSource::Claude) {
        ImportReport tmp;
        auto projects = loadProjects(*files, tmp);
        for (auto& [uuid, a] : projects) v.agents.insert(uuid);
        pv.agents = static_cast<int64_t>(v.agents.size());
        for (auto& s : tmp.skipped) pv.problems.push_back(s);
    }
    return pv;
}

ImportReport runImport(Store& store, const ImportOptions& options, const ProgressFn& progress, const std::atomic<bool>* cancel) {
    ImportReport report;
    report.dryRun = options.dryRun;
    std::unique_ptr<ExportFiles> files;
    try {
        files = std::make_unique<ExportFiles>(options.path);
    } catch (const std::exception& e) {
        report.fatalError = e.what();
        return report;
    }
    // A zip's conversation files are read through once before anything is written: a damaged
    // entry (CRC) or a zip bomb is refused whole, instead of being found after part was imported.
    if (files->isZip()) {
        for (const auto& name : files->conversationFiles()) {
            try {
                files->verify(name);
            } catch (const std::exception& e) {
                report.fatalError = e.what();
                return report;
            }
        }
    }
    for (const auto& d : files->duplicates()) report.warnings.push_back(d);
    if (files->conversationFiles().empty()) {
        report.fatalError = missingConversationsError(*files);
        return report;
    }

    auto feedback = options.source == ExportSource::ChatGpt ? loadFeedback(*files, report)
                                                            : std::unordered_map<std::string, Feedback>{};
    auto projects = options.source == ExportSource::Claude ? loadProjects(*files, report) : std::unordered_map<std::string, Agent>{};

    ImportPipeline pipeline(store, options, feedback, projects, report, progress, cancel);
    pipeline.run(*files);
    return report;
}

std::string formatReport(const ImportReport& r) {
    std::ostringstream out;
    auto line = [&](const char* what, const EntityCounts& c) {
        out << what << ": " << c.added << (r.dryRun ? " would be new" : " new") << ", " << c.present << " already present\n";
    };
    if (!r.fatalError.empty()) {
        out << "error: " << r.fatalError << "\nnothing was imported\n";
        return out.str();
    }
    line("conversations", r.conversations);
    line("prompts", r.prompts);
    line("outputs", r.outputs);
    line("models", r.models);
    line("agents", r.agents);
    out << "ratings from feedback: " << r.ratingsSet << "\n";
    if (r.repairedTexts) out << "invalid UTF-8 / NUL characters replaced (U+FFFD): " << r.repairedTexts << "\n";
    if (!r.warnings.empty()) out << "warnings: " << r.warnings.size() << "\n";
    for (size_t i = 0; i < r.warnings.size() && i < 20; ++i) out << "  warning: " << r.warnings[i] << "\n";
    if (r.warnings.size() > 20) out << "  ... " << (r.warnings.size() - 20) << " more warnings\n";
    if (!r.skipped.empty()) out << "skipped: " << r.skipped.size() << "\n";
    for (const auto& s : r.skipped) out << "  skipped: " << s.where << ": " << s.reason << "\n";
    if (!r.stoppedError.empty()) {
        out << "stopped early: " << r.stoppedError << "\n";
        if (r.dryRun) {
            out << "dry run: nothing was written\n";
        } else {
            const int64_t kept = r.conversations.added + r.conversations.present;
            out << "kept: the counts above are what this import committed (" << kept << " of the " << r.readConversations
                << " conversations read, each whole); the batch being written when it stopped was rolled back\n"
                << "to finish: fix the cause and run the same import again; what is already in the vault counts as already present\n";
        }
        return out.str();
    }
    if (r.cancelled) out << "cancelled: whole batches before the cancel were kept; import again to finish\n";
    if (r.dryRun) out << "dry run: nothing was written\n";
    if (!r.cancelled && r.conversations.added + r.conversations.present == 0 && !r.skipped.empty())
        out << "nothing was imported: every conversation was skipped\n";
    return out.str();
}

int importExitCode(const ImportReport& r) {
    if (!r.fatalError.empty()) return 2;
    if (!r.stoppedError.empty() || r.cancelled) return 3;
    if (r.conversations.added + r.conversations.present == 0 && !r.skipped.empty()) return 2;
    return r.skipped.empty() ? 0 : 1;
}

} // namespace pv::capture
