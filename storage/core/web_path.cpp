#include "storage/core/web_path.hpp"

namespace roomrec::storage {
namespace {

constexpr size_t kMaxUrlBytes = 512;
constexpr int kMaxParts = 16;

bool name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

WebPath web_path(std::string_view url) {
    WebPath refused;
    if (url.empty() || url.front() != '/' || url.size() > kMaxUrlBytes) return refused;
    std::string_view rest = url.substr(1);
    int parts = 0;
    size_t start = 0;
    while (start < rest.size()) {
        const size_t slash = rest.find('/', start);
        const size_t end = slash == std::string_view::npos ? rest.size() : slash;
        const std::string_view part = rest.substr(start, end - start);
        if (part.empty() || part.front() == '.' || ++parts > kMaxParts) return refused;
        for (char c : part)
            if (!name_char(c)) return refused;
        start = end + 1;
    }
    WebPath path;
    path.folder = rest.empty() || rest.back() == '/';
    path.relative = std::string(rest) + (path.folder ? "index.html" : "");
    return path;
}

const char *web_content_type(std::string_view file) {
    static const std::pair<const char *, const char *> kTypes[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".pdf", "application/pdf"},
    };
    for (const auto &[suffix, type] : kTypes)
        if (ends_with(file, suffix)) return type;
    return "application/octet-stream";
}

} // namespace roomrec::storage
