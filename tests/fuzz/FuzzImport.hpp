// Shared body of the importer fuzz targets: the input is written as a conversations.json (or a
// zip when it starts with "PK") and imported as a dry run, then for real, into a vault of the
// target's own. Any exception escaping runImport is a bug: it must report, not throw.
//
// The vault is opened with small checkpoint limits, so the checkpoint thread (store/Checkpointer)
// and its connection run within seconds rather than after hours, and it is closed and made anew
// every kRunsPerVault inputs (or once its files pass kMaxVaultBytes): the Store, its checkpoint
// thread and that thread's connection are then torn down under LeakSanitizer again and again, and
// the vault never grows without bound on a run of hours.
#pragma once
#include "capture/Import.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

namespace pvfuzz {

constexpr int kRunsPerVault = 500;
constexpr uintmax_t kMaxVaultBytes = 32u << 20;

inline int importOnce(pv::capture::ExportSource source, const uint8_t* data, size_t size) {
    static const std::string dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("pv-fuzz-" + std::to_string(getpid()));
        std::filesystem::create_directories(d);
        return d.string();
    }();
    static std::unique_ptr<pv::Store> store;
    static int runs = 0;
    const std::string vault = dir + "/vault.db";
    auto bytesOf = [](const std::string& p) {
        std::error_code ec;
        auto n = std::filesystem::file_size(p, ec);
        return ec ? uintmax_t{0} : n;
    };
    if (!store || ++runs % kRunsPerVault == 0 || bytesOf(vault) + bytesOf(vault + "-wal") > kMaxVaultBytes) {
        store.reset();  // joins the checkpoint thread, closes both connections
        for (const char* ext : {"", "-wal", "-shm"}) std::remove((vault + ext).c_str());
        pv::OpenOptions options;
        options.checkpoint.startBytes = 256 << 10;
        options.checkpoint.inlineBytes = 4 << 20;
        store = std::make_unique<pv::Store>(vault, options);
    }
    const bool zip = size >= 2 && data[0] == 'P' && data[1] == 'K';
    const std::string path = dir + (zip ? "/export.zip" : "/conversations.json");
    std::remove((dir + "/export.zip").c_str());
    std::remove((dir + "/conversations.json").c_str());
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        if (size) std::fwrite(data, 1, size, f);
        std::fclose(f);
    } else {
        std::abort();
    }
    pv::capture::ImportOptions o;
    o.source = source;
    o.path = path;
    o.dryRun = true;
    auto report = pv::capture::runImport(*store, o);
    (void)pv::capture::formatReport(report);
    o.dryRun = false;  // also the real write path, then the preview
    o.batchConversations = 2;
    auto real = pv::capture::runImport(*store, o);
    (void)real;
    (void)pv::capture::previewExport(o, 3);
    return 0;
}

} // namespace pvfuzz
