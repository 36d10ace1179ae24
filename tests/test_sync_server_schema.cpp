// The server schema's frozen steps: a schema made at each older version (by the literal SQL of
// that version) and migrated by today's build equals one made new from today's descriptions.
// Against a real throwaway PostgreSQL.
#include "PgServer.hpp"
#include "Pg.hpp"
#include "SyncEngine.hpp"
#include "SyncTestUtil.hpp"

#include <doctest/doctest.h>

using namespace pv;
using namespace pv::test;

TEST_CASE("a server schema made at any older version migrates to one equal to a new one") {
    auto& pg = PgServer::shared();
    const std::string freshDb = pg.createDatabase();
    {
        sync::PgConn conn(pg.conninfo(freshDb));
        sync::ensureServerSchema(conn, "promptvault");
    }
    const std::string fresh = serverSchemaSignature(pg, freshDb);
    REQUIRE(fresh.find("schema_version " + std::to_string(sync::kServerSchemaVersion)) != std::string::npos);
    REQUIRE(fresh.find("column outputs.output_edited") != std::string::npos);

    for (int from = 1; from < sync::kServerSchemaVersion; ++from) {
        CAPTURE(from);
        const std::string db = pg.createDatabase();
        sync::PgConn conn(pg.conninfo(db));
        const std::string serverId = sync::ensureServerSchema(conn, "promptvault", from);
        const std::string old = serverSchemaSignature(pg, db);
        CHECK(old.find("schema_version " + std::to_string(from)) != std::string::npos);
        CHECK(old != fresh);
        if (from == 1) CHECK(old.find("function promptvault.pv_merge_clocks(jsonb,jsonb)") != std::string::npos);
        // The next contact migrates it, keeping the server's identity.
        CHECK(sync::ensureServerSchema(conn, "promptvault") == serverId);
        CHECK(serverSchemaSignature(pg, db) == fresh);
    }
}
