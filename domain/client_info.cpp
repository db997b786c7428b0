#include "domain/client_info.hpp"

#include <array>
#include <cctype>
#include <cstring>

namespace roomrec::domain {
namespace {

constexpr std::array kClientParams{
    ParamSpec{"id", JsonKind::Identifier, false, kMaxUserIdLength},     ParamSpec{"display", JsonKind::String, false, 128},
    ParamSpec{"email", JsonKind::String, false, 254},      ParamSpec{"company", JsonKind::String, false, 128},
    ParamSpec{"industry", JsonKind::String, false, 128},   ParamSpec{"country", JsonKind::String, false, 2},
    ParamSpec{"user_agent", JsonKind::String, false, 512}, ParamSpec{"client", JsonKind::String, false, 16},
};

bool plausible_email(const std::string &email) {
    const size_t at = email.find('@');
    if (at == std::string::npos || at == 0 || at + 1 >= email.size() || email.find('@', at + 1) != std::string::npos)
        return false;
    for (const unsigned char c : email)
        if (c <= ' ' || c == 0x7f) return false;
    return email.find('.', at) != std::string::npos;
}

bool has_control_characters(const std::string &text) {
    for (const unsigned char c : text)
        if (c < 0x20 || c == 0x7f) return true;
    return false;
}

} // namespace

const char *client_kind_name(ClientKind kind) { return kind == ClientKind::Mobile ? "mobile" : "desktop"; }

std::variant<ClientInfo, ValidationError> parse_client_info(const json_t *user) {
    if (auto invalid = validate_params(user, kClientParams, "user.")) {
        if (invalid->code == ErrorCode::InvalidBody) invalid->code = ErrorCode::InvalidElement;
        if (invalid->code == ErrorCode::InvalidElement && !json_is_object(user))
            invalid->message = "user must be an object";
        return *invalid;
    }
    ClientInfo info;
    info.user_id = string_field(user, "id");
    info.display = string_field(user, "display");
    info.email = string_field(user, "email");
    info.company = string_field(user, "company");
    info.industry = string_field(user, "industry");
    info.country = string_field(user, "country");
    info.user_agent = string_field(user, "user_agent");
    const std::string kind = string_field(user, "client");
    if (kind == "mobile") info.kind = ClientKind::Mobile;
    else if (!kind.empty() && kind != "desktop")
        return ValidationError{ErrorCode::InvalidElement, "user.client must be \"desktop\" or \"mobile\""};
    if (!info.email.empty() && !plausible_email(info.email))
        return ValidationError{ErrorCode::InvalidElement, "user.email is not an e-mail address"};
    if (!info.country.empty() &&
        (info.country.size() != 2 || !std::isupper(static_cast<unsigned char>(info.country[0])) ||
         !std::isupper(static_cast<unsigned char>(info.country[1]))))
        return ValidationError{ErrorCode::InvalidElement,
                               "user.country must be an ISO 3166-1 alpha-2 code such as \"DE\""};
    for (const std::string *text : {&info.display, &info.company, &info.industry, &info.user_agent})
        if (has_control_characters(*text))
            return ValidationError{ErrorCode::InvalidElement, "user fields must not contain control characters"};
    return info;
}

} // namespace roomrec::domain
