#pragma once
// The vault's side of a pull: rows the server sent, written into their tables in one transaction
// with change capture off (a pulled row is not a local edit). The sync engine decides which
// columns a row takes (a newer local edit of a column keeps it); this writes them, as cheaply as
// the pull's size allows.
#include "Schema.hpp"
#include "Sqlite.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pv {

class Store;

// A batch of pulled rows in a table's column order, in the server's text form (integers as
// decimal text). The sync engine implements it over its query results.
class PulledRows {
public:
    virtual ~PulledRows() = default;
    virtual int rows() const = 0;
    virtual bool isNull(int row, int col) const = 0;
    virtual std::string_view text(int row, int col) const = 0;
};

class PullWriter {
public:
    // Begins the vault's write transaction and turns capture off; rolled back unless committed.
    explicit PullWriter(Store& store);
    ~PullWriter();
    PullWriter(const PullWriter&) = delete;
    PullWriter& operator=(const PullWriter&) = delete;

    // Writes of one table. With diffRows (a small pull), a row the vault already has is updated in
    // exactly the columns that differ (nothing when none does), so indexes, counters and the
    // search index are touched only for what changed; otherwise rows are upserted many per
    // statement. Rows are written in the order given: a self-reference (a prompt derived from
    // another) needs its parent first.
    class Table {
    public:
        // The row takes every pulled column.
        void takeAll(const PulledRows& r, int row);
        // The row takes the columns marked in take (t.columns order) and keeps the others.
        void takeSome(const PulledRows& r, int row, const std::vector<bool>& take);
        // Writes the rows queued by takeAll; call before the next batch replaces r.
        void flush(const PulledRows& r);

    private:
        friend class PullWriter;
        Table(sql::Db& db, const TableDef& t, bool diffRows);
        void bind(sql::Stmt& st, int param, const PulledRows& r, int row, int col) const;
        sql::Stmt& bulkInsert(int rows);
        sql::Stmt& searchedUpdate(int rows);
        sql::Stmt& diffUpdate(uint64_t mask);

        sql::Db& m_db;
        const TableDef& m_table;
        bool m_diffRows;
        int m_columns;
        int m_perStatement;
        std::string m_columnList, m_keyList, m_bulkSets;
        std::vector<std::string> m_searched;  // full-text indexed columns
        std::vector<int> m_keyIndex, m_searchedIndex;
        sql::Stmt* m_upsert = nullptr;  // per-column keep-or-take upsert
        sql::Stmt* m_local = nullptr;   // the vault's row, for diffRows
        std::map<int, sql::Stmt> m_bulkStatements, m_searchedStatements;
        std::map<uint64_t, sql::Stmt> m_diffStatements;
        std::vector<int> m_queued;  // rows of the current batch that take every column
    };
    Table& table(const TableDef& t, bool diffRows);

    // A discarded insert the server never took: deletes the row unless another row refers to it
    // (then it stays and false is returned).
    bool dropUnlessReferenced(const TableDef& t, const std::vector<std::string>& keyValues);

    // Capture back on, then COMMIT.
    void commit();

private:
    sql::Db& m_db;
    sql::Transaction m_tx;
    std::map<std::string, std::unique_ptr<Table>> m_tables;
};

} // namespace pv
