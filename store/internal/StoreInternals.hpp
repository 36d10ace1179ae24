#pragma once
// The vault's raw connection, for the store library's own query code (Graph.cpp, UiQueries.cpp,
// the bulk writer) and for tests and benchmarks that stage or inspect rows directly. Only those
// targets have this folder on their include path (store_internals): the app, the CLI, sync and the
// importers reach the vault through Store's functions.
#include "Store.hpp"

namespace pv {

struct StoreInternals {
    static sql::Db& db(Store& store) { return store.m_db; }
};

} // namespace pv
