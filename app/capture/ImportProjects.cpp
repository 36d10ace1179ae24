#include "ImportProjects.hpp"

#include "Conversation.hpp"
#include "ImportCommon.hpp"
#include "JsonStream.hpp"

#include <exception>
#include <vector>

using nlohmann::json;

namespace pv::capture {

// projects.json or projects/*.json: Claude projects, each an agent with its instructions and the
// text of its knowledge documents.
std::unordered_map<std::string, Agent> loadProjects(const ExportFiles& files, ImportReport& report) {
    std::unordered_map<std::string, Agent> out;
    std::vector<std::string> names;
    if (auto p = files.find("projects.json")) names.push_back(*p);
    for (auto& n : files.jsonFilesUnder("projects/")) names.push_back(n);
    for (const auto& name : names) {
        report.files.push_back(name);
        json j;
        try {
            std::string text = files.readSmall(name, kSmallFileLimit);
            size_t repairs = repairUtf8(text);
            report.repairedTexts += static_cast<int64_t>(repairs);
            std::string err;
            if (!parseElement(text, j, err, repairs)) {
                report.skipped.push_back({files.where(name), "not valid JSON, its projects were not imported: " + err});
                continue;
            }
        } catch (const std::exception& e) {
            report.skipped.push_back({files.where(name), e.what()});
            continue;
        }
        std::vector<const json*> projects;
        if (j.is_array()) {
            for (const auto& p : j) projects.push_back(&p);
        } else if (j.is_object()) {
            projects.push_back(&j);
        }
        size_t i = 0;
        for (const json* p : projects) {
            ++i;
            std::string uuid = jsonString(*p, "uuid");
            if (uuid.empty()) {
                report.skipped.push_back({files.where(name) + ", project #" + std::to_string(i), "no uuid: not a Claude project"});
                continue;
            }
            Agent a;
            a.name = jsonString(*p, "name");
            if (a.name.empty()) a.name = "Claude project " + uuid.substr(0, 8);
            a.platform = "claude";
            a.url = "https://claude.ai/project/" + uuid;
            a.description = jsonString(*p, "description");
            a.instructions = jsonString(*p, "prompt_template");
            if (p->contains("docs") && (*p)["docs"].is_array()) {
                for (const auto& d : (*p)["docs"]) {
                    std::string fname = jsonString(d, "filename");
                    appendPara(a.instructions, "## Knowledge: " + (fname.empty() ? std::string("(unnamed)") : fname) + "\n\n" +
                                                   jsonString(d, "content"));
                }
            }
            out[uuid] = std::move(a);
        }
    }
    return out;
}

} // namespace pv::capture
