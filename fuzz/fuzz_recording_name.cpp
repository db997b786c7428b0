// Recording titles (domain/recording_name.hpp) come from hosts and from the start_recording
// caller and end up in file names and S3 keys. Whatever the bytes, the sanitized title is
// non-empty, well-formed UTF-8 within kMaxTitleBytes, free of separators, controls and
// characters Windows forbids, without a leading dot or space or a trailing dot or space, and
// sanitizing it again changes nothing.
#include "common/utf8.hpp"
#include "domain/recording_name.hpp"
#include "fuzz/fuzz_check.hpp"

#include <cstring>
#include <string>

using namespace roomrec;

namespace {

bool forbidden(unsigned char c) { return c < 0x20 || c == 0x7f || std::strchr("/\\:*?\"<>|", c) != nullptr; }

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string title(reinterpret_cast<const char *>(data), size);
    const std::string clean = domain::sanitize_title(title);
    FUZZ_CHECK(!clean.empty() && clean.size() <= domain::kMaxTitleBytes);
    FUZZ_CHECK(common::valid_utf8(clean));
    for (const char c : clean) FUZZ_CHECK(!forbidden(static_cast<unsigned char>(c)));
    FUZZ_CHECK(clean.front() != '.' && clean.front() != ' ');
    FUZZ_CHECK(clean.back() != '.' && clean.back() != ' ');
    FUZZ_CHECK(clean.find("  ") == std::string::npos);
    FUZZ_CHECK(domain::sanitize_title(clean) == clean);

    // The file name: "Rec - YYYY-MM-DD HH-MM-SS - <title>.mp4" at a time the plugin could see
    // (the wall clock and a configured offset; neither comes from a client).
    const std::string name = domain::recording_file_name(title, 1'700'000'000, 3600);
    FUZZ_CHECK(name == "Rec - 2023-11-14 23-13-20 - " + clean + ".mp4");
    FUZZ_CHECK(name.size() <= 255);
    return 0;
}
