// Vaults made by the builds of every past schema version (tests/fixtures/vaults, made by
// scripts/make-fixture-vaults.sh, which says which commit made which file): each opens with
// today's Store, migrates, keeps every row with identical text and every change with its status,
// ends with the schema of a new vault, and syncs to a real throwaway PostgreSQL (the server as the
// old build left it, for the versions that had sync) from which a new vault pulls the same rows.
#include "OldVault.hpp"
#include "PgServer.hpp"
#include "Schema.hpp"
#include "Store.hpp"
#include "StoreInternals.hpp"
#include "SyncTestUtil.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <memory>

using namespace pv;
using namespace pv::test;
using nlohmann::json;

namespace {

const std::string kDir = PV_FIXTURE_VAULTS_DIR;

struct GzClose {
    void operator()(gzFile f) const { gzclose(f); }
};

// Unpacks vN.vault.gz to `dest`.
void gunzip(const std::string& from, const std::string& dest) {
    std::unique_ptr<gzFile_s, GzClose> in(gzopen(from.c_str(), "rb"));
    REQUIRE_MESSAGE(in, "cannot open " << from);
    std::ofstream out(dest, std::ios::binary);
    char buf[65536];
    int n;
    while ((n = gzread(in.get(), buf, sizeof buf)) > 0) out.write(buf, n);
    REQUIRE_MESSAGE(n == 0, "cannot unpack " << from);
}

json readJson(const std::string& path) {
    std::ifstream in(path);
    REQUIRE_MESSAGE(in, "cannot read " << path);
    return json::parse(in);
}

std::string keyWhere(const TableDef& t) {
    std::string w;
    for (size_t i = 0; i < t.key.size(); ++i) w += (i ? " AND " : "") + t.key[i] + " = ?" + std::to_string(i + 1);
    return w;
}

// Every manifest row is in the vault with every column as it was (text byte for byte).
void checkRows(Store& s, const json& tables) {
    for (const auto& [name, rows] : tables.items()) {
        CAPTURE(name);
        const TableDef* t = findTable(name);
        REQUIRE(t);
        CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM " + name) == static_cast<int64_t>(rows.size()));
        for (const auto& row : rows) {
            std::string cols;
            for (const auto& [c, v] : row.items()) cols += (cols.empty() ? "" : ", ") + c;
            auto st = pv::StoreInternals::db(s).prepare("SELECT " + cols + " FROM " + name + " WHERE " + keyWhere(*t));
            for (size_t i = 0; i < t->key.size(); ++i) st.bind(static_cast<int>(i + 1), row.at(t->key[i]).get<std::string>());
            REQUIRE_MESSAGE(st.step(), name << " row " << row.at(t->key[0]) << " is gone");
            int i = 0;
            for (const auto& [c, v] : row.items()) {
                CAPTURE(c);
                if (v.is_null()) CHECK(st.isNull(i));
                else if (v.is_number_integer()) CHECK(st.getInt(i) == v.get<int64_t>());
                else CHECK(st.getText(i) == v.get<std::string>());
                ++i;
            }
        }
    }
}

// Every change entry kept its table, row, operation and status.
void checkChanges(Store& s, const json& changes) {
    CHECK(pv::StoreInternals::db(s).queryInt("SELECT count(*) FROM pv_changes") == static_cast<int64_t>(changes.size()));
    for (const auto& c : changes) {
        auto st = pv::StoreInternals::db(s).prepare("SELECT tbl, row_key, op, status FROM pv_changes WHERE seq = ?1");
        st.bind(1, c.at("seq").get<int64_t>());
        REQUIRE_MESSAGE(st.step(), "change " << c.at("seq") << " is gone");
        CHECK(st.getText(0) == c.at("tbl").get<std::string>());
        CHECK(st.getText(1) == c.at("row_key").get<std::string>());
        CHECK(st.getText(2) == c.at("op").get<std::string>());
        CHECK(st.getText(3) == c.at("status").get<std::string>());
    }
}

int64_t countStatus(const json& changes, const std::string& status) {
    int64_t n = 0;
    for (const auto& c : changes) n += c.at("status") == status;
    return n;
}

// A database holding the server exactly as the old build left it (pg_dump restored by psql).
std::string restoreServer(PgServer& pg, int version, const std::string& dump) {
    const std::string db = "pvfixture" + std::to_string(version);
    pg.adminQuery("postgres", "CREATE DATABASE " + db);
    std::string bin = "/usr/lib/postgresql/15/bin";
    if (const char* b = std::getenv("PV_PG_BIN"); b && *b) bin = b;
    auto r = runCommand(bin + "/psql -X -q -v ON_ERROR_STOP=1 " + shellQuote(pg.adminConninfo(db)) + " -f " + shellQuote(dump));
    REQUIRE_MESSAGE(r.exitCode == 0, "restoring " << dump << ": " << r.err);
    return db;
}

// The export as JSON, without the rows that only this vault has (their change is set aside).
json exportWithout(Store& s, const std::string& table, const std::string& column, const std::string& value) {
    json all = json::parse(exportOf(s));
    auto& rows = all.at(table);
    for (auto it = rows.begin(); it != rows.end();) it = (*it).at(column) == value ? rows.erase(it) : it + 1;
    return all;
}

} // namespace

