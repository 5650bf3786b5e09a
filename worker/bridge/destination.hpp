#pragma once
/// Where one outbox topic goes: RabbitMQ for image jobs, Redis for cache invalidations. The bridge
/// keeps each connected, opening the connection again with backoff when it is lost.

namespace pms::bridge {

class Destination {
public:
    virtual ~Destination() = default;

    virtual bool connected() const = 0;
    /// Connects, with whatever a new connection needs first. Throws when the service cannot be
    /// reached.
    virtual void connect() = 0;
    virtual void disconnect() = 0;
    // A delivery that throws because the connection failed leaves the destination disconnected:
    // that is how the bridge tells a lost service from a refused batch.
};

}  // namespace pms::bridge
