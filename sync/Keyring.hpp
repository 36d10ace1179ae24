// The PostgreSQL password in the desktop keyring (the Secret Service: GNOME Keyring, KWallet),
// keyed by the server's host, port, database and user, so it is kept like the person's other
// passwords and never in the vault. Only a session that has a D-Bus session bus is asked: without
// one (a server, a CI job) the keyring is simply not available.
#pragma once
#include <optional>
#include <string>

namespace pv::sync::keyring {

// Whether a Secret Service answers on this session's bus; `why` says why not.
bool available(std::string* why = nullptr);
// Keeps `password` for the server `conninfo` names (its own password, if any, is ignored),
// replacing one kept for the same host, port, database and user. Throws PgError with a message.
void store(const std::string& conninfo, const std::string& password);
// The password kept for that server, if any (nullopt too when no keyring is available).
std::optional<std::string> lookup(const std::string& conninfo);
// Forgets it; true when one was kept.
bool forget(const std::string& conninfo);

} // namespace pv::sync::keyring
