#include "ExportFiles.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>

#ifdef PV_HAVE_LIBZIP
#include <zip.h>
#endif

namespace fs = std::filesystem;

namespace pv::capture {

namespace {

std::string baseName(const std::string& name) {
    auto slash = name.find_last_of('/');
    return slash == std::string::npos ? name : name.substr(slash + 1);
}

class FileSource : public ByteSource {
public:
    explicit FileSource(const std::string& path) : m_path(path) {
        m_f = std::fopen(path.c_str(), "rb");
        if (!m_f) throw std::runtime_error(path + ": cannot open (" + std::strerror(errno) + ")");
        std::error_code ec;
        m_size = fs::file_size(path, ec);
        if (ec) m_size = 0;
    }
    ~FileSource() override {
        if (m_f) std::fclose(m_f);
    }
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;
    size_t read(char* buf, size_t n) override {
        size_t got = std::fread(buf, 1, n, m_f);
        if (got == 0 && std::ferror(m_f)) throw std::runtime_error(m_path + ": read error (" + std::strerror(errno) + ")");
        return got;
    }
    uint64_t size() const override { return m_size; }

private:
    std::string m_path;
    std::FILE* m_f = nullptr;
    uint64_t m_size = 0;
};

} // namespace

bool isConversationFileName(const std::string& base) {
    if (base == "conversations.json") return true;
    const std::string pre = "conversations-";
    if (base.size() <= pre.size() + 5 || base.compare(0, pre.size(), pre) != 0) return false;
    if (base.compare(base.size() - 5, 5, ".json") != 0) return false;
    for (size_t i = pre.size(); i < base.size() - 5; ++i)
        if (base[i] < '0' || base[i] > '9') return false;
    return true;
}

#ifdef PV_HAVE_LIBZIP
struct ExportFiles::Zip {
    zip_t* z = nullptr;
    ~Zip() {
        if (z) zip_discard(z);  // read-only: nothing to write back
    }
};

namespace {
class ZipEntrySource : public ByteSource {
public:
    ZipEntrySource(zip_t* z, zip_uint64_t index, const std::string& where) : m_where(where) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(z, index, 0, &st) == 0) {
            if (st.valid & ZIP_STAT_SIZE) m_size = st.size, m_sizeKnown = true;
            if (st.valid & ZIP_STAT_COMP_SIZE) m_compSize = st.comp_size;
        }
        m_f = zip_fopen_index(z, index, 0);
        if (!m_f) throw std::runtime_error(where + ": cannot open inside the zip (" + zip_strerror(z) + ")");
    }
    ~ZipEntrySource() override {
        if (m_f) zip_fclose(m_f);
    }
    ZipEntrySource(const ZipEntrySource&) = delete;
    ZipEntrySource& operator=(const ZipEntrySource&) = delete;
    size_t read(char* buf, size_t n) override {
        zip_int64_t got = zip_fread(m_f, buf, n);
        if (got < 0) {
            std::string why = zip_file_strerror(m_f);
            if (zip_error_code_zip(zip_file_get_error(m_f)) == ZIP_ER_CRC)
                throw std::runtime_error(m_where + ": damaged: its data does not match the zip's checksum (CRC error); nothing of it is imported");
            throw std::runtime_error(m_where + ": read error in the zip (" + why + ")");
        }
        m_read += static_cast<uint64_t>(got);
        if (m_sizeKnown && m_read > m_size)
            throw std::runtime_error(m_where + ": damaged: gives more than the " + std::to_string(m_size) + " bytes its zip header declares");
        if (m_read > kZipRatioFloor && m_read / kZipMaxRatio > m_compSize)
            throw std::runtime_error(m_where + ": refused: inflates to more than " + std::to_string(kZipMaxRatio) + " times its " +
                                     std::to_string(m_compSize) + " compressed bytes (a zip bomb?)");
        if (m_read > kZipMaxEntryBytes)
            throw std::runtime_error(m_where + ": refused: larger than " + std::to_string(kZipMaxEntryBytes >> 30) + " GB");
        return static_cast<size_t>(got);
    }
    uint64_t size() const override { return m_size; }

private:
    std::string m_where;
    zip_file_t* m_f = nullptr;
    uint64_t m_size = 0, m_compSize = UINT64_MAX, m_read = 0;  // compressed size unknown: no ratio check
    bool m_sizeKnown = false;
};
} // namespace
#else
struct ExportFiles::Zip {};
#endif

