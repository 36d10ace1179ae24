// message_feedback.json of a ChatGPT export: the ratings (and their comments) people gave replies.
#pragma once
#include "ExportFiles.hpp"
#include "Import.hpp"

#include <string>
#include <unordered_map>

namespace pv::capture {

struct Feedback {
    int rating = 0;
    std::string text;
};

// By "conversation id/message id". Problems go to report.skipped; the file to report.files.
std::unordered_map<std::string, Feedback> loadFeedback(const ExportFiles& files, ImportReport& report);

} // namespace pv::capture
