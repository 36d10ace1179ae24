// RowBuffer and pv_rows: rows held in memory, read by SQL without a staging table.
#include "Migrations.hpp"
#include "RowBuffer.hpp"
#include "Schema.hpp"
#include "Store.hpp"
#include "StoreInternals.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace pv;
using pv::test::TempDir;

TEST_CASE("pv_rows returns the buffered rows in order, with their types and exact bytes") {
    TempDir dir;
    sql::Db db(dir.file("rows.db"));
    sql::RowBuffer rows(3);
    const std::string withNul("a\0b", 3), accented = "naïve “quotes” 'x'; DROP TABLE t; --";
    const std::optional<std::string> third = "third";
    rows.addRow().bind(1, int64_t{7}).bind(2, accented).bind(3, nullptr);
    rows.addRow().bind(1, std::optional<int64_t>{}).bind(2, withNul).bind(3, third);
    rows.addRow();  // left unbound: all NULL
    CHECK(rows.rows() == 3);

    auto s = db.prepare("SELECT rowid, c0, typeof(c0), c1, length(CAST(c1 AS BLOB)), c2, typeof(c2), c3 FROM pv_rows(?1)");
    rows.bindTo(s, 1);
    REQUIRE(s.step());
    CHECK(s.getInt(0) == 1);
    CHECK(s.getInt(1) == 7);
    CHECK(s.getText(2) == "integer");
    CHECK(s.getText(3) == accented);
    CHECK(s.getText(6) == "null");
    CHECK(s.isNull(7));  // past the buffer's columns
    REQUIRE(s.step());
    CHECK(s.getInt(0) == 2);
    CHECK(s.isNull(1));
    CHECK(s.getInt(4) == 3);  // the NUL byte is kept
    CHECK(s.getText(5) == "third");
    REQUIRE(s.step());
    CHECK(s.isNull(1));
    CHECK(s.isNull(3));
    CHECK(s.isNull(5));
    CHECK_FALSE(s.step());

    // Read twice by one statement (a join with itself): each scan starts from the first row.
    auto pairs = db.prepare("SELECT count(*) FROM pv_rows(?1) a, pv_rows(?1) b");
    rows.bindTo(pairs, 1);
    REQUIRE(pairs.step());
    CHECK(pairs.getInt(0) == 9);
}

TEST_CASE("pv_rows refuses what it cannot serve, with a clear error") {
    TempDir dir;
    sql::Db db(dir.file("rows.db"));
    SUBCASE("no buffer passed") {
        CHECK_THROWS_WITH_AS(db.exec("SELECT * FROM pv_rows"), doctest::Contains("pv_rows(?) reads a row buffer"), sql::Error);
    }
    SUBCASE("a value that is not a bound buffer") {
        CHECK_THROWS_WITH_AS(db.exec("SELECT * FROM pv_rows('x')"), doctest::Contains("pv_rows(?) reads a row buffer"), sql::Error);
    }
    SUBCASE("a trigger in the file cannot use it") {
        db.exec("CREATE TABLE t(a)");
        db.exec("CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN SELECT count(*) FROM pv_rows; END");
        CHECK_THROWS_WITH_AS(db.exec("INSERT INTO t VALUES (1)"), doctest::Contains("unsafe use of virtual table"), sql::Error);
        CHECK(db.queryInt("SELECT count(*) FROM t") == 0);
    }
    SUBCASE("cells outside the row") {
        sql::RowBuffer rows(2);
        CHECK_THROWS_WITH_AS(rows.bind(1, "x"), doctest::Contains("addRow() not called"), sql::Error);
        rows.addRow();
        CHECK_THROWS_WITH_AS(rows.bind(3, "x"), doctest::Contains("no column 3"), sql::Error);
        CHECK_THROWS_WITH_AS(rows.bind(0, "x"), doctest::Contains("no column 0"), sql::Error);
        CHECK_THROWS_AS(sql::RowBuffer(0), sql::Error);
        CHECK_THROWS_AS(sql::RowBuffer(sql::RowBuffer::kMaxColumns + 1), sql::Error);
    }
}

