// sync: push pending local changes and pull other devices' changes once, and say what happened.
#include "Cli.hpp"
#include "Store.hpp"
#include "SyncEngine.hpp"

#include <iostream>

namespace pv::cli {

namespace {
const char* kSyncHelp =
    "usage: promptvault [--vault FILE] sync [--pg CONNINFO] [--schema NAME] [--save] [--batch N]\n"
    "Pushes the vault's pending changes to PostgreSQL and pulls the other devices' changes, once.\n"
    "  --pg CONNINFO   libpq connection string or URI (default: the one saved in the vault, else the\n"
    "                  PG* environment variables, ~/.pgpass and the service file)\n"
    "  --schema NAME   PostgreSQL schema (default: saved, else $PV_PG_SCHEMA, else promptvault)\n"
    "  --save          save the connection string (without its password) and schema in the vault,\n"
    "                  for the next sync and the app's background sync\n"
    "  --batch N       changes per server transaction (default 2000)\n"
    "Exit status: 0 synced (set-aside changes are listed), 1 could not sync (nothing was lost).\n";
}

int cmdSync(const std::string& vault, const std::vector<std::string>& argv) {
    Args a(argv);
    if (a.flag("--help") || a.flag("-h")) {
        std::cout << kSyncHelp;
        return 0;
    }
    std::string conninfo, schema;
    bool save = false;
    sync::SyncOptions opt;
    try {
        conninfo = a.value("--pg").value_or("");
        schema = a.value("--schema").value_or("");
        save = a.flag("--save");
        if (auto b = a.value("--batch")) {
            opt.batchSize = std::stoi(*b);
            if (opt.batchSize < 1) throw std::runtime_error("--batch must be at least 1");
        }
        a.requireConsumed();
        if (!a.positionals().empty()) throw std::runtime_error("unexpected argument '" + a.positionals()[0] + "'");
    } catch (const std::exception& e) {
        std::cerr << "promptvault sync: " << sync::maskConninfo(e.what()) << "\n";
        return 2;
    }
    try {
        Store store(vault);  // a new vault pulls everything: a new laptop joining
        opt.conninfo = sync::resolveConninfo(store, conninfo);
        opt.schema = sync::resolveSchema(store, schema);
        sync::SyncEngine engine(store, opt);
        auto report = engine.syncOnce();
        std::cout << "synced " << vault << " with " << engine.conn().where() << ", schema " << opt.schema << "\n";
        std::cout << "pushed " << report.push.pushed << " change(s) in " << report.push.batches << " batch(es)";
        if (report.push.alreadyApplied) std::cout << " (" << report.push.alreadyApplied << " found applied by an interrupted sync)";
        std::cout << ", set aside " << report.push.setAside.size() << ", pulled " << report.pull.rows << " row(s)";
        if (report.pull.protectedCols) std::cout << " (" << report.pull.protectedCols << " column(s) kept: newer local edits)";
        std::cout << "\n";
        for (const auto& s : report.push.setAside)
            std::cout << "set aside: change " << s.seq << " on " << s.table << " " << s.rowKey << ": " << s.error << "\n";
        int64_t waiting = store.db().queryInt("SELECT count(*) FROM pv_changes WHERE status = 'set_aside'");
        if (waiting) std::cout << waiting << " change(s) set aside in total (refused by the server; see pv_changes.error)\n";
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
