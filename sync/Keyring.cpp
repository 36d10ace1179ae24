#include "Keyring.hpp"

#include "Pg.hpp"

#include <libsecret/secret.h>

#include <cstdlib>
#include <memory>

namespace pv::sync::keyring {
namespace {

const SecretSchema* schema() {
    static const SecretSchema s = {"org.promptvault.PostgreSQL",
                                   SECRET_SCHEMA_NONE,
                                   {{"host", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                    {"port", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                    {"dbname", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                    {"user", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                    {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING}},
                                   0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
    return &s;
}

struct ErrorFree {
    void operator()(GError* e) const { g_error_free(e); }
};
using ErrorPtr = std::unique_ptr<GError, ErrorFree>;

// libsecret would otherwise try to start a bus through X11 (dbus-launch), or wait on one that is
// not there: only a session that has a bus is asked.
bool hasSessionBus() {
    const char* bus = std::getenv("DBUS_SESSION_BUS_ADDRESS");
    return bus && *bus;
}

} // namespace

bool available(std::string* why) {
    if (!hasSessionBus()) {
        if (why) *why = "no desktop session bus (DBUS_SESSION_BUS_ADDRESS is not set)";
        return false;
    }
    GError* raw = nullptr;
    SecretService* service = secret_service_get_sync(SECRET_SERVICE_OPEN_SESSION, nullptr, &raw);
    ErrorPtr err(raw);
    if (!service) {
        if (why) *why = std::string("no keyring answers: ") + (err ? err->message : "unknown error");
        return false;
    }
    g_object_unref(service);
    return true;
}

void store(const std::string& conninfo, const std::string& password) {
    if (std::string why; !available(&why)) throw PgError("cannot keep the password in the desktop keyring: " + why, false);
    const ServerKey k = serverKeyOf(conninfo);
    const std::string label = "Promptvault: PostgreSQL " + (k.user.empty() ? std::string() : k.user + "@") +
                              (k.host.empty() ? std::string("localhost") : k.host) + (k.port.empty() ? "" : ":" + k.port) +
                              (k.dbname.empty() ? "" : "/" + k.dbname);
    GError* raw = nullptr;
    const gboolean ok = secret_password_store_sync(schema(), SECRET_COLLECTION_DEFAULT, label.c_str(), password.c_str(), nullptr, &raw, "host",
                                                   k.host.c_str(), "port", k.port.c_str(), "dbname", k.dbname.c_str(), "user",
                                                   k.user.c_str(), nullptr);
    ErrorPtr err(raw);
    if (!ok) throw PgError(std::string("the desktop keyring did not keep the password: ") + (err ? err->message : "unknown error"), false);
}

std::optional<std::string> lookup(const std::string& conninfo) {
    if (!hasSessionBus()) return std::nullopt;
    ServerKey k;
    try {
        k = serverKeyOf(conninfo);
    } catch (const PgError&) {
        return std::nullopt;  // the connection reports the bad string itself
    }
    GError* raw = nullptr;
    gchar* pw = secret_password_lookup_sync(schema(), nullptr, &raw, "host", k.host.c_str(), "port", k.port.c_str(), "dbname",
                                            k.dbname.c_str(), "user", k.user.c_str(), nullptr);
    ErrorPtr err(raw);
    if (!pw) return std::nullopt;
    std::string out = pw;
    secret_password_free(pw);
    return out;
}

bool forget(const std::string& conninfo) {
    if (!hasSessionBus()) return false;
    const ServerKey k = serverKeyOf(conninfo);
    GError* raw = nullptr;
    const gboolean removed = secret_password_clear_sync(schema(), nullptr, &raw, "host", k.host.c_str(), "port", k.port.c_str(), "dbname",
                                                        k.dbname.c_str(), "user", k.user.c_str(), nullptr);
    ErrorPtr err(raw);
    return removed;
}

} // namespace pv::sync::keyring
