// pv-gen --vault FILE [--outputs N] [--seed S] ...: a realistic vault for benchmarks.
#include "Generator.hpp"

#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

namespace {

const char* kUsage =
    "usage: pv-gen --vault FILE [--outputs N] [--seed S] [--prompts N] [--tag-links N] [--tags N]\n"
    "              [--models N] [--agents N] [--batch N] [--force] [--quiet]\n"
    "Writes a realistic vault through the store (change capture on). Defaults: 100000 outputs,\n"
    "prompts = outputs/5, output-tag links = outputs*3, 500 tags, 50 models, 200 agents, seed 1.\n"
    "FILE must not exist unless --force (then it is replaced).\n";

int64_t number(const char* opt, const char* v) {
    char* end = nullptr;
    long long n = std::strtoll(v, &end, 10);
    if (!*v || *end || n < 0) throw std::runtime_error(std::string(opt) + " needs a non-negative whole number, got '" + v + "'");
    return n;
}

} // namespace

int main(int argc, char** argv) {
    try {
        pv::gen::GenOptions opt;
        std::string vault;
        bool force = false, quiet = false;
        for (int i = 1; i < argc; ++i) {
            std::string a = argv[i];
            auto value = [&]() -> const char* {
                if (i + 1 >= argc) throw std::runtime_error(a + " needs a value");
                return argv[++i];
            };
            if (a == "--help" || a == "-h") {
                std::cout << kUsage;
                return 0;
            } else if (a == "--vault") vault = value();
            else if (a == "--outputs") opt.outputs = number("--outputs", value());
            else if (a == "--seed") opt.seed = static_cast<uint64_t>(number("--seed", value()));
            else if (a == "--prompts") opt.prompts = number("--prompts", value());
            else if (a == "--tag-links") opt.tagLinks = number("--tag-links", value());
            else if (a == "--tags") opt.tags = number("--tags", value());
            else if (a == "--models") opt.models = number("--models", value());
            else if (a == "--agents") opt.agents = number("--agents", value());
            else if (a == "--batch") opt.rowsPerTransaction = std::max<int64_t>(1, number("--batch", value()));
            else if (a == "--force") force = true;
            else if (a == "--quiet") quiet = true;
            else throw std::runtime_error("unknown argument '" + a + "' (see --help)");
        }
        if (vault.empty()) throw std::runtime_error("--vault FILE is required (see --help)");
        if (std::filesystem::exists(vault)) {
            if (!force) throw std::runtime_error("'" + vault + "' exists; pass --force to replace it");
            for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(vault + suffix);
        }
        if (!quiet)
            opt.progress = [](const std::string& phase, int64_t done, int64_t total) {
                std::cerr << "\rpv-gen: " << phase << " " << done << "/" << total << "        " << std::flush;
                if (done == total) std::cerr << "\n";
            };
        pv::Store store(vault);
        auto r = pv::gen::generateVault(store, opt);
        std::cout << "vault\t" << vault << "\n"
                  << "outputs\t" << r.outputs << "\nprompts\t" << r.prompts << "\ntags\t" << r.tags << "\noutput_tag_links\t" << r.tagLinks
                  << "\nprompt_tag_links\t" << r.promptTagLinks << "\nmodels\t" << r.models << "\nagents\t" << r.agents << "\nedited\t"
                  << r.edited << "\nrated\t" << r.rated << "\ntext_mb\t" << r.textBytes / 1e6 << "\nseconds\t" << r.seconds
                  << "\noutput_insert_seconds\t" << r.outputInsertSeconds << "\noutput_insert_cpu_seconds\t" << r.outputInsertCpuSeconds << "\noutput_checkpoint_cpu_seconds\t" << r.outputCheckpointCpuSeconds
                  << "\noutput_checkpoints\t" << r.outputCheckpointPasses << " in the background, " << r.outputInlineCheckpoints << " by the writer"
                  << "\nhub_prompt\t" << r.hubPromptId << "\nhub_tag\t" << r.hubTagId << "\nhub_model\t" << r.hubModelId
                  << "\nsample_output\t" << r.sampleOutputId << "\nsample_word\t" << r.sampleWord << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "pv-gen: " << e.what() << "\n";
        return 1;
    }
}
