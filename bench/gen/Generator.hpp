// A realistic Promptvault vault for benchmarks: deterministic for a seed, written through the real
// Store (change capture on) in large transactions. Library `benchgen`; CLI `pv-gen`.
//
//   pv::gen::GenOptions opt;              // defaults: 100k outputs, 20k prompts, 500 tags, ...
//   opt.outputs = 1000000;                // prompts and links scale with outputs unless set
//   pv::Store store(path);
//   pv::gen::GenResult r = pv::gen::generateVault(store, opt);
//   r.hubPromptId / r.hubTagId / ...     // ids worth benchmarking (the biggest hubs)
#pragma once
#include "Store.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace pv::gen {

struct GenOptions {
    int64_t outputs = 100000;
    int64_t prompts = -1;      // -1: outputs / 5 (20k at 100k)
    int64_t tagLinks = -1;     // output↔tag links; -1: outputs * 3 (300k at 100k)
    int64_t promptTagLinks = -1;  // -1: prompts (about one tag per prompt)
    int64_t tags = 500;
    int64_t models = 50;
    int64_t agents = 200;
    int64_t qaActivities = 6;
    uint64_t seed = 1;
    int64_t rowsPerTransaction = 50000;
    // captured_at is spread over the two years before this instant (denser towards the end).
    std::string capturedUntil = "2026-11-01T00:00:00.000Z";
    // Called now and then: phase ("models", "prompts", "outputs", "tags", ...), done, total.
    std::function<void(const std::string& phase, int64_t done, int64_t total)> progress;
    // Sees each batch of outputs just before it is inserted (not timed), e.g. to write a CSV.
    std::function<void(const std::vector<Output>& batch)> onOutputBatch;

    // The effective counts after defaults and scaling.
    int64_t promptCount() const { return prompts >= 0 ? prompts : std::max<int64_t>(1, outputs / 5); }
    int64_t tagLinkCount() const { return tagLinks >= 0 ? tagLinks : outputs * 3; }
    int64_t promptTagLinkCount() const { return promptTagLinks >= 0 ? promptTagLinks : promptCount(); }
};

struct GenResult {
    int64_t outputs = 0, prompts = 0, tags = 0, tagLinks = 0, promptTagLinks = 0, models = 0, agents = 0;
    int64_t edited = 0, rated = 0;
    int64_t textBytes = 0;  // output + output_edited bytes written
    double seconds = 0;
    // Inside the output transactions only (insert + capture + commit), plus the time the vault's
    // checkpoint thread worked outside them during the output phase.
    double outputInsertSeconds = 0;
    // CPU time of this thread over the same span (steady under load) plus all of the checkpoint
    // thread's CPU during the output phase (outputCheckpointCpuSeconds).
    double outputInsertCpuSeconds = 0;
    double outputCheckpointCpuSeconds = 0;
    int64_t outputCheckpointPasses = 0, outputInlineCheckpoints = 0;  // background / by the writer
    // Records worth timing: the biggest hubs and an ordinary output.
    std::string hubPromptId;  // the prompt with the most outputs
    std::string hubTagId;     // the tag with the most output links
    std::string hubModelId;   // the model with the most outputs
    std::string sampleOutputId;
    std::string sampleWord;   // a mid-frequency word of the vocabulary, for FTS queries
};

// Word-like text with a Zipf-distributed vocabulary (common words often, rare ones rarely, some
// non-ASCII), sentences, lists and code blocks. Deterministic for a seed.
class TextGen {
public:
    explicit TextGen(uint64_t seed);
    std::string text(size_t approxBytes);      // paragraphs of about this many bytes
    std::string title();                       // 3..8 words, capitalised
    std::string word();                        // one word, Zipf-distributed
    const std::string& wordAt(size_t rank) const { return m_words[rank % m_words.size()]; }
    size_t vocabularySize() const { return m_words.size(); }
    std::mt19937_64& rng() { return m_rng; }

private:
    void sentence(std::string& out, int words);
    std::mt19937_64 m_rng;
    std::vector<std::string> m_words;
    std::vector<double> m_cdf;
};

// Rows made without a Store: used by generateVault and by benchmarks that need the same rows
// elsewhere (e.g. a CSV for `sqlite3 .import`). ids are UUIDv7 built from captured_at and the seed.
class OutputFactory {
public:
    OutputFactory(const GenOptions& opt, std::vector<std::string> promptIds, std::vector<std::string> modelIds,
                  std::vector<std::string> agentIds);
    Output next();  // the next output (prompt/model/agent picked from the given ids, Zipf-skewed)
    TextGen& text() { return m_text; }

private:
    GenOptions m_opt;
    TextGen m_text;
    std::vector<std::string> m_prompts, m_models, m_agents;
    std::vector<double> m_promptCdf, m_modelCdf, m_agentCdf;
    int64_t m_startMs = 0, m_spanMs = 0;
};

// Fills `store` (normally a new, empty vault) as GenOptions says. Throws StoreError on failure;
// each batch is one transaction, so a failure leaves whole batches only.
GenResult generateVault(Store& store, const GenOptions& opt);

// Helpers shared with benchmarks.
std::vector<double> zipfCdf(size_t n, double s);          // cumulative weights 1/rank^s, normalised
size_t pickCdf(const std::vector<double>& cdf, double u);  // u in [0,1)
std::string isoFromMs(int64_t ms);                         // 2026-01-02T03:04:05.678Z
int64_t msFromIso(const std::string& iso);
std::string uuidV7At(int64_t ms, std::mt19937_64& rng);

} // namespace pv::gen
