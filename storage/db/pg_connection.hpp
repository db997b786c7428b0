// plugin/telemetry_retention.cpp still includes this name; the connection is storage/db/database.hpp.
#pragma once

#include "storage/db/database.hpp"
