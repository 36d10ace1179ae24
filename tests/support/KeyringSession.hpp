// A desktop keyring of its own for a test: a private D-Bus session bus and GNOME Keyring's Secret
// Service on it, with its keyrings in a temp folder, set as this process's session bus for as long
// as the object lives. The person's own keyring is never touched. Never a mock.
#pragma once
#include "TestUtil.hpp"

#include <string>

namespace pv::test {

class KeyringSession {
public:
    KeyringSession();
    ~KeyringSession();
    KeyringSession(const KeyringSession&) = delete;
    KeyringSession& operator=(const KeyringSession&) = delete;

    // One per test executable, started on first use: libsecret keeps its connection to the first
    // bus it met for the life of the process.
    static KeyringSession& shared();

    const std::string& busAddress() const { return m_address; }

private:
    TempDir m_home;
    std::string m_address;
    int m_busPid = 0;
    std::string m_savedAddress;
    bool m_hadAddress = false;
};

} // namespace pv::test
