// The static web pages the link server serves from `links.web_root` (the room page, the
// recordings library, the analytics dashboard): which file a request path names, and its
// content type. Pure. The link server still resolves the file under the root (symbolic links
// followed, core/contained_path) and opens it without following a last symbolic link.
#pragma once

#include <string>
#include <string_view>

namespace roomrec::storage {

struct WebPath {
    std::string relative; // below the web root, never starting with '/'; empty when refused
    bool folder = false;  // the path ended in '/': `relative` is its index.html
};

// A decoded request path ("/", "/dashboard/", "/dashboard/dashboard.js") to the file below the
// root: "/" and ".../" mean their index.html. Refused (empty relative): a path not starting with
// '/', an empty part ("//"), a part starting with '.' (".", "..", hidden files), a character
// outside [A-Za-z0-9._-], more than 16 parts or 512 bytes.
WebPath web_path(std::string_view url);

// The Content-Type of a served page file by its extension (html, js, mjs, css, json, svg, png,
// jpg, ico, woff2, txt, map, pdf); application/octet-stream for the rest.
const char *web_content_type(std::string_view file);

} // namespace roomrec::storage
