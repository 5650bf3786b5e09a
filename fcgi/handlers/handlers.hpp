#pragma once
/// One handler per route: parse and check the input, call one stored function, pass its JSON on.

#include <string>
#include <string_view>
#include <vector>

#include "fcgi/context.hpp"
#include "fcgi/http.hpp"

namespace pms::api::handlers {

Response create_user(Context& context, const Request& request, std::string_view);
Response create_product(Context& context, const Request& request, std::string_view);
Response list_products(Context& context, const Request& request, std::string_view);
Response get_product(Context& context, const Request& request, std::string_view id);
void prefetch_product(Context& context, const Request& request, std::string_view id);
void read_products(Context& context, const std::vector<std::string>& ids);
Response update_product(Context& context, const Request& request, std::string_view id);
Response delete_product(Context& context, const Request& request, std::string_view id);
Response health(Context& context, const Request& request, std::string_view);
Response metrics(Context& context, const Request& request, std::string_view);

}  // namespace pms::api::handlers
