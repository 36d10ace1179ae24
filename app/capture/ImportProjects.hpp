// projects.json or projects/*.json of a Claude export: the projects, each an agent.
#pragma once
#include "Entities.hpp"
#include "ExportFiles.hpp"
#include "Import.hpp"

#include <string>
#include <unordered_map>

namespace pv::capture {

// By project uuid. Problems go to report.skipped, repairs to report.repairedTexts, files to report.files.
std::unordered_map<std::string, Agent> loadProjects(const ExportFiles& files, ImportReport& report);

} // namespace pv::capture
