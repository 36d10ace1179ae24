// Shared body of the importer fuzz targets: the input is written as a conversations.json (or a
// zip when it starts with "PK") and imported as a dry run into one vault, so every run sees the
// same empty vault. Any exception escaping runImport is a bug: it must report, not throw.
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

inline int importOnce(pv::capture::ExportSource source, const uint8_t* data, size_t size) {
    static const std::string dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("pv-fuzz-" + std::to_string(getpid()));
        std::filesystem::create_directories(d);
        return d.string();
    }();
    static std::unique_ptr<pv::Store> store = std::make_unique<pv::Store>(dir + "/vault.db");
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
