// Fixture: a plugin header (the highest layer).
#pragma once
