#pragma once
/// The Redis layout of the product cache, shared by pms-api (which fills it and invalidates it
/// after its own writes) and pms-bridge (which invalidates it for every other writer).
///
/// Each product has its cached JSON and a version floor: the newest version an invalidation
/// announced. A reader that read an older version from PostgreSQL must not store it, so a slow
/// reader can never put back a copy that an invalidation already removed.

#include <chrono>
#include <string>
#include <string_view>

#include "common/redis.hpp"

namespace pms::cache {

/// The key of a product's cached JSON.
std::string product_key(std::string_view id);
/// The key of a product's version floor: a sorted set with one member, kFloorMember, whose score
/// is the version (sorted sets have an atomic "raise only": ZADD GT).
std::string floor_key(std::string_view id);
inline constexpr std::string_view kFloorMember = "v";
/// The floor of a deleted product: no version reaches it.
inline constexpr std::string_view kDeletedVersion = "+inf";

/// Queues on `redis`'s pipeline the invalidation of product `id` at `version`: raise the floor
/// (never lower it), keep the floor for `floor_ttl`, delete the cached copy — in this order, so
/// that no reader can slip an older copy in between. The caller reads kInvalidationReplies
/// replies. Needs Redis 6.2 or later (ZADD GT).
void append_invalidation(redis::Connection& redis, std::string_view id, std::string_view version,
                         std::chrono::seconds floor_ttl);
inline constexpr int kInvalidationReplies = 3;

/// Pages of products (GET /products) are cached for lists of one seller (user_id given), each
/// under the seller's current generation: a random token that the first reader after an
/// invalidation draws. A page is stored as the generation it was read under, a newline, and its
/// JSON; it answers only while that is still the seller's generation. Invalidating a seller's
/// pages deletes the generation, so a page read before the change, whenever it is stored, never
/// answers again; readers read the generation before they ask PostgreSQL.
std::string list_generation_key(std::string_view user_id);
/// `filters` is the page's canonical query (page_key in fcgi/product_cache.hpp), different for any
/// two requests that could get different pages.
std::string list_page_key(std::string_view user_id, std::string_view filters);
/// Queues the invalidation of the pages of seller `user_id`; the caller reads
/// kListInvalidationReplies.
void append_list_invalidation(redis::Connection& redis, std::string_view user_id);
inline constexpr int kListInvalidationReplies = 1;
/// Queues a freeze of the pages of seller `user_id` for `duration`, for a writer about to commit
/// a change of them: the generation becomes kFrozenGeneration, under which no page answers and
/// none is stored. The writer invalidates after its COMMIT, which ends the freeze; a writer that
/// dies first leaves a freeze that ends by itself, after its COMMIT. The caller reads
/// kListFreezeReplies.
void append_list_freeze(redis::Connection& redis, std::string_view user_id,
                        std::chrono::seconds duration);
inline constexpr std::string_view kFrozenGeneration = "frozen";
inline constexpr int kListFreezeReplies = 1;

}  // namespace pms::cache
