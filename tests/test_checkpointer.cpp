// Checkpointer: the write-ahead log is copied back into the vault file off the writer's thread,
// and stays bounded when that thread falls behind.
#include "Store.hpp"
#include "TestUtil.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace pv;
using pv::test::TempDir;

namespace {

constexpr int64_t kMB = 1 << 20;

// One transaction of `n` outputs of about 8 KB each (about 1.6 MB of text at n = 200).
void writeBatch(Store& store, int batch, int n) {
    std::vector<Output> outputs(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        auto& o = outputs[static_cast<size_t>(i)];
        o.source = "manual";
        o.output = "batch " + std::to_string(batch) + " output " + std::to_string(i) + " ";
        while (o.output.size() < 8000) o.output += "word" + std::to_string(o.output.size() % 97) + " ";
    }
    store.transaction([&] { store.createOutputs(outputs); });
}

int64_t fileSize(const std::string& path) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path, ec);
    return ec ? 0 : static_cast<int64_t>(n);
}

} // namespace

TEST_CASE("a writable vault's log is copied back by a thread of its own while commits go on") {
    TempDir dir;
    const std::string path = dir.file("v.db");
    {
        Store store(path, {.checkpoint = {.startBytes = 1 * kMB, .inlineBytes = 512 * kMB}});
        for (int b = 0; b < 20; ++b) writeBatch(store, b, 200);
        store.waitForCheckpoints();
        const auto s = store.checkpointStats();
        CHECK(s.lastError.empty());
        CHECK(s.backgroundPasses > 0);
        CHECK(s.inlinePasses == 0);
        CHECK(s.cpuSeconds > 0);
        CHECK(s.busySeconds >= s.cpuSeconds * 0.5);
        // The last pass started after the last commit: everything in the log is in the file.
        CHECK(s.lastLogFrames > 0);
        CHECK(s.lastCopiedFrames == s.lastLogFrames);
        // ~32 MB of text went in; SQLite's own checkpoint would not have run before 1000 pages
        // (64 MB here), so the file holds it only because the thread copied it.
        CHECK(fileSize(path) > 32 * kMB);
        CHECK(store.countOutputs({}) == 4000);
        // One transaction of 8 MB leaves a log file at least that large; once copied, the next
        // write restarts the log and cuts the file back to the size limit (startBytes).
        writeBatch(store, 98, 1000);
        store.waitForCheckpoints();
        CHECK(fileSize(path + "-wal") > 8 * kMB);
        writeBatch(store, 99, 1);
        CHECK(fileSize(path + "-wal") <= 2 * kMB);
    }
    Store reopened(path);
    CHECK(reopened.countOutputs({}) == 5001);
}

// A smoke test: the destructor may meet the thread idle or mid-pass; either way nothing is lost.
TEST_CASE("closing a vault right after large writes (a copy may be under way) loses nothing") {
    TempDir dir;
    const std::string path = dir.file("v.db");
    for (int round = 0; round < 3; ++round) {
        Store store(path, {.checkpoint = {.startBytes = 1 * kMB, .inlineBytes = 512 * kMB}});
        for (int b = 0; b < 4; ++b) writeBatch(store, round * 10 + b, 200);
        // No wait: the destructor meets the thread at any point of a pass.
    }
    Store reopened(path);
    CHECK(reopened.countOutputs({}) == 2400);
    CHECK(reopened.search("batch", 10).size() == 10);
}

TEST_CASE("past the inline limit the committing writer checkpoints itself, and the log stays bounded") {
    TempDir dir;
    const std::string path = dir.file("v.db");
    Store store(path, {.checkpoint = {.startBytes = 2 * kMB, .inlineBytes = 2 * kMB}});
    int64_t largestLog = 0;
    for (int b = 0; b < 30; ++b) {
        writeBatch(store, b, 200);
        largestLog = std::max(largestLog, fileSize(path + "-wal"));
    }
    const auto s = store.checkpointStats();
    CHECK(s.lastError.empty());
    CHECK(s.inlinePasses > 0);
    CHECK(s.backgroundPasses == 0);
    // About 48 MB went through a log that never held more than a few transactions.
    CHECK(largestLog > 0);
    CHECK(largestLog < 16 * kMB);
    CHECK(store.countOutputs({}) == 6000);
}

TEST_CASE("a read-only vault has no checkpointer") {
    TempDir dir;
    const std::string path = dir.file("v.db");
    {
        Store store(path);
        writeBatch(store, 0, 10);
    }
    Store ro(path, {.readOnly = true});
    ro.waitForCheckpoints();  // returns at once
    CHECK(ro.checkpointStats().backgroundPasses == 0);
    CHECK(ro.countOutputs({}) == 10);
}
