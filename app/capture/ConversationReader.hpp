// Reading an export's conversations files element by element, each conversation parsed and handed
// to a visitor.
#pragma once
#include "Conversation.hpp"
#include "ExportFiles.hpp"
#include "Import.hpp"
#include "JsonStream.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pv::capture {

// What readConversations calls: for each parsed conversation, and with progress after each.
class ConversationVisitor {
public:
    virtual ~ConversationVisitor() = default;
    virtual bool stopped() = 0;
    virtual void conversation(Conversation& c, const std::string& where, size_t bytes) = 0;
    virtual void progress(const ImportProgress& p) = 0;
};

// The fatal error of an export without a conversations file.
std::string missingConversationsError(const ExportFiles& files);

// Reads every conversation of every conversations file, calling `v` for each parsed one.
// Problems go to `skipped`; returns a fatal message when the very first element shows that this
// is not an export of the expected kind (then v.conversation was never called), or when there is
// no conversations file (missingConversationsError).
std::string readConversations(const ExportFiles& files, ExportSource source, ConversationVisitor& v,
                              std::vector<SkippedItem>& skipped, std::vector<std::string>& readFiles, int64_t& repaired,
                              size_t maxConversationBytes = kMaxElementBytes);

} // namespace pv::capture
