#include "RowBuffer.hpp"

#include "Sqlite.hpp"

#include <new>

namespace pv::sql {

namespace {

constexpr const char* kPointerType = "pv::sql::RowBuffer";
constexpr int kSourceColumn = RowBuffer::kMaxColumns;  // the hidden argument column

struct RowsTable {
    sqlite3_vtab base{};
};

struct RowsCursor {
    sqlite3_vtab_cursor base{};
    const RowBuffer* rows = nullptr;
    size_t row = 0;
};

int rowsConnect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**) {
    std::string schema = "CREATE TABLE x(";
    for (int c = 0; c < RowBuffer::kMaxColumns; ++c) schema += "c" + std::to_string(c) + ", ";
    schema += "source HIDDEN)";
    if (int rc = sqlite3_declare_vtab(db, schema.c_str()); rc != SQLITE_OK) return rc;
    // Only statements written in the program may read it: never a trigger or view in the file.
    sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
    auto* table = new (std::nothrow) RowsTable;
    if (!table) return SQLITE_NOMEM;
    *out = &table->base;
    return SQLITE_OK;
}

int rowsDisconnect(sqlite3_vtab* vtab) {
    delete reinterpret_cast<RowsTable*>(vtab);
    return SQLITE_OK;
}

// Only a plan that passes the buffer (source = ?) can run; the scan returns rows in buffer order.
int rowsBestIndex(sqlite3_vtab*, sqlite3_index_info* info) {
    bool unusable = false;
    for (int i = 0; i < info->nConstraint; ++i) {
        const auto& c = info->aConstraint[i];
        if (c.iColumn != kSourceColumn || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
        if (!c.usable) {
            unusable = true;
            continue;
        }
        info->aConstraintUsage[i].argvIndex = 1;
        info->aConstraintUsage[i].omit = 1;
        info->idxNum = 1;
        info->estimatedCost = 1000;
        info->estimatedRows = 1000;
        return SQLITE_OK;
    }
    if (unusable) return SQLITE_CONSTRAINT;  // the planner tries an order where it is usable
    info->idxNum = 0;                         // xFilter reports the missing buffer
    info->estimatedCost = 1e12;
    return SQLITE_OK;
}

int rowsOpen(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
    auto* cursor = new (std::nothrow) RowsCursor;
    if (!cursor) return SQLITE_NOMEM;
    *out = &cursor->base;
    return SQLITE_OK;
}

int rowsClose(sqlite3_vtab_cursor* cur) {
    delete reinterpret_cast<RowsCursor*>(cur);
    return SQLITE_OK;
}

int rowsFilter(sqlite3_vtab_cursor* cur, int idxNum, const char*, int argc, sqlite3_value** argv) {
    auto* cursor = reinterpret_cast<RowsCursor*>(cur);
    cursor->row = 0;
    cursor->rows = idxNum == 1 && argc == 1 ? static_cast<const RowBuffer*>(sqlite3_value_pointer(argv[0], kPointerType)) : nullptr;
    if (!cursor->rows) {
        sqlite3_free(cur->pVtab->zErrMsg);
        cur->pVtab->zErrMsg = sqlite3_mprintf("pv_rows(?) reads a row buffer bound by the program (RowBuffer::bindTo)");
        return SQLITE_ERROR;
    }
    return SQLITE_OK;
}

int rowsNext(sqlite3_vtab_cursor* cur) {
    ++reinterpret_cast<RowsCursor*>(cur)->row;
    return SQLITE_OK;
}

int rowsEof(sqlite3_vtab_cursor* cur) {
    const auto* cursor = reinterpret_cast<RowsCursor*>(cur);
    return !cursor->rows || cursor->row >= cursor->rows->rows();
}

int rowsColumn(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int column) {
    const auto* cursor = reinterpret_cast<RowsCursor*>(cur);
    if (column >= cursor->rows->columns()) {
        sqlite3_result_null(ctx);
        return SQLITE_OK;
    }
    const auto& cell = cursor->rows->cell(cursor->row, column);
    switch (cell.kind) {
    case RowBuffer::Cell::Kind::Null: sqlite3_result_null(ctx); break;
    case RowBuffer::Cell::Kind::Int: sqlite3_result_int64(ctx, cell.number); break;
    case RowBuffer::Cell::Kind::Text:
        // An empty view may have no data pointer; SQLite would read that as NULL, not ''.
        sqlite3_result_text64(ctx, cell.text.data() ? cell.text.data() : "", cell.text.size(), SQLITE_STATIC, SQLITE_UTF8);
        break;
    }
    return SQLITE_OK;
}

int rowsRowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) {
    *rowid = static_cast<sqlite3_int64>(reinterpret_cast<RowsCursor*>(cur)->row) + 1;
    return SQLITE_OK;
}

constexpr sqlite3_module makeModule() {
    sqlite3_module m{};
    m.iVersion = 0;
    m.xCreate = nullptr;  // eponymous only: pv_rows exists on every connection, never in the file
    m.xConnect = rowsConnect;
    m.xBestIndex = rowsBestIndex;
    m.xDisconnect = rowsDisconnect;
    m.xDestroy = rowsDisconnect;
    m.xOpen = rowsOpen;
    m.xClose = rowsClose;
    m.xFilter = rowsFilter;
    m.xNext = rowsNext;
    m.xEof = rowsEof;
    m.xColumn = rowsColumn;
    m.xRowid = rowsRowid;
    return m;
}

constexpr sqlite3_module kRowsModule = makeModule();

} // namespace