TEST_CASE("insertStaged from a row buffer: rows in order, one change each, a refused row undoes the statement") {
    TempDir dir;
    Store store(dir.file("v.db"));
    auto& db = pv::StoreInternals::db(store);
    const std::string cols = "id, derived_from_id, title, body, notes";
    const auto before = db.queryInt("SELECT count(*) FROM pv_changes");

    std::vector<std::string> ids = {"0190a000-0000-7000-8000-000000000001", "0190a000-0000-7000-8000-000000000002",
                                    "0190a000-0000-7000-8000-000000000003"};
    const std::vector<std::string> titles = {"title 0", "title 1", "title 2"};
    sql::RowBuffer rows(5);
    for (size_t i = 0; i < ids.size(); ++i)
        rows.addRow().bind(1, ids[i]).bind(2, nullptr).bind(3, titles[i]).bind(4, "body with searchword").bind(5, "");
    {
        sql::Transaction tx(db);
        insertStaged(db, *findTable("prompts"), cols, rows);
        tx.commit();
    }
    auto order = db.prepare("SELECT id FROM prompts ORDER BY rowid");
    for (const auto& id : ids) {
        REQUIRE(order.step());
        CHECK(order.getText(0) == id);
    }
    CHECK(db.queryInt("SELECT count(*) FROM pv_changes") - before == 3);
    CHECK(db.queryInt("SELECT count(*) FROM pv_changes WHERE tbl = 'prompts' AND op = 'insert' AND row_key IN ('" + ids[0] + "','" + ids[1] +
                      "','" + ids[2] + "')") == 3);
    // The chunk was indexed with it (one INSERT ... SELECT, the search trigger paused): one index
    // entry per row.
    CHECK(store.search("searchword", 10).size() == 3);
    CHECK(db.queryInt("SELECT count(*) FROM prompts_fts_docsize") == 3);

    // A duplicate id in the middle: nothing of the statement stays, no change entry is written,
    // capture is back on; checked inside the transaction, which then commits what it holds.
    sql::RowBuffer again(5);
    again.addRow().bind(1, "0190a000-0000-7000-8000-000000000004").bind(3, "new").bind(4, "b").bind(5, "");
    again.addRow().bind(1, ids[1]).bind(3, "dup").bind(4, "b").bind(5, "");
    again.addRow().bind(1, "0190a000-0000-7000-8000-000000000006").bind(3, "new too").bind(4, "b").bind(5, "");
    {
        sql::Transaction tx(db);
        CHECK_THROWS_WITH_AS(insertStaged(db, *findTable("prompts"), cols, again), doctest::Contains("UNIQUE"), sql::Error);
        CHECK(db.queryInt("SELECT count(*) FROM prompts") == 3);
        CHECK(db.queryInt("SELECT count(*) FROM prompts_fts_docsize") == 3);  // nothing of it indexed
        CHECK(db.queryInt("SELECT count(*) FROM pv_changes") - before == 3);
        CHECK(db.queryInt("SELECT applying FROM pv_sync_state") == 0);
        db.exec("UPDATE prompts SET notes = 'after' WHERE id = '" + ids[0] + "'");  // captured again
        tx.commit();
    }
    CHECK(db.queryInt("SELECT count(*) FROM prompts") == 3);
    CHECK(db.queryInt("SELECT count(*) FROM pv_changes") - before == 4);
    CHECK(db.queryInt("SELECT count(*) FROM pv_changes WHERE op = 'update' AND row_key = '" + ids[0] + "'") == 1);

    // A buffer whose width does not match the column list is refused before anything is written.
    sql::RowBuffer narrow(2);
    narrow.addRow().bind(1, "0190a000-0000-7000-8000-000000000005").bind(2, nullptr);
    sql::Transaction tx(db);
    CHECK_THROWS_WITH_AS(insertStaged(db, *findTable("prompts"), cols, narrow), doctest::Contains("2 buffer columns"), sql::Error);
}

