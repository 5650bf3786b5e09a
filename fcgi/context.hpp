#pragma once
/// What a handler works with: the child's connections and settings.

#include <cstddef>

#include "fcgi/database.hpp"
#include "fcgi/metrics.hpp"
#include "fcgi/product_cache.hpp"
#include "fcgi/product_reads.hpp"

namespace pms::api {

struct Context {
    Database& database;
    ProductCache& cache;
    ProductReads& reads;  ///< what the batch read from PostgreSQL for its GETs
    Metrics& metrics;
};

}  // namespace pms::api
