/// Declaration of the image pipeline's exchange and queues.
#include "worker/amqp/amqp_topology.hpp"

#include <string>

namespace pms::amqp::topology {

void declare(Connection& connection, bool quorum) {
    const std::string exchange(kExchange);
    connection.declare_exchange(kExchange, "direct");

    QueueOptions work;
    work.quorum = quorum;
    work.dead_letter_exchange = exchange;
    work.dead_letter_routing_key = std::string(kDeadKey);
    connection.declare_queue(kProcessQueue, work);
    connection.bind_queue(kProcessQueue, kExchange, kProcessKey);

    QueueOptions retry;
    retry.quorum = quorum;
    retry.dead_letter_exchange = exchange;
    retry.dead_letter_routing_key = std::string(kProcessKey);
    connection.declare_queue(kRetryQueue, retry);
    connection.bind_queue(kRetryQueue, kExchange, kRetryKey);

    QueueOptions dead;
    dead.quorum = quorum;
    connection.declare_queue(kDeadQueue, dead);
    connection.bind_queue(kDeadQueue, kExchange, kDeadKey);
}

}  // namespace pms::amqp::topology
