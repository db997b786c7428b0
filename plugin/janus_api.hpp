// The one place that includes Janus headers: they lack extern "C" guards and must follow glib.
#pragma once

#include <glib.h>
#include <jansson.h>

extern "C" {
#include <janus/config.h>
#include <janus/debug.h>
#include <janus/plugins/plugin.h>
#include <janus/rtcp.h>
#include <janus/rtp.h>
#include <janus/sdp-utils.h>
#include <janus/utils.h>
}
