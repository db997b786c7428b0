#include "storage/core/migration_plan.hpp"

#include <algorithm>
#include <set>

namespace roomrec::storage {

MigrationPlan plan_migrations(const std::vector<int> &known, const std::vector<int> &applied) {
    MigrationPlan plan;
    if (known.empty() || !std::is_sorted(known.begin(), known.end()) ||
        std::adjacent_find(known.begin(), known.end()) != known.end() || known.front() < 1) {
        plan.error = "this build's migrations are not numbered 1, 2, ... in order (a build error)";
        return plan;
    }
    const std::set<int> done(applied.begin(), applied.end());
    if (!done.empty() && *done.rbegin() > known.back()) {
        plan.error = "the database schema is at version " + std::to_string(*done.rbegin()) +
                     ", newer than this build knows (" + std::to_string(known.back()) +
                     "): refusing to run an older roomrec against it";
        return plan;
    }
    for (int version : done) {
        if (!std::binary_search(known.begin(), known.end(), version)) {
            plan.error = "the database has migration " + std::to_string(version) + " that this build does not know";
            return plan;
        }
    }
    for (int version : known)
        if (!done.count(version)) plan.to_apply.push_back(version);
    return plan;
}

} // namespace roomrec::storage
