// Join tokens as a client sends them (domain/signed_token.hpp). Arbitrary bytes are verified
// against a fixed secret (nothing may pass without the signature); the same bytes' data part is
// then signed with that secret so the parser behind the signature check is reached too, and a
// signed token must verify exactly when its fields are well formed, to the claims it carries.
#include "domain/signed_token.hpp"
#include "fuzz/fuzz_check.hpp"

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

using namespace roomrec;

namespace {

constexpr std::string_view kSecret = "fuzz-token-secret";
constexpr std::string_view kRealm = "janus.plugin.roomrec";
constexpr int64_t kNow = 1'800'000'000;

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    parts.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), separator)) + 1);
    for (size_t start = 0;;) {
        const size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

// The expected outcome for data that carries a correct signature, worked out independently.
domain::TokenError expected_error(std::string_view data, domain::TokenClaims &claims) {
    using domain::TokenError;
    if (data.empty() || data.find(':') != std::string_view::npos) return TokenError::Malformed;
    const auto fields = split(data, ',');
    if (fields.size() < 2) return TokenError::Malformed;
    int64_t expiry = 0;
    const auto parsed = std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), expiry);
    if (parsed.ec != std::errc() || parsed.ptr != fields[0].data() + fields[0].size() || expiry < 0)
        return TokenError::Malformed;
    if (fields[1] != kRealm) return TokenError::WrongRealm;
    if (kNow > expiry) return TokenError::Expired;
    int room = 0, user = 0, role = 0, email = 0;
    for (size_t i = 2; i < fields.size(); ++i) {
        const std::string_view field = fields[i];
        // "room=" with nothing after it still counts: a second one makes the token ambiguous.
        if (field.starts_with("room=")) ++room, claims.room = field.substr(5);
        else if (field.starts_with("user=")) ++user, claims.user = field.substr(5);
        else if (field.starts_with("role=")) ++role, claims.role = field.substr(5);
        else if (field.starts_with("email=")) ++email, claims.email = field.substr(6);
    }
    if (room != 1 || user != 1 || role != 1 || claims.room.empty() || claims.user.empty() || claims.role.empty())
        return TokenError::MissingDescriptor;
    if (email > 1) return TokenError::RepeatedEmail;
    claims.expiry = expiry;
    return TokenError::None;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size) {
    const std::string_view input(reinterpret_cast<const char *>(bytes), size);

    // Unsigned (or wrongly signed) input never yields claims.
    const domain::TokenCheck forged = domain::verify_token(input, kSecret, kRealm, kNow);
    if (forged.ok()) FUZZ_CHECK(domain::sign_token(input.substr(0, input.rfind(':')), kSecret) == input);
    FUZZ_CHECK(domain::verify_token(input, "", kRealm, kNow).error == domain::TokenError::NoSecret);

    // Signed with the right secret: the outcome is the oracle's.
    const std::string_view data = input.substr(0, input.find(':'));
    const std::string token = domain::sign_token(data, kSecret);
    const domain::TokenCheck signed_check = domain::verify_token(token, kSecret, kRealm, kNow);
    domain::TokenClaims expected;
    const domain::TokenError error = expected_error(data, expected);
    // The empty data part gives ":<sig>", which is malformed; data with a ':' was cut above.
    FUZZ_CHECK(signed_check.error == error);
    if (signed_check.ok()) {
        FUZZ_CHECK(signed_check.claims.expiry == expected.expiry);
        FUZZ_CHECK(signed_check.claims.room == expected.room);
        FUZZ_CHECK(signed_check.claims.user == expected.user);
        FUZZ_CHECK(signed_check.claims.role == expected.role);
        FUZZ_CHECK(signed_check.claims.email == expected.email);
        // One flipped bit in the signature, or another secret, and it is refused.
        std::string tampered = token;
        tampered.back() = static_cast<char>(tampered.back() ^ 0x01);
        FUZZ_CHECK(domain::verify_token(tampered, kSecret, kRealm, kNow).error == domain::TokenError::BadSignature);
        FUZZ_CHECK(domain::verify_token(token, "another-secret", kRealm, kNow).error ==
                   domain::TokenError::BadSignature);
    }
    return 0;
}
