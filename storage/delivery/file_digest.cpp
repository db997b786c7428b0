#include "storage/delivery/file_digest.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <memory>
#include <vector>

namespace roomrec::storage {

std::optional<FileDigest> file_digest(const std::string &path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return std::nullopt;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    bool ok = context && EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) == 1;
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    std::vector<unsigned char> block(1 << 20);
    FileDigest digest;
    while (ok) {
        const ssize_t length = read(fd, block.data(), block.size());
        if (length == 0) break;
        ok = length > 0 && EVP_DigestUpdate(context.get(), block.data(), static_cast<size_t>(length)) == 1;
        digest.size_bytes += length > 0 ? length : 0;
    }
    close(fd);
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int hash_length = 0;
    if (!ok || EVP_DigestFinal_ex(context.get(), hash, &hash_length) != 1) return std::nullopt;
    static const char kHex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < hash_length; ++i) {
        digest.sha256 += kHex[hash[i] >> 4];
        digest.sha256 += kHex[hash[i] & 15];
    }
    return digest;
}

} // namespace roomrec::storage
