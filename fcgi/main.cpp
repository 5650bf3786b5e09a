/// pms-api: the FastCGI application behind nginx. main() reads the settings and hands over to
/// the pre-fork master (master.cpp), whose children serve requests (child.cpp -> router.cpp ->
/// handlers/ -> database.cpp -> the api.* functions in PostgreSQL).
#include <iostream>

#include "common/cli.hpp"
#include "common/log.hpp"
#include "fcgi/api_config.hpp"
#include "fcgi/master.hpp"

int main(int argc, char** argv) {
    const pms::ProgramInfo info{
        "pms-api", pms::kApi,
        "FastCGI application serving the product API (run behind nginx, see nginx/pms.conf.in)."};
    if (auto exit_code = pms::handle_command_line(argc, argv, info)) {
        return *exit_code;
    }
    try {
        const pms::api::ApiConfig config = pms::api::ApiConfig::from(pms::Config(pms::kApi));
        pms::log::init("pms-api", config.log_level);
        return pms::api::run_master(config);
    } catch (const std::exception& error) {
        std::cerr << "pms-api: " << error.what() << "\n";
        return 1;
    }
}
