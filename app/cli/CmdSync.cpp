// sync: push pending local changes and pull other devices' changes once, and say what happened.
#include "Cli.hpp"
#include "Store.hpp"
#include "SetAside.hpp"
#include "SyncEngine.hpp"

#include <charconv>
#include <iostream>

namespace pv::cli {

namespace {
const char* kSyncHelp =
    "usage: promptvault [--vault FILE] sync [--pg CONNINFO] [--schema NAME] [--save] [--batch N]\n"
    "       promptvault [--vault FILE] sync --list | --retry SEQ|all | --discard SEQ|all\n"
    "Pushes the vault's pending changes to PostgreSQL and pulls the other devices' changes, once.\n"
    "  --pg CONNINFO   libpq connection string or URI (default: the one saved in the vault, else the\n"
    "                  PG* environment variables, ~/.pgpass and the service file)\n"
    "  --schema NAME   PostgreSQL schema (default: saved, else $PV_PG_SCHEMA, else promptvault)\n"
    "  --save          save the connection string (without its password) and schema in the vault,\n"
    "                  for the next sync and the app's background sync\n"
    "  --batch N       changes per server transaction (default 2000)\n"
    "  --list          list the changes the server refused (set aside), with its reasons\n"
    "  --retry SEQ     put refused change SEQ (or all) back in the queue for the next sync\n"
    "  --discard SEQ   give up refused change SEQ (or all): it leaves the list and the next sync\n"
    "                  takes the server's value of its record\n"
    "  --list, --retry and --discard only change the vault; they do not contact the server.\n"
    "Exit status: 0 synced (set-aside changes are listed), 1 could not sync (nothing was lost).\n";

// A whole number within [min, max], or a clear message naming the option.
int64_t wholeNumber(const std::string& option, const std::string& text, int64_t min, int64_t max) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max)
        throw std::runtime_error(option + " wants a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ", not '" +
                                 text + "'");
    return v;
}

// --retry / --discard: SEQ or "all".
std::optional<int64_t> seqOrAll(const std::string& option, const std::string& text) {
    if (text == "all") return std::nullopt;
    return wholeNumber(option, text, 1, INT64_MAX);
}
}

int cmdSync(const std::string& vault, const std::vector<std::string>& argv) {
    Args a(argv);
    if (a.flag("--help") || a.flag("-h")) {
        std::cout << kSyncHelp;
        return 0;
    }
    std::string conninfo, schema;
    bool save = false, list = false, retry = false, discard = false;
    std::optional<int64_t> retrySeq, discardSeq;
    sync::SyncOptions opt;
    try {
        conninfo = a.value("--pg").value_or("");
        schema = a.value("--schema").value_or("");
        save = a.flag("--save");
        if (auto b = a.value("--batch")) opt.batchSize = static_cast<int>(wholeNumber("--batch", *b, 1, 1000000));
        list = a.flag("--list");
        if (auto r = a.value("--retry")) {
            retry = true;
            retrySeq = seqOrAll("--retry", *r);
        }
        if (auto d = a.value("--discard")) {
            discard = true;
            discardSeq = seqOrAll("--discard", *d);
        }
        if (int(list) + int(retry) + int(discard) > 1) throw std::runtime_error("choose one of --list, --retry and --discard");
        a.requireConsumed();
        if (!a.positionals().empty()) throw std::runtime_error("unexpected argument '" + a.positionals()[0] + "'");
    } catch (const std::exception& e) {
        std::cerr << "promptvault sync: " << sync::maskPasswords(e.what()) << "\n";
        return 2;
    }
    if (list || retry || discard) {
        try {
            Store store(vault);
            if (retry || discard) {
                auto seq = retry ? retrySeq : discardSeq;
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
    try {
        Store store(vault);  // a new vault pulls everything: a new laptop joining
        opt.conninfo = sync::resolveConninfo(store, conninfo);
        opt.schema = sync::resolveSchema(store, schema);
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
        int64_t waiting = store.db().queryInt("SELECT count(*) FROM pv_changes WHERE status = 'set_aside'");
        if (waiting)
            std::cout << waiting << " change(s) set aside in total (refused by the server): promptvault sync --list, then --retry or --discard\n";
        if (save) {
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

} // namespace pv::cli