TEST_CASE("a bulk move indexes its own chunk for search; every other insert still goes through the trigger") {
    TempDir dir;
    Store store(dir.file("v.db"));
    auto& db = pv::StoreInternals::db(store);
    // Rows already there, some with rowids above the count (a gap left by a removed row).
    db.exec("INSERT INTO outputs(id, output) VALUES ('o-1', 'kestrel one'), ('o-2', 'kestrel two'), ('o-3', 'kestrel three')");
    db.exec("UPDATE pv_sync_state SET applying = 1; DELETE FROM outputs WHERE id = 'o-2'; UPDATE pv_sync_state SET applying = 0;");
    std::vector<Output> bulk(50);
    for (size_t i = 0; i < bulk.size(); ++i) bulk[i].output = "kestrel bulk " + std::to_string(i) + (i % 2 ? " heron" : "");
    store.transaction([&] { store.createOutputs(bulk); });
    CHECK(db.queryInt("SELECT applying FROM pv_sync_state") == 0);
    CHECK(store.search("kestrel", 100).size() == 52);
    CHECK(store.search("heron", 100).size() == 25);
    // The index matches the table row for row (FTS5 compares it with the content table and fails
    // with "malformed" on a row left out).
    CHECK(db.queryInt("SELECT count(*) FROM outputs_fts_docsize") == db.queryInt("SELECT count(*) FROM outputs"));
    CHECK_NOTHROW(db.exec("INSERT INTO outputs_fts(outputs_fts, rank) VALUES ('integrity-check', 1)"));
    // A single insert afterwards (as the sqlite3 shell would make it) is indexed by the trigger.
    db.exec("INSERT INTO outputs(id, output) VALUES ('o-shell', 'kestrel from the shell')");
    CHECK(store.search("shell", 10).size() == 1);
    CHECK(db.queryInt("SELECT count(*) FROM outputs_fts_docsize") == 53);
    // A move the vault refuses (a duplicate id, found by the INSERT itself) leaves no index entry
    // behind and the trigger on: checked inside the transaction, which then goes on.
    const std::string cols = Store::bulkColumns(Kind::Output);
    sql::RowBuffer rows(static_cast<int>(sql::splitColumnList(cols).size()));
    std::vector<Output> bad(3);
    for (size_t i = 0; i < bad.size(); ++i) {
        bad[i].id = i == 1 ? std::string("o-1") : "0190b000-0000-7000-8000-00000000000" + std::to_string(i);
        bad[i].output = "osprey";
        bad[i].source = "manual";
        bad[i].capturedAt = "2026-12-01T00:00:00.000Z";
        Store::addBulkRow(rows, bad[i]);
    }
    {
        sql::Transaction tx(db);
        CHECK_THROWS_WITH_AS(insertStaged(db, *findTable("outputs"), cols, rows), doctest::Contains("UNIQUE"), sql::Error);
        CHECK(db.queryInt("SELECT applying FROM pv_sync_state") == 0);
        CHECK(store.search("osprey", 10).empty());
        CHECK(db.queryInt("SELECT count(*) FROM outputs_fts_docsize") == 53);
        db.exec("INSERT INTO outputs(id, output) VALUES ('o-after', 'osprey after')");
        CHECK(store.search("osprey", 10).size() == 1);
        tx.commit();
    }
    CHECK_NOTHROW(db.exec("INSERT INTO outputs_fts(outputs_fts, rank) VALUES ('integrity-check', 1)"));
}

TEST_CASE("once a row holds the largest rowid, a bulk move is indexed row by row and still found") {
    TempDir dir;
    Store store(dir.file("v.db"));
    auto& db = pv::StoreInternals::db(store);
    db.exec("INSERT INTO outputs(rowid, id, output) VALUES (9223372036854775807, 'o-max', 'grebe at the end')");
    std::vector<Output> bulk(20);
    for (auto& o : bulk) o.output = "grebe bulk";
    store.transaction([&] { store.createOutputs(bulk); });  // new rows get random rowids below it
    CHECK(db.queryInt("SELECT count(*) FROM outputs") == 21);
    CHECK(store.search("grebe", 50).size() == 21);
    CHECK(db.queryInt("SELECT count(*) FROM pv_changes WHERE tbl = 'outputs' AND op = 'insert'") == 21);
    CHECK(db.queryInt("SELECT n FROM pv_counts WHERE rel = 'outputs' AND id = ''") == 21);
    CHECK_NOTHROW(db.exec("INSERT INTO outputs_fts(outputs_fts, rank) VALUES ('integrity-check', 1)"));
}
