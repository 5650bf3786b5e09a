/// Redis cache-aside for single products, with version floors against stale fills, and for
/// sellers' pages of products, with generations against stale fills.
#include "fcgi/product_cache.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <utility>

#include "common/log.hpp"
#include "common/product_cache_layout.hpp"

namespace pms::api {

namespace {
// Redis is on the request path: a cache that answers slower than this is treated as down.
constexpr std::chrono::milliseconds kTimeout{200};
constexpr std::chrono::seconds kRetryInterval{1};
/// A freeze of a seller's pages outlasts any COMMIT that it comes before: a POST freezes before its
/// statement, which pms_api's statement_timeout (10 s, migration 0011) ends first.
constexpr std::chrono::seconds kPageFreeze{30};
/// How long a near copy answers without asking Redis again. Its invalidation messages keep it
/// right; the limit bounds what a lost message could cost, were Redis out of reach without
/// either connection noticing (no connection reset from a partitioned host).
constexpr std::chrono::milliseconds kNearCopyMaxAge{1000};
/// Where Redis publishes the invalidation messages of a redirected tracking (RESP2).
constexpr std::string_view kInvalidationChannel = "__redis__:invalidate";

/// Appends `param` to `key` so that no two different lists of params give the same key: each is
/// its length and its text, or "-" for none.
void append_param(std::string& key, const Param& param) {
    if (!param) {
        key += "-";
        return;
    }
    key += std::to_string(param->size());
    key += ':';
    key += *param;
}

/// A generation nobody drew before: 64 random bits as hex.
std::string new_generation() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(random()));
    return text;
}

/// The generation a SET NX GET of `drawn` left: the one it found, `drawn` if it found none, ""
/// when Redis refused it (then nothing is stored).
std::string generation_of(const redis::Reply& reply, std::string drawn) {
    if (reply.is_string()) {
        return reply.text() == cache::kFrozenGeneration ? std::string() : std::string(reply.text());
    }
    return reply.is_nil() ? std::move(drawn) : std::string();
}

/// The page stored under `generation` in `value` ("generation\njson"), or nothing.
std::optional<std::string> page_of(std::string_view value, std::string_view generation) {
    if (generation.empty() || value.size() <= generation.size() ||
        value.substr(0, generation.size()) != generation || value[generation.size()] != '\n') {
        return std::nullopt;
    }
    return std::string(value.substr(generation.size() + 1));
}

}  // namespace

std::optional<PageKey> page_key(const ListFilters& filters) {
    if (!filters.user_id) {
        return std::nullopt;
    }
    // As PostgreSQL prints the id: invalidations name sellers so.
    std::string_view user_id = *filters.user_id;
    while (user_id.size() > 1 && user_id.front() == '0') {
        user_id.remove_prefix(1);
    }
    std::string query;
    for (const Param* param : {&filters.min_price, &filters.max_price, &filters.limit,
                               &filters.cursor, &filters.name_contains}) {
        append_param(query, *param);
        query += ';';
    }
    PageKey page{std::string(user_id), {}};
    page.key = cache::list_page_key(page.user_id, query);
    return page;
}

ProductCache::ProductCache(redis::Endpoint endpoint, std::chrono::seconds ttl,
                           size_t near_cache_bytes)
    : endpoint_(std::move(endpoint)),
      ttl_(ttl),
      ttl_text_(std::to_string(ttl.count())),
      near_(near_cache_bytes, kNearCopyMaxAge) {}

redis::Connection* ProductCache::connection() {
    if (connection_) {
        try {
            // Closed by Redis since its last use (a restart, its idle timeout, CLIENT KILL): a
            // new one now, instead of a failed command and a second without Redis. Redis also
            // forgot what the closed one tracked, so the near copies go with it.
            connection_->check_open();
            return connection_.get();
        } catch (const redis::Error&) {
            drop_connections();
        }
    }
    if (std::chrono::steady_clock::now() < retry_at_) {
        return nullptr;
    }
    try {
        connection_ = std::make_unique<redis::Connection>(endpoint_, kTimeout);
        start_tracking();
        if (reported_down_) {
            log::info("redis reachable again");
            reported_down_ = false;
        }
        return connection_.get();
    } catch (const redis::Error& error) {
        on_failure(error);
        return nullptr;
    }
}

