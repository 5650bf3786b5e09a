/// Bookkeeping of publisher confirms for one batch.
#include "worker/bridge/confirm_tracker.hpp"

#include <iterator>

namespace pms::bridge {

void ConfirmTracker::expect(uint64_t delivery_tag) {
    outstanding_.insert(delivery_tag);
}

void ConfirmTracker::on_event(const amqp::PublisherEvent& event) {
    switch (event.kind) {
        case amqp::PublisherEvent::Kind::kAck:
            settle(event.delivery_tag, event.multiple, /*ack=*/true);
            break;
        case amqp::PublisherEvent::Kind::kNack:
            settle(event.delivery_tag, event.multiple, /*ack=*/false);
            break;
        case amqp::PublisherEvent::Kind::kReturn:
            // basic.return carries no delivery tag; its message's ack follows and settles it.
            returned_.push_back(event.message_id + " (" + event.reason + ")");
            break;
    }
}

void ConfirmTracker::settle(uint64_t delivery_tag, bool multiple, bool ack) {
    auto first = outstanding_.begin();
    auto last = outstanding_.end();
    if (multiple) {
        // "Every tag up to and including this one"; tag 0 with multiple means all outstanding.
        if (delivery_tag != 0) {
            last = outstanding_.upper_bound(delivery_tag);
        }
    } else {
        first = outstanding_.find(delivery_tag);
        if (first == outstanding_.end()) {
            return;
        }
        last = std::next(first);
    }
    (ack ? acked_ : nacked_) += static_cast<size_t>(std::distance(first, last));
    outstanding_.erase(first, last);
}

}  // namespace pms::bridge
