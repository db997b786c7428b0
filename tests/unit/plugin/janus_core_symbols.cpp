// Stand-ins for the Janus core symbols the plugin's code references, so its request handlers (and
// the relay benchmark) run without the janus executable. Logging goes to stderr when
// ROOMREC_TEST_LOG is set; the SDP and configuration functions are not reached by these tests
// and abort if they ever are.
#include "plugin/janus_api.hpp"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

extern "C" {
int refcount_debug = 0;
int lock_debug = 0;
int janus_log_level = std::getenv("ROOMREC_TEST_LOG") ? LOG_MAX : LOG_NONE;
gboolean janus_log_timestamps = FALSE;
gboolean janus_log_colors = FALSE;
char *janus_log_global_prefix = nullptr;

void janus_vprintf(const char *format, ...) {
    va_list args;
    va_start(args, format);
    std::vfprintf(stderr, format, args);
    va_end(args);
}

janus_plugin_result *janus_plugin_result_new(janus_plugin_result_type type, const char *text, json_t *content) {
    auto *result = static_cast<janus_plugin_result *>(g_malloc0(sizeof(janus_plugin_result)));
    result->type = type;
    result->text = text;
    result->content = content;
    return result;
}

void janus_plugin_result_destroy(janus_plugin_result *result) {
    if (result == nullptr) return;
    json_decref(result->content);
    g_free(result);
}

gboolean janus_rtcp_has_pli(char *, int) { return FALSE; }
gboolean janus_rtcp_has_fir(char *, int) { return FALSE; }

#define ROOMREC_UNREACHED(name)                                                                                        \
    [[noreturn]] static void name##_unreached() {                                                                      \
        std::fprintf(stderr, #name " is not available in unit tests\n");                                               \
        std::abort();                                                                                                  \
    }
ROOMREC_UNREACHED(sdp)
ROOMREC_UNREACHED(config)

janus_sdp *janus_sdp_parse(const char *, char *, size_t) { sdp_unreached(); }
void janus_sdp_destroy(janus_sdp *) { sdp_unreached(); }
char *janus_sdp_write(janus_sdp *) { sdp_unreached(); }
janus_sdp *janus_sdp_generate_offer(const char *, const char *, ...) { sdp_unreached(); }
janus_sdp *janus_sdp_generate_answer(janus_sdp *) { sdp_unreached(); }
int janus_sdp_generate_offer_mline(janus_sdp *, ...) { sdp_unreached(); }
int janus_sdp_generate_answer_mline(janus_sdp *, janus_sdp *, janus_sdp_mline *, ...) { sdp_unreached(); }
int janus_sdp_get_codec_pt(janus_sdp *, int, const char *) { sdp_unreached(); }
const char *janus_sdp_get_fmtp(janus_sdp *, int, int) { sdp_unreached(); }
char *janus_sdp_get_video_profile(janus_videocodec, const char *) { sdp_unreached(); }
janus_config *janus_config_parse(const char *) { config_unreached(); }
void janus_config_destroy(janus_config *) { config_unreached(); }
janus_config_item *janus_config_get(janus_config *, janus_config_container *, janus_config_type, const char *) {
    config_unreached();
}
GList *janus_config_get_categories(janus_config *, janus_config_container *) { config_unreached(); }
GList *janus_config_get_items(janus_config *, janus_config_container *) { config_unreached(); }
}
