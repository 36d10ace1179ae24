// sync: push pending local changes and pull other devices' changes once, and say what happened.
#include "Cli.hpp"
#include "Store.hpp"
#include "SetAside.hpp"
#include "SyncEngine.hpp"

#include "CommandLine.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <iostream>

namespace pv::cli {

namespace {

struct SyncArgs {
    std::string conninfo, schema, retry, discard;
    bool save = false, list = false;
    int batch = 0;
};

// --retry / --discard: SEQ or "all".
CLI::Validator seqOrAll() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            if (text == "all") return {};
            std::string copy = text;
            std::string err = cmdline::wholeNumber(1, INT64_MAX)(copy);
            return err.empty() ? err : "expected a change number (see --list) or 'all', got '" + text + "'";
        },
        "SEQ|all");
}

std::optional<int64_t> seqOf(const std::string& text) {
    if (text == "all") return std::nullopt;
    return std::stoll(text);  // checked by seqOrAll()
}

int runSetAside(const SyncArgs& a, const std::string& vault) {
    try {
        Store store(vault);
        if (!a.retry.empty() || !a.discard.empty()) {
            const bool retry = !a.retry.empty();
            auto seq = seqOf(retry ? a.retry : a.discard);
            int64_t n = retry ? sync::retrySetAside(store, seq) : sync::discardSetAside(store, seq);
            if (n == 0) {
                std::cerr << "promptvault sync: " << (seq ? "no refused change " + std::to_string(*seq) : std::string("no refused changes"))
                          << " in " << vault << " (promptvault sync --list shows them)\n";
                return 1;
            }
            if (retry) std::cout << "requeued " << n << " refused change(s); the next sync pushes them again\n";
            else std::cout << "discarded " << n << " refused change(s); the next sync takes the server's value of their records\n";
            return 0;
        }
        auto refused = sync::listSetAside(store, 100000);
        for (const auto& c : refused)
            std::cout << c.seq << "\t" << c.op << " " << c.table << " " << c.rowKey << " (" << c.columns << ")\t" << c.error << "\n";
        std::cout << refused.size() << " refused change(s)";
        if (!refused.empty()) std::cout << "; --retry SEQ|all once the cause is fixed, or --discard SEQ|all to take the server's value";
        std::cout << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "promptvault sync: " << e.what() << "\n";
        return 1;
    }
}

int runSync(const SyncArgs& a, const std::string& vault) {
    if (a.list || !a.retry.empty() || !a.discard.empty()) return runSetAside(a, vault);
    sync::SyncOptions opt;
    if (a.batch) opt.batchSize = a.batch;
    try {
        Store store(vault);  // a new vault pulls everything: a new laptop joining
        opt.conninfo = sync::resolveConninfo(store, a.conninfo);
        opt.schema = sync::resolveSchema(store, a.schema);
        sync::SyncEngine engine(store, opt);
        auto report = engine.syncOnce();
        std::cout << "synced " << vault << " with " << engine.conn().where() << ", schema " << opt.schema << "\n";
        if (!report.push.deviceNote.empty()) std::cout << "note: " << report.push.deviceNote << "\n";
        if (!report.pull.clockWarning.empty()) std::cerr << "warning: " << report.pull.clockWarning << "\n";
        std::cout << "pushed " << report.push.pushed << " change(s) in " << report.push.batches << " batch(es)";
        if (report.push.alreadyApplied) std::cout << " (" << report.push.alreadyApplied << " found applied by an interrupted sync)";
        std::cout << ", set aside " << report.push.setAside.size() << ", pulled " << report.pull.rows << " row(s)";
        if (report.pull.protectedCols) std::cout << " (" << report.pull.protectedCols << " column(s) kept: newer local edits)";
        std::cout << "\n";
        if (report.pull.refetched) std::cout << report.pull.refetched << " record(s) of discarded changes now hold the server's value\n";
        for (const auto& k : report.pull.keptRows)
            std::cout << "kept " << k << ": the server never took it (its change was discarded) but other records here refer to it\n";
        for (const auto& s : report.push.setAside)
            std::cout << "set aside: change " << s.seq << " on " << s.table << " " << s.rowKey << ": " << s.error << "\n";
        int64_t waiting = store.setAsideChanges();
        if (waiting)
            std::cout << waiting << " change(s) set aside in total (refused by the server): promptvault sync --list, then --retry or --discard\n";
        if (a.save) {
            store.setSetting(sync::kConninfoSetting, sync::conninfoWithoutPassword(opt.conninfo));
            store.setSetting(sync::kSchemaSetting, opt.schema);
            std::cout << "saved the connection (" << sync::maskConninfo(sync::conninfoWithoutPassword(opt.conninfo))
                      << ") in the vault; the password is not saved (use ~/.pgpass or a service file)\n";
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "promptvault sync: " << e.what() << "\n";
        std::cerr << "nothing was lost: local changes stay pending and the next sync continues\n";
        return 1;
    }
}

} // namespace

Command syncCommand(CLI::App& parent) {
    CLI::App* cmd = parent.add_subcommand("sync", "push pending changes to PostgreSQL and pull the other devices' changes, once");
    auto a = std::make_shared<SyncArgs>();
    cmd->add_option("--pg", a->conninfo,
                     "libpq connection string or URI (default: the one saved in the vault, else the PG* environment variables, "
                     "~/.pgpass and the service file)");
    cmd->add_option("--schema", a->schema, "PostgreSQL schema (default: saved, else $PV_PG_SCHEMA, else promptvault)");
    cmd->add_flag("--save", a->save,
                   "save the connection string (without its password) and schema in the vault, for the next sync and the app's "
                   "background sync");
    cmd->add_option("--batch", a->batch, "changes per server transaction (default 2000)")->check(cmdline::wholeNumber(1, 1000000));
    CLI::Option* list = cmd->add_flag("--list", a->list, "list the changes the server refused (set aside), with its reasons");
    CLI::Option* retry = cmd->add_option("--retry", a->retry, "put refused change SEQ (or all) back in the queue for the next sync")
                             ->check(seqOrAll());
    CLI::Option* discard = cmd->add_option("--discard", a->discard,
                                            "give up refused change SEQ (or all): it leaves the list and the next sync takes the "
                                            "server's value of its record")
                               ->check(seqOrAll());
    list->excludes(retry)->excludes(discard);
    retry->excludes(discard);
    cmd->footer("--list, --retry and --discard only change the vault; they do not contact the server.\n"
                 "Exit status: 0 synced (set-aside changes are listed), 1 could not sync (nothing was lost), 2 bad arguments.");
    return {cmd, [a](const std::string& vault) { return runSync(*a, vault); }};
}

} // namespace pv::cli
