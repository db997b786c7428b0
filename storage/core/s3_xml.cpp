#include "storage/core/s3_xml.hpp"

#include "storage/core/upload_plan.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace roomrec::storage {
namespace {

constexpr size_t kMaxDocument = 8 << 20; // a page of 1,000 parts is ~150 KB
constexpr int kMaxDepth = 16;            // S3 answers nest 3 deep
constexpr size_t kMaxElements = 100000;
constexpr size_t kMaxValue = 1024;  // ids, ETags, codes
constexpr size_t kMaxMessage = 512; // error messages are cut here

struct Element {
    std::string name; // local name (namespace prefix dropped)
    std::string text; // the element's own character data, unescaped
    std::vector<Element> children;

    const Element *child(std::string_view wanted) const {
        for (const Element &c : children)
            if (c.name == wanted) return &c;
        return nullptr;
    }
};

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool name_char(char c) { return name_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.'; }
bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void append_utf8(std::string &out, uint32_t code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xc0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xe0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (code & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (code & 0x3f));
    }
}

bool decode_char_reference(std::string_view body, std::string &out) {
    // body is what stands between "&#" and ";"
    int base = 10;
    if (!body.empty() && (body[0] == 'x' || body[0] == 'X')) {
        base = 16;
        body.remove_prefix(1);
    }
    uint32_t code = 0;
    if (body.empty() || body.size() > 8) return false;
    const auto parsed = std::from_chars(body.data(), body.data() + body.size(), code, base);
    if (parsed.ec != std::errc() || parsed.ptr != body.data() + body.size()) return false;
    if (code == 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    append_utf8(out, code);
    return true;
}

class Parser {
public:
    explicit Parser(std::string_view document) : s_(document) {}

    std::optional<Element> document(std::string &error) {
        if (s_.size() > kMaxDocument) return fail(error, "XML answer larger than 8 MiB");
        if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3; // UTF-8 byte order mark
        if (!skip_misc()) return fail(error, error_);
        Element root;
        if (!element(root, 1) || !skip_misc()) return fail(error, error_);
        if (pos_ != s_.size()) return fail(error, "XML: content after the root element");
        return root;
    }

private:
    std::optional<Element> fail(std::string &error, const std::string &reason) {
        error = reason.empty() ? "XML: malformed" : reason;
        return std::nullopt;
    }
    bool bad(const std::string &reason) {
        error_ = "XML: " + reason + " at byte " + std::to_string(pos_);
        return false;
    }
    bool starts(std::string_view prefix) const { return s_.substr(pos_, prefix.size()) == prefix; }
    void skip_space() {
        while (pos_ < s_.size() && space(s_[pos_])) ++pos_;
    }
    bool skip_past(std::string_view end, const char *what) {
        const size_t at = s_.find(end, pos_);
        if (at == std::string_view::npos) return bad(std::string("unterminated ") + what);
        pos_ = at + end.size();
        return true;
    }

    // Whitespace, comments and processing instructions (the <?xml ...?> declaration) around
    // the root. A DOCTYPE is refused: S3 never sends one, and entity definitions are how
    // hostile XML expands.
    bool skip_misc() {
        for (;;) {
            skip_space();
            if (starts("<?")) {
                if (!skip_past("?>", "processing instruction")) return false;
            } else if (starts("<!--")) {
                if (!skip_past("-->", "comment")) return false;
            } else if (starts("<!")) {
                return bad("DOCTYPE and declarations are not accepted");
            } else {
                return true;
            }
        }
    }

    bool name(std::string &out) {
        const size_t begin = pos_;
        if (pos_ >= s_.size() || !name_start(s_[pos_])) return bad("expected a name");
        while (pos_ < s_.size() && name_char(s_[pos_])) ++pos_;
        std::string_view full = s_.substr(begin, pos_ - begin);
        const size_t colon = full.rfind(':');
        out = std::string(colon == std::string_view::npos ? full : full.substr(colon + 1));
        return true;
    }

    bool text(char stop, std::string &out) {
        const size_t begin = pos_;
        while (pos_ < s_.size() && s_[pos_] != stop && s_[pos_] != '<') ++pos_;
        std::string reason;
        const auto decoded = xml_unescape(s_.substr(begin, pos_ - begin), reason);
        if (!decoded) return bad(reason);
        out += *decoded;
        return true;
    }

    bool attributes(bool &empty_element) {
        for (;;) {
            const size_t before = pos_;
            skip_space();
            if (starts("/>")) {
                pos_ += 2;
                empty_element = true;
                return true;
            }
            if (starts(">")) {
                ++pos_;
                empty_element = false;
                return true;
            }
            if (pos_ == before) return bad("expected whitespace, '>' or '/>' in a tag");
            std::string ignored;
            if (!name(ignored)) return false;
            skip_space();
            if (!starts("=")) return bad("expected '=' after an attribute name");
            ++pos_;
            skip_space();
            if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) return bad("expected a quoted value");
            const char quote = s_[pos_++];
            std::string value;
            if (!text(quote, value)) return false;
            if (pos_ >= s_.size() || s_[pos_] != quote) return bad("unterminated attribute value");
            ++pos_;
        }
    }

    bool element(Element &out, int depth) {
        if (depth > kMaxDepth) return bad("nested deeper than " + std::to_string(kMaxDepth));
        if (++elements_ > kMaxElements) return bad("more than " + std::to_string(kMaxElements) + " elements");
        if (!starts("<")) return bad("expected '<'");
        ++pos_;
        if (!name(out.name)) return false;
        bool empty_element = false;
        if (!attributes(empty_element)) return false;
        if (empty_element) return true;
        for (;;) {
            if (pos_ >= s_.size()) return bad("unterminated element <" + out.name.substr(0, 64) + ">");
            if (starts("</")) {
                pos_ += 2;
                std::string closing;
                if (!name(closing)) return false;
                if (closing != out.name)
                    return bad("</" + closing.substr(0, 64) + "> closes <" + out.name.substr(0, 64) + ">");
                skip_space();
                if (!starts(">")) return bad("expected '>'");
                ++pos_;
                return true;
            }
            if (starts("<!--")) {
                if (!skip_past("-->", "comment")) return false;
            } else if (starts("<![CDATA[")) {
                pos_ += 9;
                const size_t end = s_.find("]]>", pos_);
                if (end == std::string_view::npos) return bad("unterminated CDATA");
                out.text += s_.substr(pos_, end - pos_);
                pos_ = end + 3;
            } else if (starts("<?")) {
                if (!skip_past("?>", "processing instruction")) return false;
            } else if (starts("<!")) {
                return bad("declarations are not accepted inside elements");
            } else if (starts("<")) {
                out.children.emplace_back();
                if (!element(out.children.back(), depth + 1)) return false;
            } else if (!text('<', out.text)) {
                return false;
            }
        }
    }

    std::string_view s_;
    size_t pos_ = 0;
    size_t elements_ = 0;
    std::string error_;
};

bool printable(std::string_view text) {
    return std::none_of(text.begin(), text.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A short value (id, ETag) with surrounding whitespace removed; false if missing, empty,
// too long or with control characters.
bool value(const Element &parent, std::string_view name, std::string &out, std::string &error) {
    const Element *found = parent.child(name);
    if (found == nullptr) {
        error = "XML: <" + parent.name.substr(0, 64) + "> has no <" + std::string(name) + ">";
        return false;
    }
    std::string_view text = found->text;
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    if (text.empty() || text.size() > kMaxValue || !printable(text)) {
        error = "XML: <" + std::string(name) + "> is empty, longer than " + std::to_string(kMaxValue) +
                " bytes or has control characters";
        return false;
    }
    out = std::string(text);
    return true;
}

bool number(const Element &parent, std::string_view name, uint64_t max, uint64_t &out, std::string &error) {
    std::string text;
    if (!value(parent, name, text, error)) return false;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), out);
    if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || out > max) {
        error = "XML: <" + std::string(name) + "> is not a number within 0.." + std::to_string(max);
        return false;
    }
    return true;
}