TEST_CASE("vaults made by the builds of every past schema version open, migrate, keep everything and sync") {
    auto& pg = PgServer::shared();
    TempDir dir;
    std::vector<std::string> freshSchema;
    {
        Store fresh(dir.file("fresh.db"));
        freshSchema = schemaSignature(pv::StoreInternals::db(fresh));
    }
    const std::string freshServerDb = pg.createDatabase();
    {
        sync::PgConn conn(pg.conninfo(freshServerDb));
        sync::ensureServerSchema(conn, "promptvault");
    }
    const std::string freshServer = serverSchemaSignature(pg, freshServerDb);

    for (int version = 1; version < kSchemaVersion; ++version) {
        CAPTURE(version);
        const std::string base = kDir + "/v" + std::to_string(version);
        const json manifest = readJson(base + ".manifest.json");
        REQUIRE(manifest.at("user_version") == version);
        const json& changes = manifest.at("changes");
        const int64_t pending = countStatus(changes, "pending"), setAside = countStatus(changes, "set_aside");
        REQUIRE(pending > 0);
        const bool hadSync = version >= 3;
        CHECK(setAside == (hadSync ? 1 : 0));

        const std::string path = dir.file("v" + std::to_string(version) + ".vault");
        gunzip(base + ".vault.gz", path);
        {
            sql::Db raw(path);
            REQUIRE(raw.queryInt("PRAGMA user_version") == version);
        }
        Store a(path);
        CHECK(a.schemaVersion() == kSchemaVersion);
        CHECK(schemaSignature(pv::StoreInternals::db(a)) == freshSchema);
        CHECK(a.deviceId() == manifest.at("device_id").get<std::string>());
        checkRows(a, manifest.at("tables"));
        checkChanges(a, changes);
        // Search and the relation counters work on the migrated rows.
        CHECK(pv::StoreInternals::db(a).queryInt("SELECT count(*) FROM outputs_fts WHERE outputs_fts MATCH '分散システムでは'") >= 1);
        CHECK(pv::StoreInternals::db(a).queryInt("SELECT n FROM pv_counts WHERE rel = 'outputs' AND id = ''") ==
              pv::StoreInternals::db(a).queryInt("SELECT count(*) FROM outputs WHERE deleted_at IS NULL"));

        // Sync: against the server the old build synced with (then migrated by today's build), or a new one.
        const std::string serverDb = hadSync ? restoreServer(pg, version, base + ".server.sql") : pg.createDatabase();
        const std::string ci = pg.conninfo(serverDb);
        auto report = syncVault(a, ci);
        CHECK(report.push.setAside.empty());  // the one set aside before stays aside, not pushed again
        CHECK(pv::StoreInternals::db(a).queryInt("SELECT count(*) FROM pv_changes WHERE status = 'pending'") == 0);
        CHECK(pv::StoreInternals::db(a).queryInt("SELECT count(*) FROM pv_changes WHERE status = 'set_aside'") == setAside);
        CHECK(pv::StoreInternals::db(a).queryInt("SELECT count(*) FROM pv_changes WHERE status = 'pushed'") == static_cast<int64_t>(changes.size()) - setAside);
        CHECK(serverSchemaSignature(pg, serverDb) == freshServer);

        // A new vault pulls the same rows (all but the refused tag link, which only this vault has).
        Store b(dir.file("b" + std::to_string(version) + ".vault"));
        syncVault(b, ci);
        syncVault(a, ci);
        const json fromA = exportWithout(a, "output_tags", "output_id", "fx-output-nowhere");
        CHECK(json::parse(exportOf(a)).at("output_tags").size() == fromA.at("output_tags").size() + (hadSync ? 1 : 0));
        CHECK(json::parse(exportOf(b)) == fromA);
        CHECK(serverExport(ci) == exportOf(b));
        CHECK(b.getOutput("fx-output-1"));
        CHECK(b.getOutput("fx-output-3"));
    }
}
