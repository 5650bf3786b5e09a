/// The Exif reader: the TIFF structure of an APP1 marker (the bytes after "Exif\0\0"), offsets
/// and counts all from the file. The answer is always an orientation 1-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "worker/pipeline/exif.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const int orientation =
        pms::worker::exif_orientation(std::string_view(reinterpret_cast<const char*>(data), size));
    if (orientation < 1 || orientation > 8) {
        std::abort();
    }
    return 0;
}