std::optional<Element> root_named(std::string_view xml, std::string_view wanted, std::string &error) {
    auto root = Parser(xml).document(error);
    if (root && root->name != wanted) {
        error = "XML: expected <" + std::string(wanted) + ">, got <" + root->name.substr(0, 64) + ">";
        return std::nullopt;
    }
    return root;
}

} // namespace

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        default: out += c;
        }
    }
    return out;
}

std::optional<std::string> xml_unescape(std::string_view text, std::string &error) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out += text[i];
            continue;
        }
        const size_t end = text.find(';', i);
        if (end == std::string_view::npos || end - i > 12) {
            error = "XML: '&' that starts no entity";
            return std::nullopt;
        }
        const std::string_view entity = text.substr(i + 1, end - i - 1);
        if (entity == "amp") out += '&';
        else if (entity == "lt") out += '<';
        else if (entity == "gt") out += '>';
        else if (entity == "quot") out += '"';
        else if (entity == "apos") out += '\'';
        else if (entity.empty() || entity[0] != '#' || !decode_char_reference(entity.substr(1), out)) {
            error = "XML: unknown or invalid entity &" + std::string(entity) + ";";
            return std::nullopt;
        }
        i = end;
    }
    return out;
}

std::optional<std::string> parse_initiate_multipart(std::string_view xml, std::string &error) {
    const auto root = root_named(xml, "InitiateMultipartUploadResult", error);
    std::string upload_id;
    if (!root || !value(*root, "UploadId", upload_id, error)) return std::nullopt;
    return upload_id;
}

