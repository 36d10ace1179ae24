#include "EntityTables.hpp"

#include "Language.hpp"

namespace pv {

template <class T>
std::string Field<T>::checkSql() const {
    const std::string& c = column.name;
    if (range) {
        std::string between = c + " BETWEEN " + std::to_string(range->first) + " AND " + std::to_string(range->second);
        return column.notNull ? between : c + " IS NULL OR " + between;
    }
    if (!oneOf.empty()) {
        std::string in;
        for (const auto& v : oneOf) in += (in.empty() ? "'" : ",'") + v + "'";
        return c + " IN (" + in + ")";
    }
    return "";
}

template <class T>
TableDef tableDefOf(const EntityTable<T>& e) {
    TableDef t;
    t.name = e.table;
    t.key = {"id"};
    t.sinceVersion = e.sinceVersion;
    t.columns.push_back({"id", ColType::Text, true, sqlUuidV7(), ""});
    for (const auto& f : e.fields)
        if (!f.afterStamps) t.columns.push_back(f.column);
    for (const auto& s : stampColumns()) t.columns.push_back(s);
    for (const auto& f : e.fields)
        if (f.afterStamps) t.columns.push_back(f.column);
    for (const auto& f : e.fields)
        if (auto c = f.checkSql(); !c.empty()) t.checks.push_back(c);
    return t;
}

// ---- the descriptions ---------------------------------------------------------------------------
// In storage order. A column added to a table that already has rows is stored last (ALTER TABLE
// ADD COLUMN), so it is described last, with addedIn(version).

template <>
const EntityTable<Model>& entityTable<Model>() {
    static const EntityTable<Model> t{"models", "model",
                                      {field("name", &Model::name).required("a model needs a name"),
                                       field("provider", &Model::provider), field("notes", &Model::notes)}};
    return t;
}

template <>
const EntityTable<Agent>& entityTable<Agent>() {
    static const EntityTable<Agent> t{"agents", "agent",
                                      {field("name", &Agent::name).required("an agent needs a name"), field("platform", &Agent::platform),
                                       field("url", &Agent::url), field("default_model_id", &Agent::defaultModelId).references("models(id)"),
                                       field("description", &Agent::description), field("instructions", &Agent::instructions)}};
    return t;
}

template <>
const EntityTable<Prompt>& entityTable<Prompt>() {
    static const EntityTable<Prompt> t{"prompts", "prompt",
                                       {field("derived_from_id", &Prompt::derivedFromId).references("prompts(id)"),
                                        field("title", &Prompt::title), field("body", &Prompt::body), field("notes", &Prompt::notes)}};
    return t;
}

template <>
const EntityTable<Tag>& entityTable<Tag>() {
    static const EntityTable<Tag> t{"tags", "tag", {field("name", &Tag::name).required("a tag needs a name"), field("color", &Tag::color)}};
    return t;
}

template <>
const EntityTable<Output>& entityTable<Output>() {
    static const EntityTable<Output> t{
        "outputs",
        "output",
        {field("prompt_id", &Output::promptId).references("prompts(id)"), field("model_id", &Output::modelId).references("models(id)"),
         field("agent_id", &Output::agentId).references("agents(id)"), field("rating", &Output::rating).between(1, 5),
         field("captured_at", &Output::capturedAt).byDefault(sqlNowIso()), field("source", &Output::source),
         field("conversation_id", &Output::conversationId), field("conversation_title", &Output::conversationTitle),
         field("message_id", &Output::messageId), field("conversation_url", &Output::conversationUrl),
         // Long texts after the stamps (since version 3), so reading a stamp never walks their overflow pages.
         field("notes", &Output::notes).stampsFirst(), field("output", &Output::output).stampsFirst(),
         field("output_edited", &Output::outputEdited).stampsFirst(),
         field("language", &Output::language).addedIn(10).validatedBy(isLanguageCode, "a language code such as 'en' or 'pt-br'")}};
    return t;
}

template <>
const EntityTable<QaActivity>& entityTable<QaActivity>() {
    static const EntityTable<QaActivity> t{"qa_activities", "QA activity",
                                           {field("name", &QaActivity::name).required("a QA activity needs a name"),
                                            field("description", &QaActivity::description), field("sort_order", &QaActivity::sortOrder)}};
    return t;
}

template <>
const EntityTable<Lookup>& entityTable<Lookup>() {
    static const EntityTable<Lookup> t{"lookups", "lookup",
                                       {field("name", &Lookup::name).required("a lookup needs a name"),
                                        field("applies_to", &Lookup::appliesTo).byDefault("'outputs'").allowed({"outputs", "prompts", "both"}),
                                        field("multi", &Lookup::multi), field("sort_order", &Lookup::sortOrder)},
                                       2};
    return t;
}

template <>
const EntityTable<LookupValue>& entityTable<LookupValue>() {
    static const EntityTable<LookupValue> t{"lookup_values", "lookup value",
                                            {field("lookup_id", &LookupValue::lookupId).references("lookups(id)").onCreateOnly(),
                                             field("value", &LookupValue::value).required("a lookup value cannot be empty"),
                                             field("sort_order", &LookupValue::sortOrder)},
                                            2};
    return t;
}

template TableDef tableDefOf(const EntityTable<Model>&);
template TableDef tableDefOf(const EntityTable<Agent>&);
template TableDef tableDefOf(const EntityTable<Prompt>&);
template TableDef tableDefOf(const EntityTable<Tag>&);
template TableDef tableDefOf(const EntityTable<Output>&);
template TableDef tableDefOf(const EntityTable<QaActivity>&);
template TableDef tableDefOf(const EntityTable<Lookup>&);
template TableDef tableDefOf(const EntityTable<LookupValue>&);

} // namespace pv
