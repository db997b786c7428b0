#include "storage/core/upload_progress.hpp"

#include "common/json.hpp"
#include "common/utf8.hpp"
#include "storage/core/upload_plan.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

namespace roomrec::storage {
namespace {

constexpr size_t kMaxUploadIdLength = 1024;
constexpr size_t kMaxEtagLength = 256;
constexpr size_t kMaxJsonLength = 4 << 20; // 10,000 parts take < 1 MiB

using Json = common::JsonPtr;

bool printable_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// Exactly these keys, no others.
bool has_exactly(json_t *object, std::initializer_list<const char *> keys, const std::string &where,
                 std::string &error) {
    for (const char *key : keys) {
        if (json_object_get(object, key) == nullptr) {
            error = where + ": \"" + key + "\" is missing";
            return false;
        }
    }
    if (json_object_size(object) != keys.size()) {
        const char *key = nullptr;
        json_t *value = nullptr;
        json_object_foreach(object, key, value) {
            if (std::none_of(keys.begin(), keys.end(), [&](const char *k) { return std::strcmp(k, key) == 0; })) {
                error = where + ": unknown key \"" + std::string(key).substr(0, 64) + "\"";
                return false;
            }
        }
    }
    return true;
}

bool read_size(json_t *object, const char *key, uint64_t max, const std::string &where, uint64_t &out,
               std::string &error) {
    json_t *value = json_object_get(object, key);
    if (!json_is_integer(value) || json_integer_value(value) < 0 ||
        static_cast<uint64_t>(json_integer_value(value)) > max) {
        error = where + ": \"" + key + "\" must be an integer within 0.." + std::to_string(max);
        return false;
    }
    out = static_cast<uint64_t>(json_integer_value(value));
    return true;
}

bool read_text(json_t *object, const char *key, size_t max_length, const std::string &where, std::string &out,
               std::string &error) {
    json_t *value = json_object_get(object, key);
    if (!json_is_string(value)) {
        error = where + ": \"" + key + "\" must be a string";
        return false;
    }
    const std::string_view text(json_string_value(value), json_string_length(value));
    if (text.size() > max_length || !printable_ascii(text)) {
        error = where + ": \"" + key + "\" must be printable ASCII of at most " + std::to_string(max_length) +
                " characters";
        return false;
    }
    out = std::string(text);
    return true;
}

bool read_part(json_t *item, size_t index, int previous_number, UploadedPart &part, std::string &error) {
    const std::string where = "parts[" + std::to_string(index) + "]";
    if (!json_is_object(item)) {
        error = where + " must be an object";
        return false;
    }
    if (!has_exactly(item, {"number", "etag", "size"}, where, error)) return false;
    uint64_t number = 0;
    if (!read_size(item, "number", kMaxParts, where, number, error) ||
        !read_text(item, "etag", kMaxEtagLength, where, part.etag, error) ||
        !read_size(item, "size", kMaxPartSize, where, part.size, error))
        return false;
    part.number = static_cast<int>(number);
    if (part.number < 1 || part.number <= previous_number) {
        error = where + ": part numbers must be 1..10000, ascending, without repeats";
        return false;
    }
    if (part.etag.empty()) {
        error = where + ": empty etag";
        return false;
    }
    return true;
}

} // namespace

std::string upload_progress_to_json(const UploadProgress &progress) {
    Json root(json_object());
    json_object_set_new(root.get(), "upload_id", json_stringn(progress.upload_id.data(), progress.upload_id.size()));
    json_object_set_new(root.get(), "file_size", json_integer(static_cast<json_int_t>(progress.file_size)));
    json_object_set_new(root.get(), "part_size", json_integer(static_cast<json_int_t>(progress.part_size)));
    json_t *parts = json_array();
    for (const UploadedPart &part : progress.parts) {
        json_t *item = json_object();
        json_object_set_new(item, "number", json_integer(part.number));
        json_object_set_new(item, "etag", json_stringn(part.etag.data(), part.etag.size()));
        json_object_set_new(item, "size", json_integer(static_cast<json_int_t>(part.size)));
        json_array_append_new(parts, item);
    }
    json_object_set_new(root.get(), "parts", parts);
    if (progress.files_done > 0) json_object_set_new(root.get(), "files_done", json_integer(progress.files_done));
    return common::json_compact(root, JSON_PRESERVE_ORDER);
}

std::optional<UploadProgress> upload_progress_from_json(std::string_view text, std::string &error) {
    if (text.size() > kMaxJsonLength) {
        error = "upload progress: larger than " + std::to_string(kMaxJsonLength) + " bytes";
        return std::nullopt;
    }
    json_error_t parse_error;
    Json root(json_loadb(text.data(), text.size(), JSON_REJECT_DUPLICATES, &parse_error));
    if (!root) {
        error = std::string("upload progress: not JSON (") + common::to_valid_utf8(parse_error.text) + ")";
        return std::nullopt;
    }
    const std::string where = "upload progress";
    if (!json_is_object(root.get())) {
        error = where + ": must be an object";
        return std::nullopt;
    }
    UploadProgress progress;
    const bool several_files = json_object_get(root.get(), "files_done") != nullptr;
    if (several_files) {
        uint64_t files_done = 0;
        if (!has_exactly(root.get(), {"upload_id", "file_size", "part_size", "parts", "files_done"}, where, error) ||
            !read_size(root.get(), "files_done", kMaxUploadFiles, where, files_done, error))
            return std::nullopt;
        progress.files_done = static_cast<uint32_t>(files_done);
    } else if (!has_exactly(root.get(), {"upload_id", "file_size", "part_size", "parts"}, where, error)) {
        return std::nullopt;
    }
    if (!read_text(root.get(), "upload_id", kMaxUploadIdLength, where, progress.upload_id, error) ||
        !read_size(root.get(), "file_size", kMaxObjectSize, where, progress.file_size, error) ||
        !read_size(root.get(), "part_size", kMaxPartSize, where, progress.part_size, error))
        return std::nullopt;
    json_t *parts = json_object_get(root.get(), "parts");
    if (!json_is_array(parts) || json_array_size(parts) > static_cast<size_t>(kMaxParts)) {
        error = where + ": \"parts\" must be an array of at most 10000 parts";
        return std::nullopt;
    }
    if (progress.upload_id.empty() && json_array_size(parts) != 0) {
        error = where + ": parts without an upload id";
        return std::nullopt;
    }
    for (size_t index = 0; index < json_array_size(parts); ++index) {
        UploadedPart part;
        if (!read_part(json_array_get(parts, index), index, progress.parts.empty() ? 0 : progress.parts.back().number,
                       part, error))
            return std::nullopt;
        progress.parts.push_back(std::move(part));
    }
    return progress;
}

void record_part(UploadProgress &progress, UploadedPart part) {
    auto at = std::lower_bound(progress.parts.begin(), progress.parts.end(), part.number,
                               [](const UploadedPart &p, int number) { return p.number < number; });
    if (at != progress.parts.end() && at->number == part.number) *at = std::move(part);
    else progress.parts.insert(at, std::move(part));
}

std::optional<std::string> multipart_etag(const std::vector<UploadedPart> &parts) {
    if (parts.empty()) return std::nullopt;
    std::string digests;
    for (const UploadedPart &part : parts) {
        std::string_view hex = part.etag;
        if (hex.size() == 34 && hex.front() == '"' && hex.back() == '"') hex = hex.substr(1, 32);
        if (hex.size() != 32) return std::nullopt;
        for (size_t i = 0; i < 32; i += 2) {
            int byte = 0;
            for (size_t j = i; j < i + 2; ++j) {
                const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(hex[j])));
                if (c >= '0' && c <= '9') byte = byte * 16 + (c - '0');
                else if (c >= 'a' && c <= 'f') byte = byte * 16 + (c - 'a' + 10);
                else return std::nullopt;
            }
            digests += static_cast<char>(byte);
        }
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(digests.data(), digests.size(), digest, &length, EVP_md5(), nullptr);
    static const char hex_digits[] = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned int i = 0; i < length; ++i) {
        out += hex_digits[digest[i] >> 4];
        out += hex_digits[digest[i] & 15];
    }
    return out + "-" + std::to_string(parts.size()) + "\"";
}

} // namespace roomrec::storage