std::optional<PartsPage> parse_list_parts(std::string_view xml, std::string &error) {
    const auto root = root_named(xml, "ListPartsResult", error);
    if (!root) return std::nullopt;
    PartsPage page;
    for (const Element &item : root->children) {
        if (item.name != "Part") continue;
        UploadedPart part;
        uint64_t part_number = 0;
        if (!number(item, "PartNumber", kMaxParts, part_number, error) || !value(item, "ETag", part.etag, error) ||
            !number(item, "Size", kMaxPartSize, part.size, error))
            return std::nullopt;
        part.number = static_cast<int>(part_number);
        if (part.number < 1 || (!page.parts.empty() && part.number <= page.parts.back().number)) {
            error = "XML: part numbers must be 1..10000 and ascending";
            return std::nullopt;
        }
        page.parts.push_back(std::move(part));
    }
    if (const Element *truncated = root->child("IsTruncated")) {
        if (truncated->text != "true" && truncated->text != "false") {
            error = "XML: <IsTruncated> is neither true nor false";
            return std::nullopt;
        }
        page.truncated = truncated->text == "true";
    }
    if (page.truncated) {
        uint64_t marker = 0;
        if (!number(*root, "NextPartNumberMarker", kMaxParts, marker, error)) return std::nullopt;
        page.next_marker = static_cast<int>(marker);
    }
    return page;
}

std::optional<S3ErrorBody> parse_error(std::string_view xml) {
    std::string ignored;
    const auto root = root_named(xml, "Error", ignored);
    if (!root) return std::nullopt;
    S3ErrorBody body;
    if (!value(*root, "Code", body.code, ignored)) return std::nullopt;
    if (const Element *message = root->child("Message")) {
        body.message = message->text.substr(0, kMaxMessage);
        for (char &c : body.message)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' '; // one line in logs
    }
    return body;
}

std::string complete_multipart_body(const std::vector<UploadedPart> &parts) {
    std::vector<const UploadedPart *> ordered;
    ordered.reserve(parts.size());
    for (const UploadedPart &part : parts) ordered.push_back(&part);
    std::sort(ordered.begin(), ordered.end(), [](const auto *a, const auto *b) { return a->number < b->number; });
    std::string out = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
    for (const UploadedPart *part : ordered)
        out += "<Part><PartNumber>" + std::to_string(part->number) + "</PartNumber><ETag>" + xml_escape(part->etag) +
               "</ETag></Part>";
    return out + "</CompleteMultipartUpload>";
}

} // namespace roomrec::storage
