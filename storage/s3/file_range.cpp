#include "storage/s3/file_range.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace roomrec::storage {
namespace {

struct DigestFree {
    void operator()(EVP_MD_CTX *context) const { EVP_MD_CTX_free(context); }
};
using Digest = std::unique_ptr<EVP_MD_CTX, DigestFree>;

std::string hex(const unsigned char *bytes, unsigned length) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < length; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 15];
    }
    return out;
}

} // namespace

OpenFile::OpenFile(const std::string &path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd_ < 0) {
        error_ = "cannot open " + path + ": " + std::strerror(errno);
        return;
    }
    struct stat info {};
    if (fstat(fd_, &info) != 0 || !S_ISREG(info.st_mode)) {
        error_ = path + " is not a regular file";
        ::close(fd_);
        fd_ = -1;
        return;
    }
    size_ = static_cast<uint64_t>(info.st_size);
}

OpenFile::~OpenFile() {
    if (fd_ >= 0) ::close(fd_);
}

bool digest_range(int fd, uint64_t offset, uint64_t length, RangeDigests &digests, std::string &error) {
    Digest sha256(EVP_MD_CTX_new()), md5(EVP_MD_CTX_new());
    if (!sha256 || !md5 || EVP_DigestInit_ex(sha256.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestInit_ex(md5.get(), EVP_md5(), nullptr) != 1) {
        error = "cannot set up SHA-256/MD5 digests";
        return false;
    }
    std::vector<unsigned char> buffer(1 << 20);
    for (uint64_t done = 0; done < length;) {
        const size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), length - done));
        const ssize_t got = pread(fd, buffer.data(), want, static_cast<off_t>(offset + done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            error = got == 0 ? "the file ended before the part did (was it truncated?)"
                             : std::string("reading the file: ") + std::strerror(errno);
            return false;
        }
        EVP_DigestUpdate(sha256.get(), buffer.data(), static_cast<size_t>(got));
        EVP_DigestUpdate(md5.get(), buffer.data(), static_cast<size_t>(got));
        done += static_cast<uint64_t>(got);
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length_out = 0;
    EVP_DigestFinal_ex(sha256.get(), digest, &length_out);
    digests.sha256_hex = hex(digest, length_out);
    EVP_DigestFinal_ex(md5.get(), digest, &length_out);
    unsigned char base64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    const int encoded = EVP_EncodeBlock(base64, digest, static_cast<int>(length_out));
    digests.md5_base64.assign(reinterpret_cast<char *>(base64), static_cast<size_t>(encoded));
    return true;
}

size_t read_body(char *buffer, size_t size, size_t count, void *opaque) {
    auto *source = static_cast<BodySource *>(opaque);
    const uint64_t left = source->length - source->sent;
    const size_t want = static_cast<size_t>(std::min<uint64_t>(left, static_cast<uint64_t>(size) * count));
    if (want == 0) return 0;
    if (source->memory != nullptr) {
        std::memcpy(buffer, source->memory->data() + source->offset + source->sent, want);
        source->sent += want;
        return want;
    }
    ssize_t got;
    do {
        got = pread(source->fd, buffer, want, static_cast<off_t>(source->offset + source->sent));
    } while (got < 0 && errno == EINTR);
    if (got <= 0) {
        // A short body would leave the server waiting for the rest: abort instead.
        source->error = got == 0 ? "the file shrank while it was sent"
                                 : std::string("reading the file: ") + std::strerror(errno);
        return CURL_READFUNC_ABORT;
    }
    source->sent += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
}

} // namespace roomrec::storage
