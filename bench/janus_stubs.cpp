// The few Janus symbols the relay path references, for running it outside Janus. In the
// plugin they resolve against the janus executable.
#include "plugin/janus_api.hpp"

#include <cstdarg>
#include <cstdio>

extern "C" {
int refcount_debug = 0;
int janus_log_level = 0;
gboolean janus_log_timestamps = FALSE;
gboolean janus_log_colors = FALSE;
char *janus_log_global_prefix = nullptr;
int lock_debug = 0;

void janus_vprintf(const char *format, ...) {
    va_list args;
    va_start(args, format);
    std::vfprintf(stderr, format, args);
    va_end(args);
}

gboolean janus_rtcp_has_pli(char *, int) { return FALSE; }
gboolean janus_rtcp_has_fir(char *, int) { return FALSE; }
}
