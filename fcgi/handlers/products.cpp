/// The product routes: create, list (through the cache), get (through the cache), update, delete.
#include <algorithm>
#include <type_traits>

#include "common/product_cache_layout.hpp"
#include "fcgi/api_error.hpp"
#include "fcgi/handlers/actor.hpp"
#include "fcgi/handlers/handlers.hpp"
#include "fcgi/input.hpp"

namespace pms::api::handlers {

namespace {

/// "Cache-Control: no-cache" asks for the database's answer (RFC 9111); it still refreshes the
/// cache for everyone else.
bool wants_fresh(const Request& request) {
    return request.cache_control.find("no-cache") != std::string::npos;
}

/// Drops the cached pages of the sellers whose products `outcomes` wrote. After the COMMIT: a page
/// read in between would otherwise be cached anew, old. When Redis does not take it, the
/// database's cache.invalidate event does it (pms-bridge), a moment later.
void add_seller(std::vector<std::string>& sellers, std::string seller) {
    if (std::find(sellers.begin(), sellers.end(), seller) == sellers.end()) {
        sellers.push_back(std::move(seller));
    }
}

/// Drops the pages of the sellers of `outcomes`, and of `sellers`.
void drop_pages(Context& context, const std::vector<BatchOutcome>& outcomes,
                std::vector<std::string> sellers = {}) {
    for (const BatchOutcome& outcome : outcomes) {
        if (const auto* product = std::get_if<CallResult>(&outcome)) {
            add_seller(sellers, product->user_id);
        }
    }
    context.cache.invalidate_pages(sellers);
}

/// The sellers whose pages `calls` may change: a product goes to the user its call names or to
/// its actor (api.create_product), so both, whichever the database picks.
std::vector<std::string> possible_sellers(const std::vector<ProductCreation>& calls) {
    std::vector<std::string> sellers;
    for (const ProductCreation& call : calls) {
        if (call.product.user_id) {
            add_seller(sellers, *call.product.user_id);
        }
        if (call.actor.user_id) {
            add_seller(sellers, std::to_string(*call.actor.user_id));
        }
    }
    return sellers;
}

}  // namespace

std::string prefetch_page(Context& context, const Request& request, std::string_view) {
    if (wants_fresh(request)) {
        return "";
    }
    try {
        if (const auto page = page_key(parse_list_filters(request.query))) {
            context.cache.prefetch_page(*page);
            return page->key;
        }
    } catch (const ApiError&) {
        // Malformed: the handler answers the error.
    }
    return "";
}

Response list_products(Context& context, const Request& request, std::string_view) {
    const ListFilters filters = parse_list_filters(request.query);
    const auto read = [&] { return context.database.list_products(filters); };
    const auto page = page_key(filters);
    if (!page) {
        return Response::json(200, read());
    }
    // A fresh read leaves the cache alone: a stored page is never older than the last
    // invalidation (ProductCache::page), so there is nothing to refresh.
    bool hit = false;
    Response response =
        Response::json(200, wants_fresh(request) ? read() : context.cache.page(*page, read, hit));
    response.cache = hit ? "HIT" : "MISS";
    return response;
}

namespace {

/// Makes one batch call (`run`, given the calls) for the items that `call_of` accepts (it returns
/// an item's call or throws the ApiError that answers the item), and answers each of those with
/// `answer` or with the error its call raised.
template <typename CallOf, typename Run, typename Answer>
void call_batch(std::vector<BatchItem>& items, CallOf&& call_of, Run&& run, Answer&& answer) {
    std::vector<std::invoke_result_t<CallOf&, const BatchItem&>> calls;
    std::vector<BatchItem*> called;
    for (BatchItem& item : items) {
        try {
            calls.push_back(call_of(item));
            called.push_back(&item);
        } catch (const ApiError& error) {
            item.response = error_response(error, item.request->request_id);
        }
    }
    if (calls.empty()) {
        return;
    }
    std::vector<BatchOutcome> outcomes = run(calls);
    for (size_t i = 0; i < called.size(); ++i) {
        BatchItem& item = *called[i];
        if (auto* error = std::get_if<ApiError>(&outcomes[i])) {
            item.response = error_response(*error, item.request->request_id);
        } else {
            item.response = answer(std::get<CallResult>(std::move(outcomes[i])));
        }
    }
}

}  // namespace

void create_products(Context& context, std::vector<BatchItem>& items) {
    call_batch(
        items,
        [](const BatchItem& item) {
            require_json_content_type(item.request->content_type);
            return ProductCreation{actor_of(*item.request), parse_new_product(item.request->body),
                                   item.request->request_id};
        },
        [&context](const std::vector<ProductCreation>& calls) {
            // The sellers' pages are frozen before the statement and dropped after its COMMIT,
            // so no client sees a page without its product after its POST's answer, and no
            // cache.invalidate event is needed (api.create_products says why that is safe). Those
            // of failed calls are dropped too: a freeze is not left to lapse. When Redis cannot
            // take the freeze, the database's event (pms-bridge) drops the pages.
            std::vector<std::string> sellers = possible_sellers(calls);
            const bool frozen = context.cache.freeze_pages(sellers);
            std::vector<BatchOutcome> outcomes = context.database.create_products(calls, frozen);
            drop_pages(context, outcomes, std::move(sellers));
            return outcomes;
        },
        [](CallResult created) {
            Response response = Response::json(201, std::move(created.json));
            response.headers.emplace_back("Location", "/api/v1/products/" + created.id);
            return response;
        });
}

void update_products(Context& context, std::vector<BatchItem>& items) {
    call_batch(
        items,
        [](const BatchItem& item) {
            std::string id = parse_product_id(item.path_parameter);
            require_json_content_type(item.request->content_type);
            return ProductUpdate{actor_of(*item.request), std::move(id),
                                 parse_product_update(item.request->body),
                                 item.request->request_id};
        },
        [&context](const std::vector<ProductUpdate>& calls) {
            // The cache entries are invalidated before the COMMIT, at the versions about to be
            // committed, and the sellers' pages frozen until they are dropped after it, so that
            // no client sees an old copy or page after its PUT's answer, and no cache.invalidate
            // event is needed (api.update_products says why that is safe). When Redis cannot take
            // them, the batch runs again and the database's events (pms-bridge) invalidate once
            // Redis is back.
            auto outcomes = context.database.update_products(
                calls, [&context](const std::vector<BatchOutcome>& results) {
                    std::vector<ProductCache::Invalidation> updated;
                    for (const BatchOutcome& outcome : results) {
                        if (const auto* product = std::get_if<CallResult>(&outcome)) {
                            updated.push_back({product->id, product->version, product->user_id});
                        }
                    }
                    return context.cache.invalidate(updated);
                });
            if (!outcomes) {
                outcomes = context.database.update_products(calls);
            }
            drop_pages(context, *outcomes);
            return std::move(*outcomes);
        },
        [](CallResult product) { return Response::json(200, std::move(product.json)); });
}

std::string prefetch_product(Context& context, const Request& request,
                             std::string_view id_segment) {
    if (wants_fresh(request) || !is_product_id(id_segment)) {
        return "";
    }
    context.cache.prefetch(id_segment);
    return std::string(id_segment);
}

void read_products(Context& context, const std::vector<std::string>& id_segments) {
    std::vector<std::string> ids;
    for (const std::string& segment : id_segments) {
        if (is_product_id(segment)) {
            ids.push_back(segment);
        }
    }
    context.reads.fetch(context.database, context.cache, ids);
}

Response get_product(Context& context, const Request& request, std::string_view id_segment) {
    const std::string id = parse_product_id(id_segment);
    if (auto cached = wants_fresh(request) ? std::nullopt : context.cache.get(id)) {
        Response response = Response::json(200, std::move(*cached));
        response.cache = "HIT";
        return response;
    }
    Response response;
    if (const CallResult* read = context.reads.find(id)) {
        response = Response::json(200, read->json);  // the batch filled the cache already
    } else {
        // Not read with the batch: a product that does not exist (api.get_product raises the
        // not-found error) or a request outside a batch.
        CallResult product = context.database.get_product(id);
        context.cache.fill(id, product.json, product.version);
        response = Response::json(200, std::move(product.json));
    }
    response.cache = "MISS";
    return response;
}

Response delete_product(Context& context, const Request& request, std::string_view id_segment) {
    const std::string id = parse_product_id(id_segment);
    const std::string owner =
        context.database.delete_product({actor_of(request), id, request.request_id});
    context.cache.invalidate(id, cache::kDeletedVersion);
    context.cache.invalidate_pages({owner});
    Response response;
    response.status = 204;
    return response;
}

}  // namespace pms::api::handlers
