#include "domain/signed_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace roomrec::domain {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    // One allocation, however many separators a hostile token carries.
    parts.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), separator)) + 1);
    size_t start = 0;
    while (true) {
        const size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

std::string base64(const unsigned char *data, size_t length) {
    std::string out(4 * ((length + 2) / 3), '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()), data, static_cast<int>(length));
    out.resize(written > 0 ? static_cast<size_t>(written) : 0);
    return out;
}

struct DescriptorSlot {
    std::string value;
    bool seen = false;
};

// Stores the value of a "key=value" descriptor; a repeated key makes the token ambiguous.
bool take_descriptor(std::string_view descriptor, std::string_view key, DescriptorSlot &slot, bool &duplicate) {
    if (descriptor.size() <= key.size() || descriptor.substr(0, key.size()) != key || descriptor[key.size()] != '=')
        return false;
    if (slot.seen) duplicate = true;
    slot.seen = true;
    slot.value = std::string(descriptor.substr(key.size() + 1));
    return true;
}

} // namespace

const char *token_error_text(TokenError error) {
    switch (error) {
    case TokenError::None: return "valid";
    case TokenError::NoSecret: return "signed tokens are not enabled on this server";
    case TokenError::Malformed: return "token is malformed";
    case TokenError::BadSignature: return "token signature is invalid";
    case TokenError::Expired: return "token has expired";
    case TokenError::WrongRealm: return "token is not for this plugin";
    case TokenError::MissingDescriptor: return "token lacks exactly one room=, user= and role= descriptor";
    case TokenError::RepeatedEmail: return "token has more than one email= descriptor";
    }
    return "token is invalid";
}

std::string sign_token(std::string_view data, std::string_view secret) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char *>(data.data()), data.size(), digest, &length);
    return std::string(data) + ":" + base64(digest, length);
}

TokenCheck verify_token(std::string_view token, std::string_view secret, std::string_view realm, int64_t now_s) {
    TokenCheck check;
    if (secret.empty()) {
        check.error = TokenError::NoSecret;
        return check;
    }
    const auto halves = split(token, ':');
    if (halves.size() != 2 || halves[0].empty() || halves[1].empty()) {
        check.error = TokenError::Malformed;
        return check;
    }
    const auto fields = split(halves[0], ',');
    if (fields.size() < 2) {
        check.error = TokenError::Malformed;
        return check;
    }
    int64_t expiry = 0;
    const auto [end, parse_error] = std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), expiry);
    if (parse_error != std::errc() || end != fields[0].data() + fields[0].size() || expiry < 0) {
        check.error = TokenError::Malformed;
        return check;
    }
    // Signature first: nothing in an unsigned token is worth reporting back.
    const std::string expected = sign_token(halves[0], secret);
    const std::string_view expected_signature = std::string_view(expected).substr(halves[0].size() + 1);
    if (expected_signature.size() != halves[1].size() ||
        CRYPTO_memcmp(expected_signature.data(), halves[1].data(), halves[1].size()) != 0) {
        check.error = TokenError::BadSignature;
        return check;
    }
    if (fields[1] != realm) {
        check.error = TokenError::WrongRealm;
        return check;
    }
    if (now_s > expiry) {
        check.error = TokenError::Expired;
        return check;
    }
    bool duplicate = false, duplicate_email = false;
    DescriptorSlot room, user, role, email;
    for (size_t i = 2; i < fields.size(); ++i) {
        take_descriptor(fields[i], "room", room, duplicate) || take_descriptor(fields[i], "user", user, duplicate) ||
            take_descriptor(fields[i], "role", role, duplicate) ||
            take_descriptor(fields[i], "email", email, duplicate_email);
    }
    if (duplicate || room.value.empty() || user.value.empty() || role.value.empty()) {
        check.error = TokenError::MissingDescriptor;
        return check;
    }
    if (duplicate_email) { // two addresses: which one the issuer meant is unknowable
        check.error = TokenError::RepeatedEmail;
        return check;
    }
    check.claims.room = std::move(room.value);
    check.claims.user = std::move(user.value);
    check.claims.role = std::move(role.value);
    check.claims.email = std::move(email.value);
    check.claims.expiry = expiry;
    return check;
}

} // namespace roomrec::domain
