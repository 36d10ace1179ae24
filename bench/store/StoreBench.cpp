// pv-bench-store: bulk insert with change capture against `sqlite3 .import` of the same rows, and the
// store's hot queries, on a realistic vault from benchgen. Prints a Markdown table (medians).
#include "EntityTables.hpp"
#include "CommandLine.hpp"
#include "Generator.hpp"
#include "Graph.hpp"
#include "StoreInternals.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <sys/resource.h>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const char* kAbout =
    "Generates DIR/vault-N.db with benchgen (timing the output inserts, change capture on), imports the\n"
    "same rows as CSV with the sqlite3 shell into a plain table, then times the hot queries (median of R\n"
    "runs after one warm-up).";

// The columns of outputs as the store describes them: id, then every field.
std::vector<std::string> csvColumns() {
    std::vector<std::string> cols{"id"};
    for (const auto& f : pv::entityTable<pv::Output>().fields) cols.push_back(f.column.name);
    return cols;
}

void csvField(std::ostream& out, const std::string& s) {
    out << '"';
    for (char c : s) {
        if (c == '"') out << '"';
        out << c;
    }
    out << '"';
}

// NULL is an empty field (an optional text, a missing rating).
void csvRow(std::ostream& out, const pv::Output& o) {
    csvField(out, o.id);
    for (const auto& f : pv::entityTable<pv::Output>().fields) {
        out << ',';
        auto v = pv::fieldText(o, f);
        if (!v) continue;
        if (f.column.type == pv::ColType::Integer) out << *v;
        else csvField(out, *v);
    }
    out << '\n';
}

// CPU seconds (user + system) of the finished children (the sqlite3 shell runs): with the box shared,
// CPU time is the load-independent figure, wall time the one a person waits.
double childCpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_CHILDREN, &u);
    auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
    return tv(u.ru_utime) + tv(u.ru_stime);
}

double seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

double threadCpuSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Timing {
    double wallMs = 0;
    double cpuMs = 0;
};