void ProductCache::start_tracking() {
    if (!near_.enabled()) {
        return;
    }
    auto invalidations = std::make_unique<redis::Connection>(endpoint_, kTimeout);
    // The first refusal: an ACL without CLIENT or SUBSCRIBE, or a Redis before 6.
    std::string refusal;
    const redis::Reply id = invalidations->command({"CLIENT", "ID"});
    if (!id.is_integer()) {
        refusal = id.text();
    } else if (const redis::Reply subscribed =
                   invalidations->command({"SUBSCRIBE", kInvalidationChannel});
               subscribed.is_error()) {
        refusal = subscribed.text();
    } else if (const redis::Reply on = connection_->command(
                   {"CLIENT", "TRACKING", "on", "REDIRECT", std::to_string(id.integer()), "OPTIN"});
               on.is_error()) {
        refusal = on.text();
    }
    if (!refusal.empty()) {
        if (!reported_no_tracking_) {
            log::warn("redis refused client tracking, serving without the near cache",
                      {{"error", refusal}});
            reported_no_tracking_ = true;
        }
        return;
    }
    invalidations_ = std::move(invalidations);
    tracking_ = true;
}

void ProductCache::apply_invalidations() {
    while (const std::optional<redis::Reply> message = invalidations_->poll_reply()) {
        // ["message", channel, the keys], the keys nil when Redis flushed them all.
        if (!message->is_array() || message->size() != 3 ||
            message->element(0).text() != "message") {
            continue;
        }
        const redis::ReplyView keys = message->element(2);
        if (!keys.is_array()) {
            near_.clear();
            continue;
        }
        for (size_t i = 0; i < keys.size(); ++i) {
            near_.erase(keys.element(i).text());
        }
    }
}

void ProductCache::drop_connections() {
    connection_.reset();
    invalidations_.reset();
    tracking_ = false;
    near_.clear();
    watched_floors_.clear();
}

void ProductCache::on_failure(const redis::Error& error) {
    drop_connections();
    retry_at_ = std::chrono::steady_clock::now() + kRetryInterval;
    if (!reported_down_) {
        log::warn("redis unavailable, serving from postgresql", {{"error", error.what()}});
        reported_down_ = true;
    }
}

std::optional<std::string> ProductCache::get(std::string_view id) {
    if (const auto found = prefetched_.find(std::string(id)); found != prefetched_.end()) {
        return found->second;
    }
    redis::Connection* redis = connection();
    if (redis == nullptr) {
        return std::nullopt;
    }
    try {
        redis::Reply reply = redis->command({"GET", cache::product_key(id)});
        if (reply.is_string()) {
            return std::string(reply.text());
        }
    } catch (const redis::Error& error) {
        on_failure(error);
    }
    return std::nullopt;
}

void ProductCache::prefetch(std::string_view id) {
    if (std::find(prefetching_.begin(), prefetching_.end(), id) == prefetching_.end()) {
        prefetching_.emplace_back(id);
    }
}

void ProductCache::prefetch_page(const PageKey& page) {
    if (std::none_of(prefetching_pages_.begin(), prefetching_pages_.end(),
                     [&](const PageKey& other) { return other.key == page.key; })) {
        prefetching_pages_.push_back(page);
    }
}

