#include "KeyringSession.hpp"

#include <csignal>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>

namespace pv::test {

KeyringSession::KeyringSession() {
    if (const char* a = std::getenv("DBUS_SESSION_BUS_ADDRESS")) m_hadAddress = true, m_savedAddress = a;
    ::mkdir(m_home.file("run").c_str(), 0700);
    // Everything on the bus (the keyring daemon, or one the bus starts on demand) lives in the temp home.
    const std::string home = "HOME=" + shellQuote(m_home.path().string()) + " XDG_DATA_HOME=" + shellQuote(m_home.file("data")) +
                             " XDG_RUNTIME_DIR=" + shellQuote(m_home.file("run"));
    // The bus forks into the background and prints its address and pid.
    auto bus = runCommand(home + " dbus-daemon --session --fork --print-address=1 --print-pid=1");
    if (bus.exitCode != 0) throw std::runtime_error("dbus-daemon did not start: " + bus.err);
    std::istringstream lines(bus.out);
    std::string pid;
    std::getline(lines, m_address);
    std::getline(lines, pid);
    if (m_address.empty() || pid.empty()) throw std::runtime_error("dbus-daemon printed no address: " + bus.out);
    m_busPid = std::stoi(pid);
    ::setenv("DBUS_SESSION_BUS_ADDRESS", m_address.c_str(), 1);
    // An unlocked login keyring (the default collection) in the temp home; the daemon leaves
    // with the bus.
    auto keyring = runCommand(home + " DBUS_SESSION_BUS_ADDRESS=" + shellQuote(m_address) + " gnome-keyring-daemon --unlock --components=secrets", "test-login-password");
    if (keyring.exitCode != 0) throw std::runtime_error("gnome-keyring-daemon did not start: " + keyring.err);
}

KeyringSession& KeyringSession::shared() {
    static KeyringSession session;
    ::setenv("DBUS_SESSION_BUS_ADDRESS", session.m_address.c_str(), 1);  // again, should a test have cleared it
    return session;
}

KeyringSession::~KeyringSession() {
    if (m_hadAddress) ::setenv("DBUS_SESSION_BUS_ADDRESS", m_savedAddress.c_str(), 1);
    else ::unsetenv("DBUS_SESSION_BUS_ADDRESS");
    if (m_busPid > 0) ::kill(m_busPid, SIGTERM);
}

} // namespace pv::test
