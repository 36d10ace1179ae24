#include "Schema.hpp"

namespace pv {

std::string sqlNowIso() { return "strftime('%Y-%m-%dT%H:%M:%fZ','now')"; }

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

namespace {

ColumnDef idCol() { return {"id", ColType::Text, true, sqlUuidV7(), ""}; }
ColumnDef text(const char* n, bool notNull = true) { return {n, ColType::Text, notNull, notNull ? "''" : "", ""}; }
ColumnDef textNull(const char* n) { return {n, ColType::Text, false, "", ""}; }
ColumnDef ref(const char* n, const char* target, bool notNull = false) { return {n, ColType::Text, notNull, "", target}; }
ColumnDef integer(const char* n, bool notNull, const char* def = "") { return {n, ColType::Integer, notNull, def, ""}; }

// created_at / updated_at / deleted_at close every synced table; deleted_at is the tombstone.
void addStamps(std::vector<ColumnDef>& cols) {
    cols.push_back({"created_at", ColType::Text, true, sqlNowIso(), ""});
    cols.push_back({"updated_at", ColType::Text, true, sqlNowIso(), ""});
    cols.push_back(textNull("deleted_at"));
}

// `tail` columns (long texts) follow the stamps, so reading a stamp never walks a long value's overflow pages.
TableDef entity(const char* name, std::vector<ColumnDef> body, int since = 1, std::vector<ColumnDef> tail = {}) {
    std::vector<ColumnDef> cols{idCol()};
    cols.insert(cols.end(), body.begin(), body.end());
    addStamps(cols);
    cols.insert(cols.end(), tail.begin(), tail.end());
    return {name, cols, {"id"}, since};
}

TableDef link(const char* name, ColumnDef a, ColumnDef b, std::vector<ColumnDef> extra = {}, int since = 1) {
    std::vector<ColumnDef> cols{a, b};
    cols.insert(cols.end(), extra.begin(), extra.end());
    addStamps(cols);
    return {name, cols, {a.name, b.name}, since};
}

std::vector<TableDef> makeTables() {
    std::vector<TableDef> t;
    t.push_back(entity("models", {text("name"), text("provider"), text("notes")}));
    t.push_back(entity("agents", {text("name"), text("platform"), text("url"), ref("default_model_id", "models(id)"),
                                  text("description"), text("instructions")}));
    t.push_back(entity("prompts", {ref("derived_from_id", "prompts(id)"), text("title"), text("body"), text("notes")}));
    t.push_back(entity("tags", {text("name"), text("color")}));
    t.push_back(entity("outputs", {ref("prompt_id", "prompts(id)"), ref("model_id", "models(id)"), ref("agent_id", "agents(id)"),
                                   integer("rating", false), {"captured_at", ColType::Text, true, sqlNowIso(), ""},
                                   text("source"), text("conversation_id"), text("conversation_title"), text("message_id"),
                                   text("conversation_url")},
                             1, {text("notes"), text("output"), textNull("output_edited")}));  // order since version 3
    t.push_back(link("output_tags", ref("output_id", "outputs(id)", true), ref("tag_id", "tags(id)", true)));
    t.push_back(link("prompt_tags", ref("prompt_id", "prompts(id)", true), ref("tag_id", "tags(id)", true)));
    t.push_back(entity("qa_activities", {text("name"), text("description"), integer("sort_order", true, "0")}));
    t.push_back(link("prompt_qa_checks", ref("prompt_id", "prompts(id)", true), ref("qa_activity_id", "qa_activities(id)", true),
                     {integer("done", true, "0"), textNull("done_at"), text("note")}));
    // Version 2: the person's own lookups, stored as data (a lookup, its values, links to values).
    t.push_back(entity("lookups", {text("name"), {"applies_to", ColType::Text, true, "'outputs'", ""}, integer("multi", true, "0"),
                                   integer("sort_order", true, "0")}, 2));
    t.push_back(entity("lookup_values", {ref("lookup_id", "lookups(id)", true), text("value"), integer("sort_order", true, "0")}, 2));
    t.push_back(link("output_lookup_values", ref("output_id", "outputs(id)", true), ref("lookup_value_id", "lookup_values(id)", true), {}, 2));
    t.push_back(link("prompt_lookup_values", ref("prompt_id", "prompts(id)", true), ref("lookup_value_id", "lookup_values(id)", true), {}, 2));
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
