#include "analytics/core/text_check.hpp"

#include <cstdint>

namespace roomrec::analytics {

namespace {

constexpr int kMaxDepth = 64;

class JsonCheck {
public:
    explicit JsonCheck(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

    std::string run() {
        skip_space();
        if (p_ == end_ || *p_ != '{') return "not a JSON object";
        if (!value(0)) return error_;
        skip_space();
        if (p_ != end_) return "text after the JSON object";
        return "";
    }

private:
    bool fail(const char *why) {
        if (error_.empty()) error_ = why;
        return false;
    }
    void skip_space() {
        while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
    }
    bool literal(std::string_view word) {
        if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word)
            return fail("not valid JSON");
        p_ += word.size();
        return true;
    }
    bool digits() {
        if (p_ == end_ || *p_ < '0' || *p_ > '9') return fail("not valid JSON (number)");
        while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
        return true;
    }
    bool number() {
        if (*p_ == '-') ++p_;
        if (p_ < end_ && *p_ == '0') {
            ++p_;
        } else if (!digits()) {
            return false;
        }
        if (p_ < end_ && *p_ == '.') {
            ++p_;
            if (!digits()) return false;
        }
        if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
            ++p_;
            if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
            if (!digits()) return false;
        }
        return true;
    }
    bool hex4(uint32_t &code) {
        if (end_ - p_ < 4) return fail("not valid JSON (\\u escape)");
        code = 0;
        for (int i = 0; i < 4; ++i, ++p_) {
            const char c = *p_;
            const int digit = c >= '0' && c <= '9'   ? c - '0'
                              : c >= 'a' && c <= 'f' ? c - 'a' + 10
                              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                     : -1;
            if (digit < 0) return fail("not valid JSON (\\u escape)");
            code = code * 16 + static_cast<uint32_t>(digit);
        }
        return true;
    }
    bool string() {
        ++p_; // opening quote
        for (;;) {
            if (p_ == end_) return fail("not valid JSON (unterminated string)");
            const auto c = static_cast<unsigned char>(*p_++);
            if (c == '"') return true;
            if (c < 0x20) return fail("not valid JSON (control character in a string)");
            if (c != '\\') continue;
            if (p_ == end_) return fail("not valid JSON (unterminated string)");
            const char escape = *p_++;
            if (escape != 'u') {
                if (std::string_view("\"\\/bfnrt").find(escape) == std::string_view::npos)
                    return fail("not valid JSON (bad escape)");
                continue;
            }
            uint32_t code = 0;
            if (!hex4(code)) return false;
            if (code == 0) return fail("\\u0000 in a string (jsonb cannot store it)");
            if (code >= 0xDC00 && code <= 0xDFFF) return fail("unpaired surrogate escape in a string");
            if (code >= 0xD800 && code <= 0xDBFF) {
                uint32_t low = 0;
                if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u')
                    return fail("unpaired surrogate escape in a string");
                p_ += 2;
                if (!hex4(low)) return false;
                if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired surrogate escape in a string");
            }
        }
    }
    bool value(int depth) {
        skip_space();
        if (p_ == end_) return fail("not valid JSON (truncated)");
        switch (*p_) {
        case '{':
        case '[': {
            if (depth >= kMaxDepth) return fail("JSON nested too deeply");
            const bool object = *p_ == '{';
            const char close = object ? '}' : ']';
            ++p_;
            skip_space();
            if (p_ < end_ && *p_ == close) {
                ++p_;
                return true;
            }
            for (;;) {
                skip_space();
                if (object) {
                    if (p_ == end_ || *p_ != '"') return fail("not valid JSON (object key)");
                    if (!string()) return false;
                    skip_space();
                    if (p_ == end_ || *p_ != ':') return fail("not valid JSON (missing ':')");
                    ++p_;
                }
                if (!value(depth + 1)) return false;
                skip_space();
                if (p_ == end_) return fail("not valid JSON (truncated)");
                if (*p_ == ',') {
                    ++p_;
                    continue;
                }
                if (*p_ == close) {
                    ++p_;
                    return true;
                }
                return fail("not valid JSON (missing ',')");
            }
        }
        case '"': return string();
        case 't': return literal("true");
        case 'f': return literal("false");
        case 'n': return literal("null");
        default:
            if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) return number();
            return fail("not valid JSON");
        }
    }

    const char *p_;
    const char *end_;
    std::string error_;
};

} // namespace

std::string check_json_object(std::string_view text) { return JsonCheck(text).run(); }

} // namespace roomrec::analytics
