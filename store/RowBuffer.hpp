// Rows held in memory that SQL reads through the table-valued function pv_rows(?): a bulk insert
// moves them with one INSERT ... SELECT without first copying every text into a staging table.
#pragma once
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pv::sql {

class Stmt;

class RowBuffer {
public:
    static constexpr int kMaxColumns = 32;  // pv_rows declares c0 .. c31

    struct Cell {
        enum class Kind : uint8_t { Null, Int, Text };
        Kind kind = Kind::Null;
        int64_t number = 0;
        std::string_view text;
    };

    explicit RowBuffer(int columns);
    int columns() const { return m_columns; }
    size_t rows() const { return m_cells.size() / static_cast<size_t>(m_columns); }
    bool empty() const { return m_cells.empty(); }
    void clear() { m_cells.clear(); }  // keeps the memory for the next batch
    void reserve(size_t rows) { m_cells.reserve(rows * static_cast<size_t>(m_columns)); }

    // Starts a row of NULLs; bind() fills its cells, 1-based like Stmt::bind (so one mapping of a
    // struct to columns serves both). Texts are referenced, not copied: they must stay alive and
    // unchanged until the statements that read this buffer are done.
    RowBuffer& addRow();
    RowBuffer& bind(int column, std::nullptr_t) { return set(column, {}); }
    RowBuffer& bind(int column, int64_t v) { return set(column, {Cell::Kind::Int, v, {}}); }
    RowBuffer& bind(int column, std::string_view v) { return set(column, {Cell::Kind::Text, 0, v}); }
    RowBuffer& bind(int column, const char* v) { return v ? bind(column, std::string_view(v)) : bind(column, nullptr); }
    RowBuffer& bind(int column, const std::string& v) { return bind(column, std::string_view(v)); }
    RowBuffer& bind(int column, const std::optional<std::string>& v) { return v ? bind(column, std::string_view(*v)) : bind(column, nullptr); }
    RowBuffer& bind(int column, const std::optional<int64_t>& v) { return v ? bind(column, *v) : bind(column, nullptr); }
    // A temporary string would be gone before the statement reads it.
    RowBuffer& bind(int column, std::string&&) = delete;
    RowBuffer& bind(int column, std::optional<std::string>&&) = delete;

    const Cell& cell(size_t row, int column) const { return m_cells[row * static_cast<size_t>(m_columns) + static_cast<size_t>(column)]; }

    // Binds this buffer to parameter i of a statement that reads pv_rows(?i).
    void bindTo(Stmt& s, int i) const;

private:
    RowBuffer& set(int column, Cell cell);
    int m_columns;
    std::vector<Cell> m_cells;
};

// Makes pv_rows available on a connection (sql::Db does it when it opens one).
void registerRowBufferModule(sqlite3* db);

// The names of a column list: "id, prompt_id" -> {"id", "prompt_id"}.
std::vector<std::string> splitColumnList(const std::string& columnList);

// "c0 AS id, c1 AS prompt_id, ...": pv_rows' columns under the given names, for a SELECT from
// pv_rows that reads like the table it fills.
std::string rowBufferSelectList(const std::vector<std::string>& names);

} // namespace pv::sql
