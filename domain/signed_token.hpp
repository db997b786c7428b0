// Janus signed tokens (R2): "<expiry>,<realm>[,descriptor...]:base64(HMAC-SHA1(secret, data))".
// The same format the Janus core verifies, with the plugin package as realm and the
// descriptors room=, user= and role= naming what the bearer may join as. An optional email=
// names the bearer's address as the issuer vouches for it (recording mails go only there, never
// to an address a client declares itself); its form is checked where it is used.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace roomrec::domain {

enum class TokenError {
    None,
    NoSecret,  // the plugin has no token_secret configured
    Malformed, // not "<data>:<signature>" with expiry and realm
    BadSignature,
    Expired,
    WrongRealm,
    MissingDescriptor, // room=, user= or role= absent (or present twice)
    RepeatedEmail,     // email= present twice
};

const char *token_error_text(TokenError error);

struct TokenClaims {
    int64_t expiry = 0;
    std::string room;
    std::string user;
    std::string role;
    std::string email; // "" without an email= descriptor
};

struct TokenCheck {
    TokenError error = TokenError::None;
    TokenClaims claims;
    bool ok() const { return error == TokenError::None; }
};

// now_s is wall-clock seconds since the epoch, injected so tests can move time.
TokenCheck verify_token(std::string_view token, std::string_view secret, std::string_view realm, int64_t now_s);

// Builds a valid token (used by tests and the operator tooling).
std::string sign_token(std::string_view data, std::string_view secret);

} // namespace roomrec::domain
