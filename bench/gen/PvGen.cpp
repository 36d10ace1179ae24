// pv-gen --vault FILE [--outputs N] [--seed S] ...: a realistic vault for benchmarks.
#include "CommandLine.hpp"
#include "Generator.hpp"

#include <filesystem>
#include <iostream>
#include <string>

namespace {

const char* kAbout =
    "Writes a realistic vault through the store (change capture on). Defaults: 100000 outputs,\n"
    "prompts = outputs/5, output-tag links = outputs*3, 500 tags, 50 models, 200 agents, seed 1.\n"
    "FILE must not exist unless --force (then it is replaced).";

} // namespace

int main(int argc, char** argv) {
    try {
        pv::gen::GenOptions opt;
        std::string vault;
        bool force = false, quiet = false;
        CLI::App cli(kAbout, "pv-gen");
        const auto count = pv::cmdline::wholeNumber(0, INT64_MAX);
        cli.add_option("--vault", vault, "the vault to write")->required();
        cli.add_option("--outputs", opt.outputs, "outputs")->check(count);
        cli.add_option("--seed", opt.seed, "random seed")->check(count);
        cli.add_option("--prompts", opt.prompts, "prompts")->check(count);
        cli.add_option("--tag-links", opt.tagLinks, "output-tag links")->check(count);
        cli.add_option("--tags", opt.tags, "tags")->check(count);
        cli.add_option("--models", opt.models, "models")->check(count);
        cli.add_option("--agents", opt.agents, "agents")->check(count);
        cli.add_option("--batch", opt.rowsPerTransaction, "rows per transaction")->check(pv::cmdline::wholeNumber(1, INT64_MAX));
        cli.add_flag("--force", force, "replace FILE when it exists");
        cli.add_flag("--quiet", quiet, "no progress");
        if (auto code = pv::cmdline::parse(cli, argc, argv)) return *code;
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
