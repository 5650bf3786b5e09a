#pragma once
/// One handler per route: parse and check the input, call one stored function, pass its JSON on.
/// (The writes of products take a batch's requests at once: one call of a batch function.)

#include <string>
#include <string_view>
#include <vector>

#include "fcgi/context.hpp"
#include "fcgi/http.hpp"
#include "fcgi/router.hpp"

namespace pms::api::handlers {

Response create_user(Context& context, const Request& request, std::string_view);
/// POST /products and PUT /products/{id}: a batch's requests in one transaction.
void create_products(Context& context, std::vector<BatchItem>& items);
void update_products(Context& context, std::vector<BatchItem>& items);
Response list_products(Context& context, const Request& request, std::string_view);
std::string prefetch_page(Context& context, const Request& request, std::string_view);
Response get_product(Context& context, const Request& request, std::string_view id);
std::string prefetch_product(Context& context, const Request& request, std::string_view id);
void read_products(Context& context, const std::vector<std::string>& ids);
Response delete_product(Context& context, const Request& request, std::string_view id);
Response health(Context& context, const Request& request, std::string_view);
Response metrics(Context& context, const Request& request, std::string_view);

}  // namespace pms::api::handlers
