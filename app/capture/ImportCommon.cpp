#include "ImportCommon.hpp"

#include "Store.hpp"

#include <cerrno>

using nlohmann::json;

namespace pv::capture {

const char* sourceLabel(ExportSource s) {
    return s == ExportSource::ChatGpt ? "ChatGPT" : "Claude";
}

std::string quoteTitle(const std::string& t) {
    return t.empty() ? std::string("(untitled)") : "'" + previewText(t, 60) + "'";
}

std::string keysOf(const json& j) {
    if (!j.is_object()) return std::string("a JSON ") + j.type_name();
    std::string s;
    int n = 0;
    for (auto it = j.begin(); it != j.end() && n < 6; ++it, ++n) s += (n ? ", " : "") + it.key();
    return "keys: " + (s.empty() ? std::string("none") : s);
}

// Problems with the vault itself (full disk, I/O, lock) end the import; bad data only skips.
bool isVaultFailure(const sql::Error& e) {
    switch (e.code() & 0xFF) {
    case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_READONLY:
    case SQLITE_CORRUPT: case SQLITE_NOMEM: case SQLITE_CANTOPEN: case SQLITE_NOTADB:
        return true;
    default:
        return false;
    }
}

// What a vault failure means for the person importing, with SQLite's words after it.
std::string describeVaultFailure(const sql::Error& e) {
    std::string why;
    const int code = e.code() & 0xFF;
    if (e.sysErrno() == EROFS) why = "the vault's file system is read-only";
    else if (e.sysErrno() == ENOSPC) why = "the disk holding the vault is full";
    else if (e.sysErrno() == EDQUOT) why = "the disk quota of the vault's file system is used up";
    else if (code == SQLITE_FULL) why = "the disk holding the vault is full (or the vault reached its size limit)";
    else if (code == SQLITE_READONLY) why = "the vault cannot be written (read-only file or file system)";
    else if (code == SQLITE_BUSY || code == SQLITE_LOCKED) why = "the vault is locked by another program";
    else if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) why = "the vault file is damaged";
    else if (code == SQLITE_NOMEM) why = "out of memory";
    else if (code == SQLITE_IOERR) why = "the vault could not be written (I/O error)";
    else why = "the vault failed";
    return why + " (" + e.what() + ")";
}

} // namespace pv::capture