void ProductCache::fetch_prefetched() {
    near_copies_fetched_ = 0;
    std::vector<std::string> ids = std::exchange(prefetching_, {});
    std::vector<PageKey> pages = std::exchange(prefetching_pages_, {});
    redis::Connection* redis = ids.empty() && pages.empty() ? nullptr : connection();
    if (redis == nullptr) {
        return;  // each get() is a miss while Redis is down
    }
    try {
        // The products Redis is asked for: one read for the first time lately untracked, one read
        // again tracked, and kept (NearCache::admit).
        std::array<ProductRead, 2> reads{ProductRead{false, {}, {}}, ProductRead{true, {}, {}}};
        if (tracking_) {
            apply_invalidations();
        }
        const auto now = NearCache::Clock::now();
        for (std::string& id : ids) {
            std::string key = cache::product_key(id);
            if (std::optional<std::string> copy = tracking_ ? near_.find(key, now) : std::nullopt) {
                prefetched_.emplace(std::move(id), std::move(copy));
                ++near_copies_fetched_;
                continue;
            }
            ProductRead& read = reads[tracking_ && near_.admit(key) ? 1 : 0];
            read.ids.push_back(std::move(id));
            read.keys.push_back(std::move(key));
        }
        for (const ProductRead& read : reads) {
            if (read.ids.empty()) {
                continue;
            }
            if (read.tracked) {
                // OPTIN: Redis tracks the keys of the next command only.
                redis->append({"CLIENT", "CACHING", "yes"});
            }
            std::vector<std::string_view> mget{"MGET"};
            mget.insert(mget.end(), read.keys.begin(), read.keys.end());
            redis->append(mget);
        }
        // The generation first, drawn when there is none (SET NX GET answers the one that
        // stays): a page stored under the generation read before it is current.
        std::vector<std::string> drawn;
        drawn.reserve(pages.size());
        for (const PageKey& page : pages) {
            redis->append({"SET", cache::list_generation_key(page.user_id),
                           drawn.emplace_back(new_generation()), "NX", "GET", "EX", ttl_text_});
            redis->append({"GET", page.key});
        }
        for (ProductRead& read : reads) {
            if (!read.ids.empty()) {
                take_product_read(*redis, read);
            }
        }
        for (size_t i = 0; i < pages.size(); ++i) {
            std::string generation = generation_of(redis->read_reply(), std::move(drawn[i]));
            const redis::Reply value = redis->read_reply();
            std::optional<std::string> copy =
                value.is_string() ? page_of(value.text(), generation) : std::nullopt;
            generations_.emplace(pages[i].key, std::move(generation));
            prefetched_.emplace(std::move(pages[i].key), std::move(copy));
        }
    } catch (const redis::Error& error) {
        prefetched_.clear();
        generations_.clear();
        on_failure(error);
    }
}

void ProductCache::take_product_read(redis::Connection& redis, ProductRead& read) {
    const bool tracked = read.tracked && !redis.read_reply().is_error();
    const redis::Reply values = redis.read_reply();
    const auto now = NearCache::Clock::now();
    for (size_t i = 0; i < read.ids.size(); ++i) {
        std::optional<std::string> copy;
        if (values.is_array() && i < values.size() && values.element(i).is_string()) {
            copy.emplace(values.element(i).text());
            if (tracked) {
                near_.store(read.keys[i], *copy, now);
            }
        }
        prefetched_.emplace(std::move(read.ids[i]), std::move(copy));
    }
}

bool ProductCache::has_prefetched_copy(std::string_view id) const {
    const auto found = prefetched_.find(std::string(id));
    return found != prefetched_.end() && found->second.has_value();
}

bool ProductCache::has_prefetched_miss(std::string_view id) const {
    const auto found = prefetched_.find(std::string(id));
    return found != prefetched_.end() && !found->second.has_value();
}

std::string ProductCache::prefetched_generation(std::string_view key) const {
    const auto found = generations_.find(std::string(key));
    return found != generations_.end() ? found->second : std::string();
}

void ProductCache::remember_miss(std::string_view key, std::string generation) {
    prefetched_.insert_or_assign(std::string(key), std::nullopt);
    if (!generation.empty()) {
        generations_.insert_or_assign(std::string(key), std::move(generation));
    }
}

void ProductCache::end_batch() {
    prefetching_.clear();
    prefetching_pages_.clear();
    prefetched_.clear();
    generations_.clear();
}

