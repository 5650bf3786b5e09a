#pragma once
/// Cache-aside for GET /products/{id} and a seller's pages of GET /products in Redis (layout:
/// common/product_cache_layout.hpp). Redis is optional at run time: every failure degrades to a
/// miss, and the child reconnects on its own, at most once a second.
///
/// With a near cache (the child's own copies of products, fcgi/near_cache.hpp), the products a
/// batch reads from Redis are tracked by Redis (client-side caching: CLIENT TRACKING ... OPTIN,
/// its invalidation messages redirected to a second, subscribed connection), and kept; a later
/// batch takes them from there, after applying every invalidation message that has arrived. Redis
/// writes one as it changes or deletes a tracked key, in the same turn of its event loop as its
/// answer to the writer (a PUT's invalidation before its COMMIT, pms-bridge's), so the message is
/// there long before the writer's COMMIT and HTTP answer let anyone learn of the change. When
/// either connection fails or Redis closes it, the copies are dropped with it.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/redis.hpp"
#include "fcgi/api_arguments.hpp"
#include "fcgi/near_cache.hpp"

namespace pms::api {

/// Where a page of products is cached: its seller and its key. Lists of everyone's products are
/// not cached (every write would invalidate them).
struct PageKey {
    std::string user_id;  ///< canonical decimal, as the invalidations name sellers
    std::string key;      ///< the Redis key: different for any two filters that differ
};
/// The page key of `filters` (as parse_list_filters checked them); nothing without a user_id.
std::optional<PageKey> page_key(const ListFilters& filters);

class ProductCache {
public:
    /// `near_cache_bytes`: the budget of the near cache, 0 for none.
    ProductCache(redis::Endpoint endpoint, std::chrono::seconds ttl, size_t near_cache_bytes = 0);

    /// The cached JSON of product `id`, or nothing on a miss or while Redis is down.
    std::optional<std::string> get(std::string_view id);

    /// A batch of requests reads Redis once, not once per GET (a cached GET is little more than
    /// that round trip, so under load this is most of its cost): prefetch() names a product that
    /// a request of the batch will get(), fetch_prefetched() reads them all in one pipelined
    /// round trip, and get() answers from that read until end_batch(). invalidate() drops its
    /// product from it, so a write earlier in the batch is not hidden from a later GET.
    /// prefetch_page() does the same for a page of products, and reads (or draws) the seller's
    /// generation, which a miss needs before it asks PostgreSQL.
    void prefetch(std::string_view id);
    void prefetch_page(const PageKey& page);
    void fetch_prefetched();
    /// How many of the products the last fetch_prefetched() took from the near cache.
    size_t near_copies_fetched() const { return near_copies_fetched_; }
    void end_batch();
    /// Whether fetch_prefetched() found a copy of `key` (a product id, or a PageKey's key), and
    /// whether it found none: a request that the cache cannot answer goes to a lane
    /// (fcgi/lanes.hpp), whose own cache is told of the miss so that it does not ask Redis again.
    /// prefetched_generation() is the seller's generation the read found for a page ("" for a
    /// product), which remember_miss() hands to the lane with the miss.
    bool has_prefetched_copy(std::string_view key) const;
    bool has_prefetched_miss(std::string_view key) const;
    std::string prefetched_generation(std::string_view key) const;
    void remember_miss(std::string_view key, std::string generation = "");

    /// A page of products: the copy fetch_prefetched() found, or else `read()` (PostgreSQL's
    /// answer) under the seller's generation, stored for the next readers without waiting for
    /// Redis. `hit` says whether a copy answered. What `read` throws passes through, and nothing
    /// is stored then.
    std::string page(const PageKey& page, const std::function<std::string()>& read, bool& hit);
    /// Drops the cached pages of the sellers `user_ids` (after the COMMIT that changed them);
    /// whether Redis took it. When it did not, the database's own event does it (pms-bridge).
    bool invalidate_pages(const std::vector<std::string>& user_ids);

