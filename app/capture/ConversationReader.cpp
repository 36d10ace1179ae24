#include "ConversationReader.hpp"

#include "ImportCommon.hpp"

#include <exception>
#include <memory>

using nlohmann::json;

namespace pv::capture {

std::string missingConversationsError(const ExportFiles& files) {
    std::string list;
    for (size_t i = 0; i < files.names().size() && i < 12; ++i) list += (i ? ", " : "") + files.names()[i];
    return files.path() + ": no conversations.json (or conversations-000.json, ...) in this export" +
           (list.empty() ? std::string(" (it is empty)") : " (it holds: " + list + (files.names().size() > 12 ? ", ..." : "") + ")");
}

std::string readConversations(const ExportFiles& files, ExportSource source, ConversationVisitor& v,
                              std::vector<SkippedItem>& skipped, std::vector<std::string>& readFiles, int64_t& repaired,
                              size_t maxConversationBytes) {
    auto names = files.conversationFiles();
    if (names.empty()) return missingConversationsError(files);
    ImportProgress prog;
    std::vector<std::unique_ptr<ByteSource>> sources;
    for (const auto& n : names) {
        try {
            sources.push_back(files.open(n));
            prog.bytesTotal += sources.back()->size();
        } catch (const std::exception& e) {
            sources.push_back(nullptr);
            skipped.push_back({files.where(n), e.what()});
        }
    }
    bool sawConversation = false;
    std::string firstMismatch;
    std::vector<SkippedItem> pending;  // problems seen before the first conversation
    uint64_t doneBefore = 0;
    std::string text;
    json j;
    for (size_t f = 0; f < names.size(); ++f) {
        if (!sources[f]) continue;
        const std::string where = files.where(names[f]);
        readFiles.push_back(names[f]);
        prog.currentFile = names[f];
        ArrayReader reader(*sources[f], where, maxConversationBytes);
        while (!v.stopped()) {
            size_t before = reader.utf8Repairs();
            ArrayReader::Result r;
            try {
                r = reader.next(text);
            } catch (const std::exception& e) {  // a read error in the zip or file
                skipped.push_back({where, e.what()});
                break;
            }
            if (r == ArrayReader::Result::End) {
                if (reader.trailingBytes())
                    skipped.push_back({where + " (offset " + std::to_string(reader.trailingOffset()) + ")",
                                       std::to_string(reader.trailingBytes()) +
                                           " byte(s) after the end of the JSON were not read (two files joined, or a damaged export?)"});
                break;
            }
            if (r == ArrayReader::Result::Error) {
                if (!sawConversation && f == 0 && reader.elementIndex() < 0 && names.size() == 1)
                    return reader.error() + ": not a " + std::string(sourceLabel(source)) + " export";
                skipped.push_back({where, reader.error()});
                break;
            }
            size_t repairs = reader.utf8Repairs() - before;
            const std::string elemWhere = where + ", conversation #" + std::to_string(reader.elementIndex() + 1);
            std::string err;
            if (reader.tooLarge()) {
                (sawConversation ? skipped : pending)
                    .push_back({elemWhere + " (offset " + std::to_string(reader.elementStart()) + ")",
                                "larger than " + std::to_string(reader.maxElementBytes() >> 20) +
                                    " MB, the most one conversation may take: not read"});
                continue;
            }
            if (reader.tooDeep()) {
                (sawConversation ? skipped : pending)
                    .push_back({elemWhere + " (offset " + std::to_string(reader.elementStart()) + ")",
                                "nested more than 256 levels deep: not a conversation"});
                continue;
            }
            if (!parseElement(text, j, err, repairs)) {
                if (!sawConversation && f == 0 && reader.elementIndex() == 0 && reader.singleObject())
                    return where + ": not JSON: " + err;
                (sawConversation ? skipped : pending)
                    .push_back({elemWhere + " (offset " + std::to_string(reader.elementStart()) + ")", "not valid JSON: " + err});
                continue;
            }
            repaired += static_cast<int64_t>(repairs);
            const bool isChatGpt = looksLikeChatGpt(j), isClaude = looksLikeClaude(j);
            const bool fits = source == ExportSource::ChatGpt ? isChatGpt : isClaude;
            if (!fits) {
                // Until one conversation fits, this may not be an export at all: decided at the end.
                if (!sawConversation && firstMismatch.empty()) {
                    if (source == ExportSource::ChatGpt && isClaude)
                        firstMismatch = where + ": this is a Claude export (conversations have 'chat_messages'); use `import claude`";
                    else if (source == ExportSource::Claude && isChatGpt)
                        firstMismatch = where + ": this is a ChatGPT export (conversations have 'mapping'); use `import chatgpt`";
                    else
                        firstMismatch = where + ": not a " + std::string(sourceLabel(source)) + " export: element #" +
                                        std::to_string(reader.elementIndex() + 1) + " has no '" +
                                        (source == ExportSource::ChatGpt ? "mapping" : "chat_messages") + "' (" + keysOf(j) + ")";
                }
                (sawConversation ? skipped : pending)
                    .push_back({elemWhere, std::string("not a ") + sourceLabel(source) + " conversation (" + keysOf(j) + ")"});
                continue;
            }
            Conversation c;
            try {
                if (source == ExportSource::ChatGpt) parseChatGpt(j, c);
                else parseClaude(j, c);
            } catch (const std::exception& e) {
                skipped.push_back({elemWhere, e.what()});
                continue;
            }
            if (!sawConversation) {
                skipped.insert(skipped.end(), pending.begin(), pending.end());
                pending.clear();
            }
            sawConversation = true;
            if (repairs) c.warnings.push_back(std::to_string(repairs) + " invalid UTF-8 sequence(s), lone surrogate(s) or NUL character(s) replaced by U+FFFD");
            j = nullptr;  // free the DOM before writing
            v.conversation(c, elemWhere + " " + quoteTitle(c.title) + " (id " + c.id + ")", text.size());
            ++prog.conversations;
            prog.bytesDone = doneBefore + reader.bytesRead();
            v.progress(prog);
        }
        doneBefore += sources[f]->size() ? sources[f]->size() : reader.bytesRead();
        prog.bytesDone = doneBefore;
        sources[f].reset();
        if (v.stopped()) break;
    }
    v.progress(prog);
    if (!sawConversation && !firstMismatch.empty()) return firstMismatch;
    if (!sawConversation && !pending.empty())
        return pending.front().where + ": " + pending.front().reason + " (no element of the export could be read)";
    return {};
}

} // namespace pv::capture
