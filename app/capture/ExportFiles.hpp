// Where an export's files come from: a .zip read in place (libzip), a folder, or a bare JSON file
// with its siblings. Every file is read as a stream of bytes; nothing is unpacked to disk.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pv::capture {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    // Up to n bytes into buf; 0 at the end. Throws std::runtime_error naming the file on a read error.
    virtual size_t read(char* buf, size_t n) = 0;
    virtual uint64_t size() const = 0;  // uncompressed size, 0 when unknown
};

class ExportFiles {
public:
    // Throws std::runtime_error with what and where when `path` cannot be opened at all.
    explicit ExportFiles(const std::string& path);
    ~ExportFiles();
    ExportFiles(const ExportFiles&) = delete;
    ExportFiles& operator=(const ExportFiles&) = delete;

    const std::string& path() const { return m_path; }
    bool isZip() const { return m_zip != nullptr; }
    // Every file name (relative to the zip root or the folder), for messages.
    const std::vector<std::string>& names() const { return m_names; }
    // conversations.json and conversations-NNN.json, in order.
    std::vector<std::string> conversationFiles() const;
    // The first file whose base name is `base` (e.g. "message_feedback.json").
    std::optional<std::string> find(const std::string& base) const;
    // Files under a folder (e.g. "projects/") ending in ".json".
    std::vector<std::string> jsonFilesUnder(const std::string& folder) const;

    std::unique_ptr<ByteSource> open(const std::string& name) const;
    // Reads a file to its end without keeping it: for a zip entry this checks its CRC and the
    // limits below; throws std::runtime_error saying what is wrong.
    void verify(const std::string& name) const;
    // Names a zip holds more than once, as messages ("conversations.json is in the zip 2 times; ...").
    // Each copy is its own entry in names() ("conversations.json", "conversations.json (copy 2)").
    const std::vector<std::string>& duplicates() const { return m_duplicates; }
    // Whole small file (feedback, projects): refused above maxBytes with a clear message.
    std::string readSmall(const std::string& name, uint64_t maxBytes) const;
    // "export.zip:conversations.json" or the file path, for messages.
    std::string where(const std::string& name) const;

private:
    struct Zip;
    std::string m_path;
    std::string m_dir;               // folder holding the files (folder or bare-file mode)
    std::unique_ptr<Zip> m_zip;
    std::vector<std::string> m_names;
    std::string m_singleFile;        // bare-file mode: the file the person named
    struct Entry {
        std::string name;  // as stored in the zip
        uint64_t index;    // its entry number
    };
    std::vector<std::pair<std::string, Entry>> m_entries;  // zip mode: display name -> entry, sorted by display name
    std::vector<std::string> m_duplicates;
    const Entry* entry(const std::string& display) const;
};

// Zip entries (README "Bad input"): reading stops with an error once an entry has given more bytes
// than its header declares, or more than kZipMaxRatio times its compressed size past
// kZipRatioFloor bytes (a zip bomb), or more than kZipMaxEntryBytes in all.
constexpr uint64_t kZipMaxRatio = 200;
constexpr uint64_t kZipRatioFloor = 64ull << 20;
constexpr uint64_t kZipMaxEntryBytes = 16ull << 30;

// True for "conversations.json" and "conversations-000.json"-style base names.
bool isConversationFileName(const std::string& base);

} // namespace pv::capture