// Medians of wall and CPU time, each over the same runs.
Timing medianMs(int runs, const std::function<void()>& fn) {
    fn();  // warm-up: the figure is the steady state of a running app, not a cold start
    std::vector<double> wall, cpu;
    for (int i = 0; i < runs; ++i) {
        auto t = Clock::now();
        const double c = threadCpuSeconds();
        fn();
        cpu.push_back((threadCpuSeconds() - c) * 1000.0);
        wall.push_back(seconds(t) * 1000.0);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

struct Row {
    std::string measure;
    std::string value;
    std::string baseline;
    std::string ratio;
    std::string target;
};

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

} // namespace

int main(int argc, char** argv) {
    try {
        int64_t n = 100000;
        int runs = 15;
        uint64_t seed = 1;
        std::string dir, sqlite3 = "sqlite3";
        bool reuse = false;
        CLI::App cli(kAbout, "pv-bench-store");
        cli.add_option("--outputs", n, "outputs in the vault")->check(pv::cmdline::wholeNumber(1, INT64_MAX));
        cli.add_option("--dir", dir, "working folder")->required();
        cli.add_option("--runs", runs, "timed runs per query")->check(pv::cmdline::wholeNumber(1, 1000000));
        cli.add_option("--sqlite3", sqlite3, "the sqlite3 shell");
        cli.add_option("--seed", seed, "generator seed");
        cli.add_flag("--reuse", reuse, "keep an existing DIR/vault-N.db and skip the insert comparison");
        if (auto code = pv::cmdline::parse(cli, argc, argv)) return *code;
        fs::create_directories(dir);
        const std::string tag = std::to_string(n);
        const std::string vault = dir + "/vault-" + tag + ".db", csv = dir + "/outputs-" + tag + ".csv";
        const std::string plain = dir + "/import-" + tag + ".db";
        std::vector<Row> rows;

        pv::gen::GenResult gen;
        bool reused = false;
        if (reuse && fs::exists(vault)) {
            pv::Store probe(vault, {.readOnly = false, .create = false});
            if (auto s = probe.setting("bench.generated"); s && *s == tag + "/" + std::to_string(seed)) {
                reused = true;
                auto get = [&](const char* key) { return probe.setting(std::string("bench.") + key).value_or(""); };
                gen.hubPromptId = get("hub_prompt");
                gen.hubTagId = get("hub_tag");
                gen.hubModelId = get("hub_model");
                gen.sampleOutputId = get("sample_output");
                gen.sampleWord = get("sample_word");
            }
        }
        if (!reused) {
            for (const auto& f : {vault, vault + "-wal", vault + "-shm", csv, plain, plain + "-wal", plain + "-shm"}) fs::remove(f);
            std::ofstream out(csv, std::ios::binary);
            if (!out) throw std::runtime_error("cannot write " + csv);
            pv::gen::GenOptions opt;
            opt.outputs = n;
            opt.seed = seed;
            opt.onOutputBatch = [&](const std::vector<pv::Output>& batch) {
                for (const auto& o : batch) csvRow(out, o);
            };
            opt.progress = [](const std::string& phase, int64_t done, int64_t total) {
                std::cerr << "\rgenerating " << phase << " " << done << "/" << total << "          " << std::flush;
                if (done == total) std::cerr << "\n";
            };
            {
                pv::Store store(vault);
                gen = pv::gen::generateVault(store, opt);
                store.setSetting("bench.generated", tag + "/" + std::to_string(seed));
                store.setSetting("bench.hub_prompt", gen.hubPromptId);
                store.setSetting("bench.hub_tag", gen.hubTagId);
                store.setSetting("bench.hub_model", gen.hubModelId);
                store.setSetting("bench.sample_output", gen.sampleOutputId);
                store.setSetting("bench.sample_word", gen.sampleWord);
            }
            out.close();

            // The baseline: the sqlite3 shell's .import of the same rows into a plain table with the
            // vault's journal settings (WAL, synchronous=NORMAL), timed as one process.
            std::string cols;
            for (const auto& c : csvColumns()) {
                const auto* col = pv::findTable("outputs")->column(c);
                cols += (cols.empty() ? "" : ", ") + c + (col->type == pv::ColType::Integer ? " INTEGER" : " TEXT");
            }
            std::string cmd = sqlite3 + " " + plain + " 'PRAGMA journal_mode=WAL' 'PRAGMA synchronous=NORMAL' 'CREATE TABLE outputs(" + cols +
                              ")' '.import --csv " + csv + " outputs' > /dev/null";
            auto t = Clock::now();
            double c = childCpuSeconds();
            if (std::system(cmd.c_str()) != 0) throw std::runtime_error("sqlite3 .import failed: " + cmd);
            const double importS = seconds(t), importCpu = childCpuSeconds() - c;
            // What full-text indexing of the same rows costs on its own (FTS5, the vault's tokenizer):
            // a floor for any store that keeps search current in the same transaction.
            cmd = sqlite3 + " " + plain + " \"CREATE VIRTUAL TABLE f USING fts5(output, output_edited, content='outputs', "
                  "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')\" \"INSERT INTO f(f) VALUES('rebuild')\" > /dev/null";
            t = Clock::now();
            c = childCpuSeconds();
            if (std::system(cmd.c_str()) != 0) throw std::runtime_error("sqlite3 FTS5 rebuild failed: " + cmd);
            const double ftsS = seconds(t), ftsCpu = childCpuSeconds() - c;
            const double insS = gen.outputInsertSeconds, insCpu = gen.outputInsertCpuSeconds;
            rows.push_back({"bulk insert " + tag + " outputs with change capture, wall (s)", fmt("%.2f", insS),
                            fmt("%.2f", importS) + " (`sqlite3 .import`)", fmt("%.2f×", insS / importS), "≤ 3×"});
            rows.push_back({"the same, CPU (s)", fmt("%.2f", insCpu), fmt("%.2f", importCpu) + " (`sqlite3 .import`)",
                            fmt("%.2f×", insCpu / importCpu), "≤ 3×"});
            rows.push_back({"FTS5 indexing of the same rows alone, wall / CPU (s)", fmt("%.2f", ftsS) + " / " + fmt("%.2f", ftsCpu),
                            fmt("%.2f", importS) + " / " + fmt("%.2f", importCpu), fmt("%.2f×", ftsS / importS) + " / " + fmt("%.2f×", ftsCpu / importCpu),
                            "(floor)"});
            rows.push_back({"bulk insert vs .import + FTS5 indexing, wall / CPU", fmt("%.2f", insS) + " / " + fmt("%.2f", insCpu),
                            fmt("%.2f", importS + ftsS) + " / " + fmt("%.2f", importCpu + ftsCpu),
                            fmt("%.2f×", insS / (importS + ftsS)) + " / " + fmt("%.2f×", insCpu / (importCpu + ftsCpu)), ""});
            std::cerr << "generated in " << gen.seconds << " s; text " << gen.textBytes / 1e6 << " MB\n";
        }

        pv::Store store(vault, {.readOnly = false, .create = false});
        const int64_t live = store.countOutputs({});
        if (live != n) throw std::runtime_error("vault has " + std::to_string(live) + " outputs, expected " + tag);

        // Baseline for the queries: the same number of rows read by primary key (the cheapest read).
        std::vector<std::string> ids;
        for (const auto& r : store.listOutputs({}, pv::OutputSort::CapturedDesc, {}, 100).rows) ids.push_back(r.id);
        auto& pk = pv::StoreInternals::db(store).cached("SELECT id, prompt_id, model_id, agent_id, rating, captured_at FROM outputs WHERE id = ?");
        const Timing base = medianMs(runs, [&] {
            for (const auto& id : ids) {
                pv::sql::StmtUse use(pk);
                pk.bind(1, id);
                pk.step();
            }
        });
        auto query = [&](const std::string& what, const std::string& target, const std::function<size_t()>& fn) {
            size_t got = 0;
            const Timing ms = medianMs(runs, [&] { got = fn(); });
            if (got == 0) throw std::runtime_error(what + " returned nothing; the benchmark would be meaningless");
            rows.push_back({what, fmt("%.3f", ms.wallMs) + " / " + fmt("%.3f ms", ms.cpuMs), fmt("%.3f", base.wallMs) + " / " + fmt("%.3f ms", base.cpuMs),
                            fmt("%.1f×", ms.wallMs / base.wallMs) + " / " + fmt("%.1f×", ms.cpuMs / base.cpuMs), target});
        };
        const std::string listTarget = n >= 1000000 ? "< 2 ms" : "";
        query("outputs list, first page (100, newest first)", listTarget, [&] { return store.listOutputs({}).rows.size(); });
        auto first = store.listOutputs({});
        query("outputs list, next page (keyset)", listTarget,
              [&] { return store.listOutputs({}, pv::OutputSort::CapturedDesc, first.next).rows.size(); });
        pv::OutputFilter f;
        f.tagId = gen.hubTagId;
        f.modelId = gen.hubModelId;
        query("filtered page (top tag + top model)", listTarget, [&] { return store.listOutputs(f).rows.size(); });
        pv::OutputFilter g;
        g.modelId = gen.hubModelId;
        g.minRating = 4;
        query("filtered page (top model, rating ≥ 4)", listTarget, [&] { return store.listOutputs(g).rows.size(); });
        const std::string ftsTarget = n <= 100000 ? "< 20 ms" : "";
        query("FTS search, mid-frequency word '" + gen.sampleWord + "' (50 hits)", ftsTarget,
              [&] { return store.search(gen.sampleWord, 50).size(); });
        query("FTS search, two very common words", ftsTarget, [&] { return store.search("function model", 50).size(); });
        query("FTS search, mid-frequency word, newest first", ftsTarget,
              [&] { return store.search(gen.sampleWord, 50, pv::SearchOrder::Newest).size(); });
        query("FTS search, two very common words, newest first", ftsTarget,
              [&] { return store.search("function model", 50, pv::SearchOrder::Newest).size(); });
        pv::OutputFilter t;
        t.text = gen.sampleWord;
        query("outputs list filtered by FTS word", "", [&] { return store.listOutputs(t).rows.size(); });
        query("neighbours of the top prompt", listTarget, [&] { return pv::graph::neighbourhood(store, {pv::Kind::Prompt, gen.hubPromptId}, {}, pv::graph::kHubPreview).groups.size(); });
        query("neighbours of the top tag", listTarget, [&] { return pv::graph::neighbourhood(store, {pv::Kind::Tag, gen.hubTagId}, {}, pv::graph::kHubPreview).groups.size(); });
        query("neighbours of the top model", listTarget, [&] { return pv::graph::neighbourhood(store, {pv::Kind::Model, gen.hubModelId}, {}, pv::graph::kHubPreview).groups.size(); });
        query("neighbours of an output", listTarget, [&] { return pv::graph::neighbourhood(store, {pv::Kind::Output, gen.sampleOutputId}, {}, pv::graph::kHubPreview).groups.size(); });

        std::cout << "\n### " << tag << " outputs" << (reused ? " (reused vault)" : "") << "\n\n"
                  << "Queries: median wall / CPU time of the calling thread.\n\n"
                  << "| measure | median | baseline (same run) | ratio | target |\n|---|---|---|---|---|\n";
        for (const auto& r : rows) std::cout << "| " << r.measure << " | " << r.value << " | " << r.baseline << " | " << r.ratio << " | " << r.target << " |\n";
        std::cout << "\nQuery baseline: reading the same 100 rows by primary key. Vault: " << fs::file_size(vault) / 1000000 << " MB.\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "pv-bench-store: " << e.what() << "\n";
        return 1;
    }
}