ExportFiles::ExportFiles(const std::string& path) : m_path(path) {
    std::error_code ec;
    auto st = fs::status(path, ec);
    if (ec || !fs::exists(st)) throw std::runtime_error(path + ": no such file or folder");
    if (fs::is_directory(st)) {
        m_dir = path;
        for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (it->is_regular_file()) m_names.push_back(fs::relative(it->path(), path).generic_string());
        }
        std::sort(m_names.begin(), m_names.end());
        return;
    }
    // A zip starts with "PK\3\4" (or "PK\5\6" when empty).
    char magic[4] = {};
    {
        FileSource f(path);
        size_t got = f.read(magic, 4);
        if (got == 4 && magic[0] == 'P' && magic[1] == 'K' && (magic[2] == 3 || magic[2] == 5)) {
#ifdef PV_HAVE_LIBZIP
            int err = 0;
            zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
            if (!z) {
                zip_error_t ze;
                zip_error_init_with_code(&ze, err);
                std::string msg = path + ": not a readable zip (" + zip_error_strerror(&ze) + ")";
                zip_error_fini(&ze);
                throw std::runtime_error(msg);
            }
            m_zip = std::make_unique<Zip>();
            m_zip->z = z;
            zip_int64_t n = zip_get_num_entries(z, 0);
            std::map<std::string, int> copies;
            for (zip_int64_t i = 0; i < n; ++i) {
                const char* name = zip_get_name(z, static_cast<zip_uint64_t>(i), 0);
                if (!name || !name[0] || name[std::strlen(name) - 1] == '/') continue;
                // A name stored twice is two entries: each is read, under its own display name.
                const int copy = ++copies[name];
                std::string display = copy == 1 ? std::string(name) : std::string(name) + " (copy " + std::to_string(copy) + ")";
                m_entries.push_back({display, Entry{name, static_cast<uint64_t>(i)}});
                m_names.push_back(display);
            }
            for (const auto& [name, count] : copies)
                if (count > 1)
                    m_duplicates.push_back(path + ": holds '" + name + "' " + std::to_string(count) + " times; each copy was read");
            std::sort(m_names.begin(), m_names.end());
            std::sort(m_entries.begin(), m_entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
            return;
#else
            throw std::runtime_error(path + ": is a zip, but this build has no libzip; unpack it and give conversations.json");
#endif
        }
    }
    // A bare file: it is the conversations file; siblings of the same export sit next to it.
    fs::path p(path);
    m_dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
    m_singleFile = p.filename().string();
    m_names.push_back(m_singleFile);
    for (auto it = fs::directory_iterator(m_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        std::string b = it->path().filename().string();
        if (b == m_singleFile) continue;
        if (isConversationFileName(b) && !isConversationFileName(m_singleFile)) continue;  // a renamed file stands alone
        if (isConversationFileName(b) || b == "message_feedback.json" || b == "projects.json") m_names.push_back(b);
    }
    if (fs::is_directory(fs::path(m_dir) / "projects", ec)) {
        for (auto it = fs::directory_iterator(fs::path(m_dir) / "projects", ec); !ec && it != fs::directory_iterator(); it.increment(ec))
            if (it->is_regular_file()) m_names.push_back("projects/" + it->path().filename().string());
    }
    std::sort(m_names.begin(), m_names.end());
}

ExportFiles::~ExportFiles() = default;

const ExportFiles::Entry* ExportFiles::entry(const std::string& display) const {
    auto it = std::lower_bound(m_entries.begin(), m_entries.end(), display, [](const auto& e, const std::string& d) { return e.first < d; });
    return it != m_entries.end() && it->first == display ? &it->second : nullptr;
}

std::vector<std::string> ExportFiles::conversationFiles() const {
    std::vector<std::string> out;
    if (!m_singleFile.empty() && !isConversationFileName(m_singleFile)) return {m_singleFile};
    for (const auto& n : m_names) {
        const Entry* e = m_zip ? entry(n) : nullptr;
        const std::string& stored = e ? e->name : n;
        if (isConversationFileName(baseName(stored)) && stored.find("__MACOSX") == std::string::npos) out.push_back(n);
    }
    // conversations.json first, then -000, -001, ... (names sort that way already except the plain one)
    std::stable_sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
        bool pa = baseName(a).rfind("conversations.json", 0) == 0, pb = baseName(b).rfind("conversations.json", 0) == 0;
        if (pa != pb) return pa;
        return a < b;
    });
    return out;
}

std::optional<std::string> ExportFiles::find(const std::string& base) const {
    for (const auto& n : m_names)
        if (baseName(n) == base && n.find("__MACOSX") == std::string::npos) return n;
    return std::nullopt;
}

std::vector<std::string> ExportFiles::jsonFilesUnder(const std::string& folder) const {
    std::vector<std::string> out;
    for (const auto& n : m_names) {
        auto pos = n.find(folder);
        if (pos == std::string::npos || (pos != 0 && n[pos - 1] != '/')) continue;
        if (n.size() > 5 && n.compare(n.size() - 5, 5, ".json") == 0 && n.find("__MACOSX") == std::string::npos) out.push_back(n);
    }
    return out;
}

std::unique_ptr<ByteSource> ExportFiles::open(const std::string& name) const {
#ifdef PV_HAVE_LIBZIP
    if (m_zip) {
        const Entry* e = entry(name);
        if (!e) throw std::runtime_error(where(name) + ": no such file in the zip");
        return std::make_unique<ZipEntrySource>(m_zip->z, e->index, where(name));
    }
#endif
    return std::make_unique<FileSource>((fs::path(m_dir) / name).string());
}

void ExportFiles::verify(const std::string& name) const {
    auto src = open(name);
    std::vector<char> buf(1 << 20);
    while (src->read(buf.data(), buf.size()) > 0) {
    }
}

std::string ExportFiles::readSmall(const std::string& name, uint64_t maxBytes) const {
    auto src = open(name);
    if (src->size() > maxBytes)
        throw std::runtime_error(where(name) + ": " + std::to_string(src->size()) + " bytes is more than the " +
                                 std::to_string(maxBytes) + " this file may hold");
    std::string out;
    char buf[65536];
    for (size_t got; (got = src->read(buf, sizeof buf)) > 0;) {
        out.append(buf, got);
        if (out.size() > maxBytes) throw std::runtime_error(where(name) + ": larger than " + std::to_string(maxBytes) + " bytes");
    }
    return out;
}

std::string ExportFiles::where(const std::string& name) const {
    if (m_zip) return m_path + ":" + name;
    return (fs::path(m_dir) / name).string();
}

} // namespace pv::capture
