#include "storage/core/contained_path.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>

namespace roomrec::storage {
namespace {

struct FreeDeleter {
    void operator()(char *text) const { std::free(text); }
};

// realpath(3) with the answer allocated for us (no PATH_MAX buffer to trust).
std::string resolved(const std::string &path, std::string &why) {
    const std::unique_ptr<char, FreeDeleter> answer(realpath(path.c_str(), nullptr));
    if (!answer) {
        why = std::strerror(errno);
        return "";
    }
    return answer.get();
}

bool has_nul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

// "/" as root holds everything; otherwise the path must continue the root with a '/'.
bool strictly_below(std::string_view root, std::string_view path) {
    const std::string_view base = root == "/" ? std::string_view() : root;
    return path.size() > base.size() + 1 && path.substr(0, base.size()) == base && path[base.size()] == '/';
}

} // namespace

std::string containment_error(std::string_view root, std::string_view path, std::string_view folder) {
    if (root.empty() || root.front() != '/' || has_nul(root)) return "the recordings root is not an absolute path";
    if (path.empty()) return "the file path is empty";
    if (has_nul(path)) return "the file path contains a NUL byte";
    if (path.front() != '/') return "the file path is not absolute";
    if (!strictly_below(root, path)) return "the file path is outside the recordings root";
    const std::string_view base = root == "/" ? std::string_view() : root;
    // Inside the root lie the spools and unfinished recordings too: only a stored recording,
    // <root>/<room>/Recordings/<file>, may be uploaded or deleted.
    const std::string_view below = path.substr(base.size() + 1);
    const size_t first = below.find('/');
    const size_t second = first == std::string_view::npos ? first : below.find('/', first + 1);
    if (second == std::string_view::npos || below.find('/', second + 1) != std::string_view::npos ||
        below.substr(first + 1, second - first - 1) != folder || first == 0 || below.front() == '.' ||
        second + 1 >= below.size() || below[second + 1] == '.')
        return "the file path is not a stored " + std::string(folder == "Recordings" ? "recording" : "file") +
               " (<root>/<room>/" + std::string(folder) + "/<file>)";
    return "";
}

std::string track_containment_error(std::string_view root, std::string_view path) {
    const std::string shape = "the file path is not a file stored with a recording (<root>/<room>/Recordings/<name> "
                              "tracks/<file>)";
    const size_t slash = path.rfind('/');
    if (slash == std::string_view::npos || slash + 1 >= path.size() || path[slash + 1] == '.') return shape;
    const std::string_view folder = path.substr(0, slash);
    constexpr std::string_view kSuffix = " tracks";
    if (folder.size() < kSuffix.size() || folder.substr(folder.size() - kSuffix.size()) != kSuffix) return shape;
    // Outside the root (or no root) says so; inside but of another shape says what is allowed.
    const std::string problem = containment_error(root, folder);
    if (problem.empty()) return "";
    return problem.find("is not a stored") != std::string::npos ? shape : problem;
}

namespace {

ContainedPath resolve_checked(const std::string &root, const std::string &path,
                              const std::function<std::string(std::string_view, std::string_view)> &check) {
    ContainedPath answer;
    const auto refuse = [&](const std::string &why) {
        answer.error = "refused the file path '" + path + "': " + why;
        return answer;
    };
    // std::string may hold a NUL that the C calls below would silently cut at.
    if (path.empty()) return refuse("it is empty");
    if (has_nul(path)) return refuse("it contains a NUL byte");
    if (path.front() != '/') return refuse("it is not absolute");
    if (root.empty() || has_nul(root)) return refuse("no recordings root is set");
    std::string why;
    const std::string real_root = resolved(root, why);
    if (real_root.empty()) return refuse("the recordings root " + root + " cannot be resolved (" + why + ")");
    const std::string real_path = resolved(path, why);
    if (real_path.empty()) return refuse("it cannot be resolved (" + why + ")");
    if (const std::string problem = check(real_root, real_path); !problem.empty())
        return refuse("it resolves to " + real_path + ": " + problem + " (recordings root " + real_root + ")");
    answer.path = real_path;
    return answer;
}

} // namespace

ContainedPath resolve_contained_path(const std::string &root, const std::string &path, std::string_view folder) {
    return resolve_checked(root, path, [folder](std::string_view real_root, std::string_view real_path) {
        return containment_error(real_root, real_path, folder);
    });
}

ContainedPath resolve_contained_track_path(const std::string &root, const std::string &path) {
    return resolve_checked(root, path, track_containment_error);
}

ContainedPath resolve_below_root(const std::string &root, const std::string &path) {
    ContainedPath answer;
    std::string why;
    if (root.empty() || has_nul(root) || path.empty() || has_nul(path) || path.front() != '/') {
        answer.error = "not an absolute path below a root";
        return answer;
    }
    const std::string real_root = resolved(root, why);
    const std::string real_path = real_root.empty() ? "" : resolved(path, why);
    if (real_path.empty()) {
        answer.error = "cannot be resolved (" + why + ")";
        return answer;
    }
    if (!strictly_below(real_root, real_path)) {
        answer.error = "outside the root";
        return answer;
    }
    answer.path = real_path;
    return answer;
}

} // namespace roomrec::storage
