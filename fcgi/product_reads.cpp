/// One call of api.get_products for a batch's product reads.
#include "fcgi/product_reads.hpp"

#include <algorithm>

namespace pms::api {

void ProductReads::fetch(Database& database, ProductCache& cache,
                         const std::vector<std::string>& ids) {
    clear();
    std::vector<std::string> unique = ids;
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    if (unique.empty()) {
        return;
    }
    std::vector<ProductCache::Fill> fills;
    for (CallResult& product : database.get_products(unique)) {
        fills.push_back({product.id, product.json, product.version});
        std::string id = product.id;
        found_.emplace(std::move(id), std::move(product));
    }
    cache.fill(fills);
}

const CallResult* ProductReads::find(std::string_view id) const {
    const auto found = found_.find(std::string(id));
    return found != found_.end() ? &found->second : nullptr;
}

void ProductReads::clear() {
    found_.clear();
}

}  // namespace pms::api
