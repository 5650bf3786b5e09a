/// Outbox payloads: image job -> message properties, invalidation -> product id and key.
#include "worker/bridge/outbox_payload.hpp"

#include <gtest/gtest.h>

namespace pms::bridge {
namespace {

TEST(ImageEvent, CarriesThePayloadAsBodyWithTheContractProperties) {
    // jsonb::text output, spaces and all: the body is sent exactly as stored.
    const std::string payload =
        R"({"job_id": 17, "position": 0, "request_id": "req-1", "product_id": 3, )"
        R"("source_url": "http://127.0.0.1/a.jpg", "enqueued_at": "2026-11-21T10:00:00Z"})";
    const ImageEvent event = image_event(payload);
    EXPECT_EQ(event.message.body, payload);
    EXPECT_EQ(event.message.message_id, "17");
    EXPECT_EQ(event.message.content_type, "application/json");
    EXPECT_TRUE(event.message.persistent);
    EXPECT_TRUE(event.message.expiration.empty());
    EXPECT_TRUE(event.message.headers.empty());
    EXPECT_EQ(event.job_id, "17");
    EXPECT_EQ(event.request_id, "req-1");
}

TEST(ImageEvent, LargeJobIdIsDecimalText) {
    const ImageEvent event = image_event(R"({"job_id": 9007199254740993})");
    EXPECT_EQ(event.message.message_id, "9007199254740993");
}

TEST(ImageEvent, JobIdGivenAsDigitsStringIsAccepted) {
    EXPECT_EQ(image_event(R"({"job_id": "123"})").message.message_id, "123");
}

TEST(ImageEvent, NullRequestIdIsEmpty) {
    const ImageEvent event = image_event(R"({"job_id": 5, "request_id": null})");
    EXPECT_EQ(event.request_id, "");
    EXPECT_EQ(event.message.message_id, "5");
}

TEST(ImageEvent, OddPayloadsAreStillCarriedWithoutMessageId) {
    for (const std::string payload :
         {"not json", "[1,2]", R"({"job_id": -1})", R"({"job_id": 1.5})", R"({"job_id": "x1"})",
          R"({"job_id": true})", "{}"}) {
        const ImageEvent event = image_event(payload);
        EXPECT_EQ(event.message.body, payload);
        EXPECT_EQ(event.message.message_id, "") << payload;
        EXPECT_TRUE(event.message.persistent);
        EXPECT_EQ(event.message.content_type, "application/json");
    }
}

TEST(Invalidation, ProductAndVersionFromPayload) {
    const auto first = invalidation(R"({"product_id": 12, "version": 3})");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->product_id, 12);
    EXPECT_EQ(first->version, 3);
    const auto second = invalidation(R"({"version": "9", "product_id": "7"})");
    ASSERT_TRUE(second);
    EXPECT_EQ(second->product_id, 7);
    EXPECT_EQ(second->version, 9);
}

TEST(Invalidation, MissingVersionStillDropsTheCopy) {
    const auto event = invalidation(R"({"product_id": 12})");
    ASSERT_TRUE(event);
    EXPECT_EQ(event->version, 0);
}

TEST(Invalidation, SellersWithOrWithoutAProduct) {
    const auto updated = invalidation(R"({"product_id": 12, "version": 3, "user_ids": [4, "5"]})");
    ASSERT_TRUE(updated);
    EXPECT_EQ(updated->product_id, 12);
    EXPECT_EQ(updated->user_ids, (std::vector<int64_t>{4, 5}));
    // New products: only their sellers' pages changed.
    const auto created = invalidation(R"({"user_ids": [9, 0, -1, "x", null, 10]})");
    ASSERT_TRUE(created);
    EXPECT_EQ(created->product_id, 0);
    EXPECT_EQ(created->user_ids, (std::vector<int64_t>{9, 10}));
}

TEST(Invalidation, PayloadWithNeitherProductNorSellerIsNothing) {
    EXPECT_FALSE(invalidation("{}"));
    EXPECT_FALSE(invalidation(R"({"product_id": null})"));
    EXPECT_FALSE(invalidation(R"({"product_id": 0})"));
    EXPECT_FALSE(invalidation(R"({"product_id": "99999999999999999999999"})"));
    EXPECT_FALSE(invalidation(R"({"user_ids": []})"));
    EXPECT_FALSE(invalidation(R"({"user_ids": 5})"));
    EXPECT_FALSE(invalidation("garbage"));
}

}  // namespace
}  // namespace pms::bridge
