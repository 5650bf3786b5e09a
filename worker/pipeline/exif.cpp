/// A bounds-checked walk of IFD0 of an Exif TIFF structure, looking for tag 0x0112.
#include "worker/pipeline/exif.hpp"

#include <cstddef>
#include <cstdint>

namespace pms::worker {

namespace {

constexpr uint16_t kOrientationTag = 0x0112;
constexpr uint16_t kShortType = 3;
constexpr size_t kEntrySize = 12;

/// Reads integers in the byte order the TIFF header declares.
struct Reader {
    std::string_view bytes;
    bool little_endian;

    bool has(size_t offset, size_t length) const {
        return offset <= bytes.size() && length <= bytes.size() - offset;
    }
    uint32_t read(size_t offset, size_t length) const {
        uint32_t value = 0;
        for (size_t i = 0; i < length; ++i) {
            const size_t index = little_endian ? offset + length - 1 - i : offset + i;
            value = value << 8U | static_cast<uint8_t>(bytes[index]);
        }
        return value;
    }
};

}  // namespace

int exif_orientation(std::string_view tiff) {
    constexpr int kAsStored = 1;
    if (tiff.size() < 8 || (tiff.substr(0, 2) != "II" && tiff.substr(0, 2) != "MM")) {
        return kAsStored;
    }
    const Reader reader{tiff, tiff[0] == 'I'};
    if (reader.read(2, 2) != 42) {
        return kAsStored;
    }
    const size_t ifd = reader.read(4, 4);
    if (!reader.has(ifd, 2)) {
        return kAsStored;
    }
    const size_t entries = reader.read(ifd, 2);
    for (size_t i = 0; i < entries; ++i) {
        const size_t entry = ifd + 2 + i * kEntrySize;
        if (!reader.has(entry, kEntrySize)) {
            return kAsStored;
        }
        if (reader.read(entry, 2) != kOrientationTag) {
            continue;
        }
        // A SHORT value sits in the first two bytes of the value field.
        if (reader.read(entry + 2, 2) != kShortType || reader.read(entry + 4, 4) != 1) {
            return kAsStored;
        }
        const uint32_t value = reader.read(entry + 8, 2);
        return value >= 1 && value <= 8 ? static_cast<int>(value) : kAsStored;
    }
    return kAsStored;
}

}  // namespace pms::worker
