#pragma once
/// The one EXIF field the pipeline honours: the orientation a camera records instead of turning
/// the pixels (a phone held upright stores a landscape image with orientation 6).

#include <string_view>

namespace pms::worker {

/// The orientation (1-8) in the TIFF structure of an APP1 Exif marker (the bytes after
/// "Exif\0\0"); 1 (as stored) when it is absent, malformed or out of range.
int exif_orientation(std::string_view tiff);

}  // namespace pms::worker
