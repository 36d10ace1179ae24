#include "Schema.hpp"

#include "EntityTables.hpp"

namespace pv {

std::string sqlNowIso() { return "strftime('%Y-%m-%dT%H:%M:%fZ','now')"; }

std::string setApplyingSql(Applying a) { return "UPDATE pv_sync_state SET applying = " + std::to_string(static_cast<int>(a)); }
std::string applyingIsSql(Applying a) { return "(SELECT applying FROM pv_sync_state) = " + std::to_string(static_cast<int>(a)); }
std::string applyingBelowSql(Applying a) { return "(SELECT applying FROM pv_sync_state) < " + std::to_string(static_cast<int>(a)); }
std::string sqlNowMs() { return "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)"; }

std::string sqlUuidV7() {
    // 48-bit ms timestamp, version nibble 7, 12 random bits, variant 10xx, 62 random bits.
    const std::string ts = "printf('%012x', " + sqlNowMs() + ")";
    return "lower(substr(" + ts + ",1,8) || '-' || substr(" + ts + ",9,4) || '-7' || substr(hex(randomblob(2)),2,3) || '-' || "
           "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)),2,3) || '-' || hex(randomblob(6)))";
}

bool TableDef::hasColumn(const std::string& c) const { return column(c) != nullptr; }

const ColumnDef* TableDef::column(const std::string& c) const {
    for (const auto& col : columns)
        if (col.name == c) return &col;
    return nullptr;
}

std::string TableDef::rowKeyExpr(const char* alias) const {
    std::string e;
    for (size_t i = 0; i < key.size(); ++i) {
        if (i) e += " || '|' || ";
        e += std::string(alias) + "." + key[i];
    }
    return e;
}

std::string TableDef::insertColumnsJson() const {
    std::string json = "[";
    for (size_t i = 0; i < columns.size(); ++i) json += std::string(i ? "," : "") + "\"" + columns[i].name + "\"";
    return json + "]";
}

std::vector<ColumnDef> stampColumns() {
    return {{"created_at", ColType::Text, true, sqlNowIso(), ""}, {"updated_at", ColType::Text, true, sqlNowIso(), ""},
            {"deleted_at", ColType::Text, false, "", ""}};
}

namespace {

ColumnDef ref(const char* n, const char* target) { return {n, ColType::Text, true, "", target}; }

// A link table: two references as its key, then extra columns, then the stamps.
TableDef link(const char* name, ColumnDef a, ColumnDef b, std::vector<ColumnDef> extra = {}, int since = 1) {
    std::vector<ColumnDef> cols{a, b};
    cols.insert(cols.end(), extra.begin(), extra.end());
    for (const auto& s : stampColumns()) cols.push_back(s);
    return {name, cols, {a.name, b.name}, since};
}

std::vector<TableDef> makeTables() {
    std::vector<TableDef> t;
    t.push_back(tableDefOf(entityTable<Model>()));
    t.push_back(tableDefOf(entityTable<Agent>()));
    t.push_back(tableDefOf(entityTable<Prompt>()));
    t.push_back(tableDefOf(entityTable<Tag>()));
    t.push_back(tableDefOf(entityTable<Output>()));
    t.push_back(link("output_tags", ref("output_id", "outputs(id)"), ref("tag_id", "tags(id)")));
    t.push_back(link("prompt_tags", ref("prompt_id", "prompts(id)"), ref("tag_id", "tags(id)")));
    t.push_back(tableDefOf(entityTable<QaActivity>()));
    t.push_back(link("prompt_qa_checks", ref("prompt_id", "prompts(id)"), ref("qa_activity_id", "qa_activities(id)"),
                     {{"done", ColType::Integer, true, "0", ""}, {"done_at", ColType::Text, false, "", ""}, {"note", ColType::Text, true, "''", ""}}));
    // Version 2: the person's own lookups, stored as data (a lookup, its values, links to values).
    t.push_back(tableDefOf(entityTable<Lookup>()));
    t.push_back(tableDefOf(entityTable<LookupValue>()));
    t.push_back(link("output_lookup_values", ref("output_id", "outputs(id)"), ref("lookup_value_id", "lookup_values(id)"), {}, 2));
    t.push_back(link("prompt_lookup_values", ref("prompt_id", "prompts(id)"), ref("lookup_value_id", "lookup_values(id)"), {}, 2));
    return t;
}

} // namespace

const std::vector<TableDef>& syncedTables() {
    static const std::vector<TableDef> tables = makeTables();
    return tables;
}

const TableDef* findTable(const std::string& name) {
    for (const auto& t : syncedTables())
        if (t.name == name) return &t;
    return nullptr;
}

} // namespace pv
