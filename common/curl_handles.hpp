// RAII for libcurl's handles. The only common header that includes libcurl: users link
// PkgConfig::CURL themselves (common/ itself does not).
#pragma once

#include <curl/curl.h>

#include <memory>

namespace roomrec::common {

struct CurlEasyCleanup {
    void operator()(CURL *handle) const { curl_easy_cleanup(handle); }
};
// An easy handle; keep one per thread and reuse it (curl_easy_reset) to keep connections alive.
using CurlEasy = std::unique_ptr<CURL, CurlEasyCleanup>;

struct CurlSlistFree {
    void operator()(curl_slist *list) const { curl_slist_free_all(list); }
};
// A header list, e.g. for CURLOPT_HTTPHEADER; it must outlive the transfer that uses it.
using CurlSlist = std::unique_ptr<curl_slist, CurlSlistFree>;

// Appends a copy of line; false (the list unchanged) when libcurl is out of memory.
inline bool curl_slist_add(CurlSlist &list, const char *line) {
    curl_slist *grown = curl_slist_append(list.get(), line);
    if (grown == nullptr) return false;
    (void)list.release(); // grown is the same list, longer (or a new one if it was empty)
    list.reset(grown);
    return true;
}

} // namespace roomrec::common