std::string ProductCache::page(const PageKey& page, const std::function<std::string()>& read,
                               bool& hit) {
    hit = false;
    const auto prefetched = prefetched_.find(page.key);
    if (prefetched != prefetched_.end() && prefetched->second) {
        hit = true;
        return *prefetched->second;
    }
    redis::Connection* redis = connection();
    if (redis == nullptr) {
        return read();
    }
    std::string generation = prefetched_generation(page.key);
    if (generation.empty()) {
        // Not read with a batch (or Redis was away then): as fetch_prefetched() reads it.
        const bool look = prefetched == prefetched_.end();
        try {
            std::string drawn = new_generation();
            redis->append({"SET", cache::list_generation_key(page.user_id), drawn, "NX", "GET",
                           "EX", ttl_text_});
            if (look) {
                redis->append({"GET", page.key});
            }
            generation = generation_of(redis->read_reply(), std::move(drawn));
            if (look) {
                const redis::Reply value = redis->read_reply();
                if (auto copy =
                        value.is_string() ? page_of(value.text(), generation) : std::nullopt) {
                    hit = true;
                    return std::move(*copy);
                }
            }
        } catch (const redis::Error& error) {
            on_failure(error);
            return read();
        }
    }
    std::string json = read();
    if (generation.empty()) {
        return json;
    }
    // Stored without waiting for Redis's answer: the client's answer does not wait for it.
    try {
        std::string value = generation;
        value += '\n';
        value += json;
        redis->send_unanswered({"SET", page.key, value, "EX", ttl_text_});
    } catch (const redis::Error& error) {
        on_failure(error);
    }
    return json;
}

bool ProductCache::invalidate_pages(const std::vector<std::string>& user_ids) {
    if (user_ids.empty()) {
        return true;
    }
    redis::Connection* redis = connection();
    if (redis == nullptr) {
        return false;
    }
    try {
        for (const std::string& user_id : user_ids) {
            cache::append_list_invalidation(*redis, user_id);
        }
        bool all_taken = true;
        for (size_t i = 0; i < user_ids.size() * cache::kListInvalidationReplies; ++i) {
            all_taken = !redis->read_reply().is_error() && all_taken;
        }
        return all_taken;
    } catch (const redis::Error& error) {
        on_failure(error);
        return false;
    }
}

void ProductCache::begin_fill(const std::vector<Fill>& fills) {
    watched_floors_.clear();
    redis::Connection* redis = fills.empty() ? nullptr : connection();
    if (redis == nullptr) {
        return;
    }
    try {
        // WATCH first: any invalidation from here on makes finish_fill's EXEC fail.
        std::vector<std::string> floor_keys;
        floor_keys.reserve(fills.size());
        std::vector<std::string_view> watch{"WATCH"};
        for (const Fill& fill : fills) {
            watch.push_back(floor_keys.emplace_back(cache::floor_key(fill.id)));
        }
        redis->append(watch);
        for (const std::string& floor_key : floor_keys) {
            redis->append({"ZSCORE", floor_key, cache::kFloorMember});
        }
        if (redis->read_reply().is_error()) {
            return;
        }
        std::unordered_map<std::string, double> floors;
        for (const Fill& fill : fills) {
            redis::Reply score = redis->read_reply();
            if (score.is_error()) {
                return;
            }
            // No floor: no invalidation announced a version yet (or it expired with the entries).
            floors[fill.id] =
                score.is_nil() ? 0.0 : std::strtod(std::string(score.text()).c_str(), nullptr);
        }
        watched_floors_ = std::move(floors);
    } catch (const redis::Error& error) {
        on_failure(error);
    }
}

