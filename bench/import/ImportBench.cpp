// Import benchmark. Generates a ChatGPT-style conversations.json of a given size (streamed to
// disk, never held in memory), then measures, each in a child process so that getrusage's
// ru_maxrss is that run's peak memory:
//   read    — the streaming splitter alone (bytes through ArrayReader): the I/O + scan floor
//   parse   — previewExport: split + JSON-parse + map every conversation, no vault (baseline)
//   import  — runImport into a fresh vault (change capture, FTS, one transaction per batch)
//   floor   — the rows the import wrote, copied into another new vault the way the import writes
//             them (insertStaged): what storing them costs without any JSON or lookups
// and prints a Markdown table with MB/s (wall and per CPU-second: the box is shared), peak RSS and
// parse time / step time as a ratio.
#include "CommandLine.hpp"
#include "Migrations.hpp"
#include "Schema.hpp"
#include "capture/Import.hpp"
#include "capture/JsonStream.hpp"
#include "StoreInternals.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <malloc.h>
#include <random>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* kWords[] = {"the", "function", "returns", "a", "value", "when", "borrow", "checker", "lifetime", "vector", "database",
                        "index", "transaction", "query", "latency", "Grüße", "naïve", "日本語", "テスト", "café", "résumé",
                        "stream", "parser", "memory", "thread", "async", "await", "closure", "iterator", "benchmark"};

std::string words(std::mt19937_64& rng, size_t bytes) {
    std::string s;
    s.reserve(bytes + 16);
    std::uniform_int_distribution<size_t> w(0, std::size(kWords) - 1);
    size_t sentence = 0;
    while (s.size() < bytes) {
        if (!s.empty()) s += (++sentence % 12 == 0) ? ".\n\n" : " ";
        s += kWords[w(rng)];
    }
    return s;
}

// One conversation: 3..8 turns, replies 1..4 KB, sometimes a regenerated reply, an edited
// prompt, or a tool call with its result; 1 in 8 prompts reuses a common prompt text.
json conversation(std::mt19937_64& rng, int64_t n) {
    const std::string id = "bench-" + std::to_string(n);
    double t = 1700000000.0 + static_cast<double>(n) * 60;
    json mapping = json::object();
    auto node = [&](const std::string& nid, const std::string& parent, const std::string& role, json content, const std::string& recipient,
                    const std::string& model) {
        t += 5;
        json meta = json::object();
        if (!model.empty()) meta["model_slug"] = model;
        mapping[nid] = {{"id", nid},
                        {"message", {{"id", nid}, {"author", {{"role", role}, {"name", nullptr}, {"metadata", json::object()}}},
                                     {"create_time", t}, {"content", std::move(content)}, {"status", "finished_successfully"},
                                     {"metadata", std::move(meta)}, {"recipient", recipient}}},
                        {"parent", parent},
                        {"children", json::array()}};
        mapping[parent]["children"].push_back(nid);
    };
    mapping["root"] = {{"id", "root"}, {"message", nullptr}, {"parent", nullptr}, {"children", json::array()}};
    std::uniform_int_distribution<int> turns(3, 8), pct(0, 99);
    std::uniform_int_distribution<size_t> replyLen(1000, 4000), promptLen(80, 600);
    const char* models[] = {"gpt-4o", "gpt-4o-mini", "o1", "gpt-4"};
    std::string parent = "root";
    const int nt = turns(rng);
    for (int k = 0; k < nt; ++k) {
        std::string u = "u" + std::to_string(k), a = "a" + std::to_string(k);
        std::string prompt = pct(rng) < 12 ? "Common prompt " + std::to_string(pct(rng) % 20) : words(rng, promptLen(rng));
        node(u, parent, "user", {{"content_type", "text"}, {"parts", {prompt}}}, "all", "");
        std::string model = models[pct(rng) % 4];
        std::string replyParent = u;
        if (pct(rng) < 15) {  // a tool call and its result before the answer
            node(a + "c", u, "assistant", {{"content_type", "code"}, {"language", "python"}, {"text", words(rng, 200)}}, "python", model);
            node(a + "t", a + "c", "tool", {{"content_type", "execution_output"}, {"text", words(rng, 300)}}, "all", "");
            replyParent = a + "t";
        }
        node(a, replyParent, "assistant", {{"content_type", "text"}, {"parts", {words(rng, replyLen(rng))}}}, "all", model);
        if (pct(rng) < 15)  // regenerated
            node(a + "r", replyParent, "assistant", {{"content_type", "text"}, {"parts", {words(rng, replyLen(rng))}}}, "all", model);
        if (pct(rng) < 8) {  // an edited prompt on a sibling branch
            node(u + "e", parent, "user", {{"content_type", "text"}, {"parts", {prompt + " (edited)"}}}, "all", "");
            node(a + "e", u + "e", "assistant", {{"content_type", "text"}, {"parts", {words(rng, replyLen(rng))}}}, "all", model);
        }
        parent = a;
    }
    return {{"title", "Bench conversation " + std::to_string(n)}, {"create_time", 1700000000.0 + static_cast<double>(n) * 60},
            {"update_time", t}, {"mapping", std::move(mapping)}, {"current_node", parent}, {"conversation_id", id}, {"id", id},
            {"default_model_slug", "gpt-4o"}};
}

