#include "domain/breakout.hpp"

#include "domain/signed_token.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <charconv>

namespace roomrec::domain {

std::optional<BreakoutAction> parse_breakout_action(std::string_view text) {
    if (text == "open") return BreakoutAction::Open;
    if (text == "move") return BreakoutAction::Move;
    if (text == "close") return BreakoutAction::Close;
    if (text == "list") return BreakoutAction::List;
    return std::nullopt;
}

std::variant<std::vector<std::string>, ValidationError> breakout_ids(const std::string &parent,
                                                                     const std::vector<std::string> &taken, int count) {
    if (count < 1) return ValidationError{ErrorCode::InvalidElement, "count must be at least 1"};
    if (taken.size() + static_cast<size_t>(count) > static_cast<size_t>(kMaxBreakouts))
        return ValidationError{ErrorCode::LimitReached, "a room has at most " + std::to_string(kMaxBreakouts) +
                                                            " breakouts open (" + std::to_string(taken.size()) +
                                                            " now)"};
    // Numbered after the highest open one: a closed breakout's number is not reused while a
    // later one is open, so ids stay in the order they were opened.
    const std::string prefix = parent + "-b";
    int highest = 0;
    for (const std::string &id : taken) {
        if (id.size() <= prefix.size() || id.compare(0, prefix.size(), prefix) != 0) continue;
        int number = 0;
        const char *begin = id.data() + prefix.size();
        const char *end = id.data() + id.size();
        const auto [stop, error] = std::from_chars(begin, end, number);
        if (error == std::errc() && stop == end) highest = std::max(highest, number);
    }
    std::vector<std::string> ids;
    for (int i = 1; i <= count; ++i) ids.push_back(prefix + std::to_string(highest + i));
    if (ids.back().size() > kMaxRoomIdLength)
        return ValidationError{ErrorCode::InvalidElement, "the room id is too long for breakout ids (\"" + ids.back() +
                                                              "\" is over " + std::to_string(kMaxRoomIdLength) +
                                                              " characters)"};
    return ids;
}

RoomSettings breakout_settings(const RoomSettings &parent, const std::string &id, const std::string &title) {
    RoomSettings child = parent;
    child.id = id;
    child.title = title;
    child.parent_id = parent.id;
    child.is_public = false;
    child.is_static = false;
    child.secrets.clear();
    return child;
}

std::string breakout_user(const std::string &user_id, std::string_view secret) {
    if (user_id.rfind("guest-", 0) != 0) return user_id;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    const std::string data = "breakout-user:" + user_id;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char *>(data.data()), data.size(), digest, &length);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = kAnonymousPrefix;
    for (unsigned int i = 0; i < 12 && i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 0xf];
    }
    return out;
}

std::string breakout_token(const std::string &room, const std::string &user, const char *role, std::string_view secret,
                           std::string_view realm, int64_t now_s) {
    const std::string data = std::to_string(now_s + kBreakoutTokenSeconds) + "," + std::string(realm) +
                             ",room=" + room + ",user=" + user + ",role=" + role;
    return sign_token(data, secret);
}

} // namespace roomrec::domain