size_t ProductCache::finish_fill(const std::vector<Fill>& fills) {
    redis::Connection* redis = connection_.get();
    if (redis == nullptr || watched_floors_.empty()) {
        return 0;
    }
    const std::unordered_map<std::string, double> floors = std::exchange(watched_floors_, {});
    try {
        size_t storing = 0;
        for (const Fill& fill : fills) {
            const auto floor = floors.find(fill.id);
            // A newer version committed after this read: leave the slot to its readers.
            if (floor == floors.end() ||
                floor->second > std::strtod(fill.version.c_str(), nullptr)) {
                continue;
            }
            if (storing++ == 0) {
                redis->append({"MULTI"});
            }
            redis->append({"SET", cache::product_key(fill.id), fill.json, "EX", ttl_text_});
        }
        if (storing == 0) {
            redis->command({"UNWATCH"});
            return 0;
        }
        redis->append({"EXEC"});
        for (size_t i = 0; i < storing + 1; ++i) {
            redis->read_reply();  // OK, then QUEUED for each SET
        }
        // EXEC answers nil when a watched floor moved since begin_fill().
        return redis->read_reply().is_array() ? storing : 0;
    } catch (const redis::Error& error) {
        on_failure(error);
        return 0;
    }
}

size_t ProductCache::fill(const std::vector<Fill>& fills) {
    begin_fill(fills);
    return finish_fill(fills);
}

void ProductCache::begin_fill(std::string_view id) {
    begin_fill({Fill{std::string(id), {}, {}}});
}

bool ProductCache::finish_fill(std::string_view id, const std::string& json,
                               std::string_view version) {
    return finish_fill({Fill{std::string(id), json, std::string(version)}}) == 1;
}

bool ProductCache::fill(std::string_view id, const std::string& json, std::string_view version) {
    return fill({Fill{std::string(id), json, std::string(version)}}) == 1;
}

void ProductCache::invalidate(std::string_view id, std::string_view version) {
    invalidate({Invalidation{std::string(id), std::string(version), {}}});
}

bool ProductCache::invalidate(const std::vector<Invalidation>& invalidations) {
    std::vector<std::string_view> sellers;
    for (const Invalidation& invalidation : invalidations) {
        prefetched_.erase(invalidation.id);
        if (!invalidation.user_id.empty() &&
            std::find(sellers.begin(), sellers.end(), invalidation.user_id) == sellers.end()) {
            sellers.push_back(invalidation.user_id);
        }
    }
    return write_invalidations(invalidations, sellers);
}

bool ProductCache::freeze_pages(const std::vector<std::string>& user_ids) {
    return write_invalidations({}, {user_ids.begin(), user_ids.end()});
}

bool ProductCache::write_invalidations(const std::vector<Invalidation>& products,
                                       const std::vector<std::string_view>& sellers) {
    if (products.empty() && sellers.empty()) {
        return true;
    }
    redis::Connection* redis = connection();
    if (redis == nullptr) {
        // The database's own cache.invalidate event (pms-bridge) catches up once Redis is back.
        return false;
    }
    try {
        // The floor lives as long as a cached copy could: a reader never takes longer.
        for (const Invalidation& product : products) {
            cache::append_invalidation(*redis, product.id, product.version, ttl_);
        }
        for (const std::string_view seller : sellers) {
            cache::append_list_freeze(*redis, seller, kPageFreeze);
        }
        bool all_taken = true;
        const size_t replies = products.size() * cache::kInvalidationReplies +
                               sellers.size() * cache::kListFreezeReplies;
        for (size_t i = 0; i < replies; ++i) {
            all_taken = !redis->read_reply().is_error() && all_taken;
        }
        return all_taken;
    } catch (const redis::Error& error) {
        on_failure(error);
        return false;
    }
}

std::optional<std::chrono::microseconds> ProductCache::ping() {
    const auto start = std::chrono::steady_clock::now();
    redis::Connection* redis = connection();
    if (redis == nullptr) {
        return std::nullopt;
    }
    try {
        if (!redis->command({"PING"}).is_string()) {
            return std::nullopt;
        }
    } catch (const redis::Error& error) {
        on_failure(error);
        return std::nullopt;
    }
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 start);
}

}  // namespace pms::api