int generate(const std::string& out, double mb) {
    std::ofstream f(out, std::ios::binary | std::ios::trunc);
    if (!f) {
        std::cerr << "cannot write " << out << "\n";
        return 2;
    }
    std::mt19937_64 rng(42);
    const auto target = static_cast<uint64_t>(mb * 1e6);
    uint64_t written = 1;
    f << "[";
    for (int64_t n = 0; written < target; ++n) {
        std::string c = conversation(rng, n).dump();
        if (n) f << ",\n", written += 2;
        f << c;
        written += c.size();
    }
    f << "]\n";
    return f ? 0 : 2;
}

double seconds(std::chrono::steady_clock::time_point a) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
}

// The child: does one mode, prints "seconds conversations" on stdout.
int child(const std::string& mode, const std::string& path, const std::string& vault) {
    auto t0 = std::chrono::steady_clock::now();
    int64_t conversations = 0;
    if (mode == "read") {
        pv::capture::ExportFiles files(path);
        auto src = files.open(files.conversationFiles().front());
        pv::capture::ArrayReader reader(*src, path);
        std::string text;
        while (reader.next(text) == pv::capture::ArrayReader::Result::Element) ++conversations;
    } else if (mode == "parse") {
        pv::capture::ImportOptions o;
        o.path = path;
        auto p = pv::capture::previewExport(o);
        if (!p.fatalError.empty()) {
            std::cerr << p.fatalError << "\n";
            return 2;
        }
        conversations = p.conversations;
    } else if (mode == "floor") {
        // The vault's write floor: the rows the import wrote (in `path`, a vault) written into a new
        // vault the way the import writes them (one INSERT ... SELECT from memory per table and batch
        // with search index, capture and counters per chunk: insertStaged), in about as many
        // transactions as the import's batches. Only the writes are timed (reading the source rows is not): no JSON, no
        // lookups, what storing these rows costs at least.
        // The batches read here are freed between timed writes; glibc would hand that memory back
        // to the kernel each time (a TLB-shootdown storm on this VM) and bill it to the writes.
        mallopt(M_TRIM_THRESHOLD, 512 << 20);
        pv::Store store(vault);
        auto& db = pv::StoreInternals::db(store);
        db.exec("ATTACH DATABASE '" + path + "' AS src");
        db.exec("INSERT INTO models(id, name, provider, notes) SELECT id, name, provider, notes FROM src.models");
        db.exec("INSERT INTO agents(id, name, platform, url, description, instructions) "
                "SELECT id, name, platform, url, description, instructions FROM src.agents");
        const std::vector<std::pair<std::string, std::string>> tables = {
            {"prompts", pv::Store::bulkColumns(pv::Kind::Prompt)}, {"outputs", pv::Store::bulkColumns(pv::Kind::Output)}};
        // All prompts first (outputs refer to them), then the outputs, in batches of about the
        // import's size (16 MB of text).
        double wall = 0, cpu = 0;
        auto cpuNow = [] {
            rusage ru{};
            getrusage(RUSAGE_SELF, &ru);
            return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
        };
        for (const auto& [table, cols] : tables) {
            const int64_t maxRow = db.queryInt("SELECT coalesce(max(rowid), 0) FROM src." + table);
            const int64_t step = table == "prompts" ? 5000 : 6500;  // about 16 MB of text, as the import's batches
            const int64_t batches = maxRow / step + 1;
            pv::sql::RowBuffer buffer(static_cast<int>(pv::sql::splitColumnList(cols).size()));  // reused, as the import does
            for (int64_t b = 0; b < batches; ++b) {
                // This batch's rows, read into memory first (untimed).
                std::vector<std::vector<std::optional<std::string>>> rows;
                auto st = db.prepare("SELECT " + cols + " FROM src." + table + " WHERE rowid > " + std::to_string(b * step) + " AND rowid <= " +
                                     std::to_string((b + 1) * step) + " ORDER BY rowid");
                while (st.step()) {
                    rows.emplace_back();
                    for (int c = 0; c < st.columnCount(); ++c) rows.back().push_back(st.getOptText(c));
                }
                const auto t0 = std::chrono::steady_clock::now();
                const double c0 = cpuNow();
                pv::sql::Transaction tx(db);
                buffer.clear();
                buffer.reserve(rows.size());
                for (const auto& row : rows) {
                    buffer.addRow();
                    for (size_t c = 0; c < row.size(); ++c) {
                        if (table == "outputs" && c == 4 && row[c]) buffer.bind(static_cast<int>(c + 1), static_cast<int64_t>(std::stoll(*row[c])));
                        else buffer.bind(static_cast<int>(c + 1), row[c]);
                    }
                }
                pv::insertStaged(db, *pv::findTable(table), cols, buffer);
                tx.commit();
                wall += seconds(t0);
                cpu += cpuNow() - c0;
            }
        }
        conversations = db.queryInt("SELECT count(DISTINCT conversation_id) FROM outputs");
        std::printf("%.3f %lld %.3f\n", wall, static_cast<long long>(conversations), cpu);
        return 0;
    } else {
        pv::Store store(vault);
        pv::capture::ImportOptions o;
        o.path = path;
        auto r = pv::capture::runImport(store, o);
        if (!r.ok()) {
            std::cerr << pv::capture::formatReport(r);
            return 2;
        }
        conversations = r.conversations.added;
        std::cerr << pv::capture::formatReport(r);
    }
    std::printf("%.3f %lld\n", seconds(t0), static_cast<long long>(conversations));
    return 0;
}