    /// A copy read from PostgreSQL at `version`.
    struct Fill {
        std::string id;
        std::string json;
        std::string version;
    };

    /// Stores each copy unless an invalidation announced a newer version meanwhile; returns how
    /// many it stored. Two steps, so that tests can interleave an invalidation between them:
    /// begin_fill() watches the floors, finish_fill() stores atomically only those whose floor is
    /// not above their version, and only if no watched floor moved since begin_fill() (then none:
    /// the next reader fills). A whole batch's copies take these two round trips together.
    size_t fill(const std::vector<Fill>& fills);
    void begin_fill(const std::vector<Fill>& fills);
    size_t finish_fill(const std::vector<Fill>& fills);
    /// The same for one copy; whether it stored it.
    bool fill(std::string_view id, const std::string& json, std::string_view version);
    void begin_fill(std::string_view id);
    bool finish_fill(std::string_view id, const std::string& json, std::string_view version);

    /// Drops the cached copy and raises the floor to `version` (the one just committed, or about
    /// to be: a floor above the committed version only keeps the product out of the cache).
    void invalidate(std::string_view id, std::string_view version);
    /// The same for several products, in one round trip; whether Redis took every one. Those
    /// with a user_id also freeze their seller's pages (common/product_cache_layout.hpp) until
    /// invalidate_pages() after the COMMIT.
    struct Invalidation {
        std::string id;
        std::string version;
        std::string user_id;
    };
    bool invalidate(const std::vector<Invalidation>& invalidations);
    /// Freezes the pages of the sellers `user_ids` alone, for a writer about to change them
    /// without any cached product (a POST); whether Redis took every freeze.
    bool freeze_pages(const std::vector<std::string>& user_ids);

    /// A round trip to Redis; nothing when it is down.
    std::optional<std::chrono::microseconds> ping();

private:
    /// Raises the floors of `products` and freezes the pages of `sellers`, in one round trip.
    bool write_invalidations(const std::vector<Invalidation>& products,
                             const std::vector<std::string_view>& sellers);
    /// The connection, opened again when Redis closed it since its last use; nothing while Redis
    /// is down.
    redis::Connection* connection();
    /// Has Redis track connection_'s reads of products for the near cache, when it has one and
    /// Redis agrees.
    void start_tracking();
    /// Drops the near copies that Redis's invalidation messages name; throws redis::Error when
    /// their connection is no longer open (then no message may come).
    void apply_invalidations();
    /// Closes both connections and drops the near copies, which nothing keeps right without them.
    void drop_connections();
    void on_failure(const redis::Error& error);
    /// A batch's MGET of products, with CLIENT CACHING yes before it when `tracked`.
    struct ProductRead {
        bool tracked;
        std::vector<std::string> ids;
        std::vector<std::string> keys;
    };
    /// Reads the replies of `read`'s commands: each product into prefetched_, and into the near
    /// cache when Redis tracks it.
    void take_product_read(redis::Connection& redis, ProductRead& read);

    redis::Endpoint endpoint_;
    std::chrono::seconds ttl_;
    std::string ttl_text_;
    std::unique_ptr<redis::Connection> connection_;
    NearCache near_;
    /// Subscribed to the invalidation messages of connection_'s tracked reads (while tracking_).
    std::unique_ptr<redis::Connection> invalidations_;
    bool tracking_ = false;
    size_t near_copies_fetched_ = 0;
    bool reported_no_tracking_ = false;
    /// Between begin_fill() and finish_fill(): the floor of each watched id (0 without one).
    std::unordered_map<std::string, double> watched_floors_;
    std::vector<std::string> prefetching_;
    std::vector<PageKey> prefetching_pages_;
    /// The generation fetch_prefetched() read for each page key.
    std::unordered_map<std::string, std::string> generations_;
    /// What fetch_prefetched() read, by product id or page key: the copy, or nothing for a miss.
    std::unordered_map<std::string, std::optional<std::string>> prefetched_;
    std::chrono::steady_clock::time_point retry_at_{};
    bool reported_down_ = false;
};

}  // namespace pms::api
