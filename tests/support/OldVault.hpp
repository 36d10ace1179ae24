// Vaults as older builds left them, for migration tests.
#pragma once
#include "Sqlite.hpp"

namespace pv::test {

// Migrates an empty file to schema version 4 and puts back version 4's triggers where version 5
// changed them: an insert's change entry copies every value (json_object) instead of naming the
// columns, and the outputs insert counter has no pause. Writes made afterwards are logged exactly
// as a version-4 build logged them.
void makeVersion4(sql::Db& db);

} // namespace pv::test
