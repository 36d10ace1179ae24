// libFuzzer target: the ChatGPT importer (conversations.json or a zip).
#include "FuzzImport.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return pvfuzz::importOnce(pv::capture::ExportSource::ChatGpt, data, size);
}
