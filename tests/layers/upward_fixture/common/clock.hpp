// Fixture: pure base code including a framework header, and an include not from the root.
#pragma once
#include <gst/gst.h>
#include "room.hpp"
