// RAII for libmicrohttpd's handles. The only common header that includes microhttpd.h: users
// link libmicrohttpd themselves (common/ itself does not).
#pragma once

#include <microhttpd.h>

#include <memory>

namespace roomrec::common {

struct MhdDaemonStop {
    void operator()(MHD_Daemon *daemon) const { MHD_stop_daemon(daemon); }
};
// A running daemon; resetting it stops its threads and closes its connections.
using MhdDaemon = std::unique_ptr<MHD_Daemon, MhdDaemonStop>;

struct MhdResponseDestroy {
    void operator()(MHD_Response *response) const { MHD_destroy_response(response); }
};
// A response until it is queued (MHD keeps its own reference then) and destroyed here.
using MhdResponse = std::unique_ptr<MHD_Response, MhdResponseDestroy>;

} // namespace roomrec::common