struct Result {
    double seconds = 0;
    double cpuSeconds = 0;  // user + system: what the step costs whatever the load of the box
    long long conversations = 0;
    long maxRssKb = 0;
};

Result runChild(const std::string& self, const std::string& mode, const std::string& path, const std::string& vault) {
    int pipefd[2];
    if (pipe(pipefd) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        close(pipefd[1]);
        execl(self.c_str(), self.c_str(), "child", mode.c_str(), path.c_str(), vault.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(pipefd[1]);
    std::string out;
    char buf[256];
    for (ssize_t n; (n = read(pipefd[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
    close(pipefd[0]);
    int status = 0;
    struct rusage ru {};
    wait4(pid, &status, 0, &ru);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("child '" + mode + "' failed");
    Result r;
    double cpu = -1;  // a child that times only part of its work says its own CPU time
    std::sscanf(out.c_str(), "%lf %lld %lf", &r.seconds, &r.conversations, &cpu);
    r.maxRssKb = ru.ru_maxrss;
    auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    r.cpuSeconds = cpu >= 0 ? cpu : secs(ru.ru_utime) + secs(ru.ru_stime);
    return r;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App cli("Import benchmark: gen makes a synthetic export, measure times reading, parsing and importing it\n"
                 "(each in a child process) next to the vault floor.",
                 "pv-bench-import");
    cli.require_subcommand(1);
    std::string out, exportPath, vaultDir, mode, childVault;
    double mb = 0;
    CLI::App* gen = cli.add_subcommand("gen", "write a synthetic ChatGPT export of about MB megabytes");
    gen->add_option("out", out, "the export file")->required();
    gen->add_option("mb", mb, "its size in MB")->required()->check(CLI::PositiveNumber);
    CLI::App* measure = cli.add_subcommand("measure", "measure read, parse, import and the vault floor; prints table rows");
    measure->add_option("export", exportPath, "the export file")->required();
    measure->add_option("vault-dir", vaultDir, "folder for the vaults (removed afterwards)")->required();
    CLI::App* childCmd = cli.add_subcommand("child", "one measured step (run by measure)");
    childCmd->add_option("mode", mode, "read, parse, import or floor")->required()->check(pv::cmdline::oneOf({"read", "parse", "import", "floor"}));
    childCmd->add_option("export", exportPath, "the export (for floor: the imported vault)")->required();
    childCmd->add_option("vault", childVault, "the vault to write")->required();
    if (auto code = pv::cmdline::parse(cli, argc, argv)) return *code;
    if (gen->parsed()) return generate(out, mb);
    if (childCmd->parsed()) return child(mode, exportPath, childVault);

    const std::string self = fs::read_symlink("/proc/self/exe").string();
    const std::string path = exportPath;
    const std::string vault = (fs::path(vaultDir) / "bench-import.db").string();
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(vault + ext);
    const double exportMb = static_cast<double>(fs::file_size(path)) / 1e6;
    auto read = runChild(self, "read", path, vault);
    auto parse = runChild(self, "parse", path, vault);
    auto imp = runChild(self, "import", path, vault);
    double vaultMb = static_cast<double>(fs::file_size(vault)) / 1e6;
    const std::string floorVault = (fs::path(vaultDir) / "bench-floor.db").string();
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(floorVault + ext);
    auto floor = runChild(self, "floor", vault, floorVault);
    for (const char* ext : {"", "-wal", "-shm"}) fs::remove(vault + ext), fs::remove(floorVault + ext);
    auto row = [&](const char* what, const Result& r) {
        std::printf("| %.0f MB | %s | %lld | %.1f s | %.1f s | %.1f MB/s | %.1f MB/s | %.0f MB | %.2f |\n", exportMb, what, r.conversations, r.seconds,
                    r.cpuSeconds, exportMb / r.seconds, exportMb / r.cpuSeconds, static_cast<double>(r.maxRssKb) / 1024.0, parse.seconds / r.seconds);
    };
    row("read (split only)", read);
    row("parse (baseline: split + JSON + map, no vault)", parse);
    row("**import** (into a new vault)", imp);
    row("vault floor (the same rows written as the import writes them, no JSON, no lookups)", floor);
    std::printf("|  | vault size after import: %.0f MB |  |  |  |  |  |  |  |\n", vaultMb);
    return 0;
}
