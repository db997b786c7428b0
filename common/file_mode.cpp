#include "common/file_mode.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace roomrec::common {

std::optional<unsigned> parse_file_mode(std::string_view text, bool folder, std::string_view what, std::string &error) {
    const std::string name(what);
    if (text.size() < 3 || text.size() > 4) {
        error = name + " must be 3 or 4 octal digits, e.g. \"" + (folder ? "0750" : "0640") + "\"";
        return std::nullopt;
    }
    unsigned mode = 0;
    for (const char digit : text) {
        if (digit < '0' || digit > '7') {
            error = name + " must be octal digits (0-7)";
            return std::nullopt;
        }
        mode = mode * 8 + static_cast<unsigned>(digit - '0');
    }
    const unsigned owner_needs = folder ? 0700 : 0600;
    if (mode > 0777) error = name + " may hold only permission bits (no setuid, setgid or sticky bit)";
    else if (mode & 0002) error = name + " must not be writable by others";
    else if ((mode & owner_needs) != owner_needs)
        error = name + (folder ? " must give the owner rwx (07xx)" : " must give the owner rw (06xx or 07xx)");
    if (!error.empty()) return std::nullopt;
    return mode;
}

bool make_folders_below(const std::string &root, const std::string &relative, unsigned mode, std::string &error) {
    std::string path = root;
    for (size_t start = 0; start < relative.size();) {
        size_t end = relative.find('/', start);
        if (end == std::string::npos) end = relative.size();
        const std::string piece = relative.substr(start, end - start);
        start = end + 1;
        if (piece.empty()) continue;
        if (piece == "." || piece == "..") {
            error = "cannot create " + root + "/" + relative + ": it holds a '" + piece + "' piece";
            return false;
        }
        path += "/" + piece;
        if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
            error = "cannot create " + path + ": " + std::strerror(errno);
            return false;
        }
        // mkdir applied the umask (and an older build may have made it 0755): say it outright.
        // O_NOFOLLOW: a link planted in the tree is refused rather than followed.
        const int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        const bool moded = fd >= 0 && fchmod(fd, mode) == 0;
        const int saved = errno;
        if (fd >= 0) close(fd);
        if (!moded) {
            error = "cannot set the mode of " + path + ": " + std::strerror(saved);
            return false;
        }
    }
    return true;
}

bool set_file_mode(const std::string &path, unsigned mode, std::string &error) {
    const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    const bool moded = fd >= 0 && fchmod(fd, mode) == 0;
    const int saved = errno;
    if (fd >= 0) close(fd);
    if (!moded) error = "cannot set the mode of " + path + ": " + std::strerror(saved);
    return moded;
}

} // namespace roomrec::common
