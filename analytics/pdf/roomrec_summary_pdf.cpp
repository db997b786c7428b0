// roomrec-summary-pdf: renders the PDF session summary from its JSON (docs/ANALYTICS.md, "PDF session summary").
//
//   roomrec-summary-pdf INPUT.json OUTPUT.pdf [--generated-at 2026-11-24T10:00:00Z]
//
// INPUT "-" reads standard input, OUTPUT "-" writes standard output. The PDF is written to a
// temporary file beside OUTPUT and renamed, so OUTPUT is either the whole PDF or untouched.
// Exit status: 0 written, 1 a file could not be read or written, 2 usage, 3 the input was
// refused (the message names the field), 4 rendering failed.
#include "analytics/core/summary_json.hpp"
#include "analytics/pdf/summary_pdf.hpp"

#include <cairo.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <unistd.h>

using namespace roomrec::analytics;

namespace {

constexpr const char *kUsage =
    "usage: roomrec-summary-pdf INPUT.json OUTPUT.pdf [--generated-at YYYY-MM-DDTHH:MM:SSZ]\n"
    "  INPUT - reads standard input; OUTPUT - writes standard output\n";

int complain(int status, const std::string &message) {
    std::fprintf(stderr, "roomrec-summary-pdf: %s\n", message.c_str());
    return status;
}

// Reads at most limit + 1 bytes, so an oversized input is noticed without reading it all.
bool read_input(const std::string &path, std::string &text, std::string &error) {
    FILE *file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        error = "cannot open " + path + ": " + std::strerror(errno);
        return false;
    }
    char buffer[65536];
    size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
        text.append(buffer, got);
        if (text.size() > kMaxSummaryJsonBytes) break;
    }
    const bool failed = std::ferror(file) != 0;
    if (file != stdin) std::fclose(file);
    if (failed) error = "cannot read " + path;
    return !failed;
}

bool write_output(const std::string &path, const std::string &pdf, std::string &error) {
    if (path == "-") {
        if (std::fwrite(pdf.data(), 1, pdf.size(), stdout) != pdf.size() || std::fflush(stdout) != 0) {
            error = "cannot write standard output";
            return false;
        }
        return true;
    }
    const std::string temporary = path + ".tmp-" + std::to_string(getpid());
    FILE *file = std::fopen(temporary.c_str(), "wb");
    if (file == nullptr) {
        error = "cannot create " + temporary + ": " + std::strerror(errno);
        return false;
    }
    const bool written = std::fwrite(pdf.data(), 1, pdf.size(), file) == pdf.size();
    const bool closed = std::fclose(file) == 0;
    if (!written || !closed || std::rename(temporary.c_str(), path.c_str()) != 0) {
        error = "cannot write " + path + ": " + std::strerror(errno);
        std::remove(temporary.c_str());
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char **argv) {
    std::string input, output;
    int64_t generated_at = static_cast<int64_t>(std::time(nullptr));
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (arg == "--generated-at") {
            if (i + 1 >= argc || !parse_utc(argv[i + 1], generated_at))
                return complain(2, "--generated-at needs a UTC time like 2026-11-24T10:00:00Z\n" + std::string(kUsage));
            ++i;
        } else if (arg.size() > 1 && arg[0] == '-' && arg != "-") {
            return complain(2, "unknown option " + arg + "\n" + kUsage);
        } else if (input.empty()) {
            input = arg;
        } else if (output.empty()) {
            output = arg;
        } else {
            return complain(2, std::string("too many arguments\n") + kUsage);
        }
    }
    if (input.empty() || output.empty()) return complain(2, std::string("INPUT and OUTPUT are required\n") + kUsage);

    std::string text, error;
    if (!read_input(input, text, error)) return complain(1, error);
    SessionSummary summary;
    if (!parse_session_summary(text, summary, error)) return complain(3, "input refused: " + error);
    std::string pdf;
    const bool rendered = render_summary_pdf(summary, generated_at, pdf, error);
    // Frees cairo's font caches (and the fontconfig patterns they hold) so the sanitizer build
    // sees no leak at exit; no cairo object is alive any more.
    cairo_debug_reset_static_data();
    if (!rendered) return complain(4, "rendering failed: " + error);
    if (!write_output(output, pdf, error)) return complain(1, error);
    return 0;
}
