/// Publisher confirm bookkeeping: acks (single and multiple), nacks, returns, missing confirms.
#include "worker/bridge/confirm_tracker.hpp"

#include <gtest/gtest.h>

namespace pms::bridge {
namespace {

using Kind = amqp::PublisherEvent::Kind;

amqp::PublisherEvent event(Kind kind, uint64_t tag, bool multiple = false) {
    amqp::PublisherEvent e;
    e.kind = kind;
    e.delivery_tag = tag;
    e.multiple = multiple;
    return e;
}

amqp::PublisherEvent returned(const std::string& message_id) {
    amqp::PublisherEvent e;
    e.kind = Kind::kReturn;
    e.message_id = message_id;
    e.reason = "312 NO_ROUTE";
    return e;
}

ConfirmTracker expecting(uint64_t first, uint64_t last) {
    ConfirmTracker tracker;
    for (uint64_t tag = first; tag <= last; ++tag) {
        tracker.expect(tag);
    }
    return tracker;
}

TEST(ConfirmTracker, EmptyBatchIsSettledAndSucceeded) {
    ConfirmTracker tracker;
    EXPECT_TRUE(tracker.settled());
    EXPECT_TRUE(tracker.succeeded());
}

TEST(ConfirmTracker, SingleAcksSettleOneByOne) {
    ConfirmTracker tracker = expecting(1, 3);
    tracker.on_event(event(Kind::kAck, 2));
    EXPECT_EQ(tracker.outstanding(), 2U);
    EXPECT_FALSE(tracker.settled());
    tracker.on_event(event(Kind::kAck, 1));
    tracker.on_event(event(Kind::kAck, 3));
    EXPECT_TRUE(tracker.settled());
    EXPECT_TRUE(tracker.succeeded());
    EXPECT_EQ(tracker.acked(), 3U);
}

TEST(ConfirmTracker, MultipleAckSettlesEverythingUpToItsTag) {
    ConfirmTracker tracker = expecting(1, 500);
    tracker.on_event(event(Kind::kAck, 250, true));
    EXPECT_EQ(tracker.outstanding(), 250U);
    tracker.on_event(event(Kind::kAck, 499, true));
    EXPECT_EQ(tracker.outstanding(), 1U);
    EXPECT_FALSE(tracker.succeeded());
    tracker.on_event(event(Kind::kAck, 500, true));
    EXPECT_TRUE(tracker.succeeded());
    EXPECT_EQ(tracker.acked(), 500U);
}

TEST(ConfirmTracker, MultipleAckWithTagZeroSettlesAll) {
    ConfirmTracker tracker = expecting(7, 9);
    tracker.on_event(event(Kind::kAck, 0, true));
    EXPECT_TRUE(tracker.succeeded());
}

TEST(ConfirmTracker, TagsOfAnEarlierBatchChangeNothing) {
    ConfirmTracker tracker = expecting(11, 20);
    tracker.on_event(event(Kind::kAck, 5));
    tracker.on_event(event(Kind::kNack, 6));
    tracker.on_event(event(Kind::kAck, 10, true));
    EXPECT_EQ(tracker.outstanding(), 10U);
    EXPECT_EQ(tracker.acked(), 0U);
    EXPECT_EQ(tracker.nacked(), 0U);
    tracker.on_event(event(Kind::kAck, 20, true));
    EXPECT_TRUE(tracker.succeeded());
}

TEST(ConfirmTracker, DuplicateAckCountsOnce) {
    ConfirmTracker tracker = expecting(1, 2);
    tracker.on_event(event(Kind::kAck, 1));
    tracker.on_event(event(Kind::kAck, 1));
    EXPECT_EQ(tracker.acked(), 1U);
    EXPECT_EQ(tracker.outstanding(), 1U);
}

TEST(ConfirmTracker, NackSettlesButFails) {
    ConfirmTracker tracker = expecting(1, 3);
    tracker.on_event(event(Kind::kAck, 1));
    tracker.on_event(event(Kind::kNack, 2));
    tracker.on_event(event(Kind::kAck, 3));
    EXPECT_TRUE(tracker.settled());
    EXPECT_FALSE(tracker.succeeded());
    EXPECT_EQ(tracker.nacked(), 1U);
    EXPECT_EQ(tracker.acked(), 2U);
}

TEST(ConfirmTracker, MultipleNackFailsTheWholeRange) {
    ConfirmTracker tracker = expecting(1, 4);
    tracker.on_event(event(Kind::kNack, 3, true));
    EXPECT_EQ(tracker.nacked(), 3U);
    tracker.on_event(event(Kind::kAck, 4));
    EXPECT_TRUE(tracker.settled());
    EXPECT_FALSE(tracker.succeeded());
}

TEST(ConfirmTracker, ReturnThenAckIsAFailure) {
    // The broker sends basic.return for an unroutable mandatory message, then acks it.
    ConfirmTracker tracker = expecting(1, 2);
    tracker.on_event(event(Kind::kAck, 1));
    tracker.on_event(returned("42"));
    EXPECT_FALSE(tracker.settled());
    tracker.on_event(event(Kind::kAck, 2));
    EXPECT_TRUE(tracker.settled());
    EXPECT_FALSE(tracker.succeeded());
    ASSERT_EQ(tracker.returned().size(), 1U);
    EXPECT_EQ(tracker.returned().front(), "42 (312 NO_ROUTE)");
    EXPECT_EQ(tracker.acked(), 2U);
}

TEST(ConfirmTracker, MissingConfirmsLeaveTheBatchUnsettled) {
    ConfirmTracker tracker = expecting(1, 3);
    tracker.on_event(event(Kind::kAck, 2, true));
    EXPECT_FALSE(tracker.settled());
    EXPECT_FALSE(tracker.succeeded());
    EXPECT_EQ(tracker.outstanding(), 1U);
}

}  // namespace
}  // namespace pms::bridge
