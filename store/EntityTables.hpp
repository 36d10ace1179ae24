// The one description of each entity table: every column (after id, before the stamps) written once,
// with its SQL shape and the struct member that holds it. The SQLite DDL and triggers, the
// PostgreSQL mirror, row binding and reading, validation, the editors' dirty checks and the drafts'
// field maps all follow from it (docs/adding-a-column.md).
#pragma once
#include "Entities.hpp"
#include "Schema.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace pv {

template <class T>
using Member = std::variant<std::string T::*, std::optional<std::string> T::*, int64_t T::*, std::optional<int64_t> T::*, bool T::*>;

template <class T>
struct Field {
    ColumnDef column;
    Member<T> member;
    bool createOnly = false;   // written on create, never by an update (a lookup value stays in its lookup)
    bool afterStamps = false;  // stored after the stamps: long texts, and columns added by ALTER TABLE
    std::string requiredMessage;                        // non-empty: an empty text is refused with it
    std::optional<std::pair<int64_t, int64_t>> range;   // inclusive; also a CHECK constraint
    std::vector<std::string> oneOf;                     // allowed texts; also a CHECK constraint
    bool (*isValidText)(std::string_view) = nullptr;    // a non-empty text must pass it...
    std::string validTextIs;                            // ...described so: "a language code such as 'en'"

    Field&& references(const char* target) && {
        column.references = target;
        column.sqliteDefault.clear();  // a reference has no default: NULL, or given on create
        return std::move(*this);
    }
    Field&& byDefault(std::string sqlExpr) && {
        column.sqliteDefault = std::move(sqlExpr);
        return std::move(*this);
    }
    Field&& onCreateOnly() && {
        createOnly = true;
        return std::move(*this);
    }
    Field&& stampsFirst() && {
        afterStamps = true;
        return std::move(*this);
    }
    // A column added to a table that already had rows: stored last (ALTER TABLE ADD COLUMN), so it
    // is described last.
    Field&& addedIn(int version) && {
        column.addedIn = version;
        afterStamps = true;
        return std::move(*this);
    }
    Field&& required(std::string message) && {
        requiredMessage = std::move(message);
        return std::move(*this);
    }
    Field&& between(int64_t lo, int64_t hi) && {
        range = {lo, hi};
        return std::move(*this);
    }
    Field&& allowed(std::vector<std::string> values) && {
        oneOf = std::move(values);
        return std::move(*this);
    }
    Field&& validatedBy(bool (*valid)(std::string_view), std::string what) && {
        isValidText = valid;
        validTextIs = std::move(what);
        return std::move(*this);
    }
    // The CHECK constraint this field adds to its table, empty when none.
    std::string checkSql() const;
};

// A field of member type M: TEXT NOT NULL DEFAULT '' for a string, a nullable TEXT for an optional
// string, INTEGER NOT NULL DEFAULT 0 for an integer or a flag, a nullable INTEGER for an optional one.
template <class T, class M>
Field<T> field(const char* name, M T::*member) {
    ColumnDef c{name, ColType::Text, false, "", ""};
    if constexpr (std::is_same_v<M, std::string>) c = {name, ColType::Text, true, "''", ""};
    else if constexpr (std::is_same_v<M, std::optional<std::string>>) c = {name, ColType::Text, false, "", ""};
    else if constexpr (std::is_same_v<M, int64_t> || std::is_same_v<M, bool>) c = {name, ColType::Integer, true, "0", ""};
    else if constexpr (std::is_same_v<M, std::optional<int64_t>>) c = {name, ColType::Integer, false, "", ""};
    else static_assert(sizeof(M) == 0, "a field is a string, an integer or a flag, optional or not");
    return Field<T>{c, Member<T>(member)};
}

template <class T>
struct EntityTable {
    const char* table;
    const char* noun;                // "output", "QA activity": for messages
    std::vector<Field<T>> fields;    // every column but id and the stamps, in storage order
    int sinceVersion = 1;            // vault schema version that introduced the table

    const Field<T>* find(const std::string& column) const {
        for (const auto& f : fields)
            if (f.column.name == column) return &f;
        return nullptr;
    }
};

// Defined once per entity in store/EntityTables.cpp.
template <class T>
const EntityTable<T>& entityTable();
template <> const EntityTable<Prompt>& entityTable<Prompt>();
template <> const EntityTable<Output>& entityTable<Output>();
template <> const EntityTable<Model>& entityTable<Model>();
template <> const EntityTable<Agent>& entityTable<Agent>();
template <> const EntityTable<Tag>& entityTable<Tag>();
template <> const EntityTable<QaActivity>& entityTable<QaActivity>();
template <> const EntityTable<Lookup>& entityTable<Lookup>();
template <> const EntityTable<LookupValue>& entityTable<LookupValue>();

// The SQL shape of an entity table: id, the fields, the stamps, the fields stored after the stamps.
template <class T>
TableDef tableDefOf(const EntityTable<T>& e);

// ---- values of fields ---------------------------------------------------------------------------

// Every described column equal (id and stamps aside): an editor's "nothing to save".
template <class T>
bool sameFields(const T& a, const T& b) {
    for (const auto& f : entityTable<T>().fields)
        if (!std::visit([&](auto m) { return a.*m == b.*m; }, f.member)) return false;
    return true;
}

// A field's value as text (integers in decimal, a flag as 0/1), nullopt for NULL: drafts keep fields
// this way.
template <class T>
std::optional<std::string> fieldText(const T& v, const Field<T>& f) {
    return std::visit(
        [&](auto m) -> std::optional<std::string> {
            const auto& x = v.*m;
            using M = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<M, std::string>) return x;
            else if constexpr (std::is_same_v<M, std::optional<std::string>>) return x;
            else if constexpr (std::is_same_v<M, std::optional<int64_t>>) return x ? std::optional<std::string>(std::to_string(*x)) : std::nullopt;
            else return std::to_string(static_cast<int64_t>(x));
        },
        f.member);
}

// The reverse of fieldText. A text that is not a number leaves a numeric field as it was (a draft
// written by a build whose field was text); NULL empties a string.
template <class T>
void setFieldText(T& v, const Field<T>& f, const std::optional<std::string>& text) {
    auto number = [&]() -> std::optional<int64_t> {
        if (!text || text->empty()) return std::nullopt;
        try {
            size_t used = 0;
            int64_t n = std::stoll(*text, &used);
            return used == text->size() ? std::optional<int64_t>(n) : std::nullopt;
        } catch (const std::exception&) {
            return std::nullopt;
        }
    };
    std::visit(
        [&](auto m) {
            auto& x = v.*m;
            using M = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<M, std::string>) x = text.value_or("");
            else if constexpr (std::is_same_v<M, std::optional<std::string>>) x = text;
            else if constexpr (std::is_same_v<M, std::optional<int64_t>>) x = number();
            else if (auto n = number()) x = static_cast<M>(*n);
        },
        f.member);
}

template <class T>
std::map<std::string, std::optional<std::string>> fieldTexts(const T& v) {
    std::map<std::string, std::optional<std::string>> out;
    for (const auto& f : entityTable<T>().fields) out[f.column.name] = fieldText(v, f);
    return out;
}

// Fields missing from `texts` keep their value.
template <class T>
void setFieldTexts(T& v, const std::map<std::string, std::optional<std::string>>& texts) {
    for (const auto& f : entityTable<T>().fields) {
        auto it = texts.find(f.column.name);
        if (it != texts.end()) setFieldText(v, f, it->second);
    }
}

} // namespace pv
