// Fixture: domain reaching up into the plugin, which check_layers.py must refuse.
#pragma once
#include "plugin/session.hpp"
#include "common/clock.hpp"
