// The durable hand-off between the plugin and the delivery worker (S4, DESIGN rule 7).
// A lifecycle event is written here (fsync, rename, fsync of the folder) on the thread where it
// happens, before anything else is told; the delivery worker moves it into the Postgres outbox
// and only then deletes the file. A crash, or Postgres being away, loses nothing: the files wait.
// Names sort by time: <created ms, 15 digits>-<event id>.json.
#pragma once

#include "storage/core/delivery_event.hpp"

#include <optional>
#include <string>
#include <vector>

namespace roomrec::storage {

class DeliverySpool {
public:
    explicit DeliverySpool(std::string folder);

    const std::string &folder() const { return folder_; }
    // Creates the folder (and rejected/) with owner-only access.
    bool open(std::string &error) const;
    // Durable when it returns true.
    bool put(const DeliveryEvent &event, std::string &error) const;
    // Entry names, oldest first.
    std::vector<std::string> pending() const;
    std::optional<std::string> read(const std::string &name) const;
    void remove(const std::string &name) const;
    // An entry that cannot be read is kept, out of the way, for the operator: rejected/<name>.
    void reject(const std::string &name) const;

private:
    std::string folder_;
};

} // namespace roomrec::storage