RowBuffer::RowBuffer(int columns) : m_columns(columns) {
    if (columns < 1 || columns > kMaxColumns)
        throw Error("a row buffer holds 1 to " + std::to_string(kMaxColumns) + " columns, not " + std::to_string(columns));
}

RowBuffer& RowBuffer::addRow() {
    m_cells.resize(m_cells.size() + static_cast<size_t>(m_columns));
    return *this;
}

RowBuffer& RowBuffer::set(int column, Cell cell) {
    if (m_cells.empty() || column < 1 || column > m_columns)
        throw Error("row buffer: no column " + std::to_string(column) + " in the current row (" + std::to_string(m_columns) + " columns" +
                    (m_cells.empty() ? ", addRow() not called" : "") + ")");
    m_cells[m_cells.size() - static_cast<size_t>(m_columns) + static_cast<size_t>(column - 1)] = cell;
    return *this;
}

void RowBuffer::bindTo(Stmt& s, int i) const {
    if (sqlite3_bind_pointer(s.handle(), i, const_cast<RowBuffer*>(this), kPointerType, nullptr) != SQLITE_OK)
        throw Error(std::string("cannot bind a row buffer: ") + sqlite3_errmsg(sqlite3_db_handle(s.handle())));
}

void registerRowBufferModule(sqlite3* db) {
    if (int rc = sqlite3_create_module_v2(db, "pv_rows", &kRowsModule, nullptr, nullptr); rc != SQLITE_OK)
        throw Error(std::string("cannot register pv_rows: ") + sqlite3_errstr(rc), rc);
}

std::vector<std::string> splitColumnList(const std::string& columnList) {
    std::vector<std::string> names(1);
    for (char ch : columnList) {
        if (ch == ',') names.emplace_back();
        else if (ch != ' ') names.back() += ch;
    }
    return names;
}

std::string rowBufferSelectList(const std::vector<std::string>& names) {
    if (names.size() > static_cast<size_t>(RowBuffer::kMaxColumns))
        throw Error("pv_rows has " + std::to_string(RowBuffer::kMaxColumns) + " columns, not " + std::to_string(names.size()));
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) out += (i ? ", c" : "c") + std::to_string(i) + " AS " + names[i];
    return out;
}

} // namespace pv::sql
