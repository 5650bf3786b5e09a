#pragma once
/// Which messages of a published batch the broker has not confirmed yet, and whether any was
/// refused: the pure part of publishing with confirms, driven by PublisherEvents.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "worker/amqp/amqp.hpp"

namespace pms::bridge {

class ConfirmTracker {
public:
    /// A message was published with this delivery tag and awaits its confirm.
    void expect(uint64_t delivery_tag);
    /// Applies an ack, nack or return. Confirms of tags this batch does not wait for (left over
    /// from an earlier batch) change nothing.
    void on_event(const amqp::PublisherEvent& event);

    /// Every expected message was acked or nacked.
    bool settled() const { return outstanding_.empty(); }
    /// Settled, and the broker took every message: none nacked, none returned. A return comes
    /// before the ack of the same message (an unroutable message is "confirmed" too), so an
    /// acked message may still have failed.
    bool succeeded() const { return settled() && nacked_ == 0 && returned_.empty(); }

    size_t outstanding() const { return outstanding_.size(); }
    size_t acked() const { return acked_; }
    size_t nacked() const { return nacked_; }
    /// message_id of each returned message, with the broker's reason.
    const std::vector<std::string>& returned() const { return returned_; }

private:
    void settle(uint64_t delivery_tag, bool multiple, bool ack);

    std::set<uint64_t> outstanding_;
    size_t acked_ = 0;
    size_t nacked_ = 0;
    std::vector<std::string> returned_;
};

}  // namespace pms::bridge
