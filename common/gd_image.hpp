#pragma once
/// Thin RAII wrapper over libgd: an owned gdImage, decoding by the bytes' signature, resampling
/// and encoding, with libgd's own error messages carried in the exceptions.

#include <gd.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pms::gd {

/// libgd could not decode or encode; the message says why (libgd's own words when it gave any).
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class Format { kUnknown, kJpeg, kPng, kGif, kWebp };

/// The format the bytes' signature says, whatever the URL or Content-Type claimed.
Format sniff(std::string_view bytes);
const char* name_of(Format format);

class Image {
public:
    /// Decodes JPEG, PNG, GIF (first frame) or WebP; warnings from libjpeg count as errors.
    static Image decode(std::string_view bytes);
    /// A new truecolor image filled with opaque white.
    static Image blank(int width, int height);

    int width() const { return gdImageSX(image_.get()); }
    int height() const { return gdImageSY(image_.get()); }

    /// A truecolor copy of `width` x `height`, resampled (area-averaging) and composited on
    /// white so that transparent pixels do not turn black in a JPEG.
    Image resampled(int width, int height) const;

    /// Sets one pixel to an opaque colour (used to draw test images).
    void set_pixel(int x, int y, int red, int green, int blue);
    /// The colour of one pixel as 0xRRGGBB.
    int pixel(int x, int y) const;

    std::string encode_jpeg(int quality) const;
    std::string encode_png() const;

private:
    struct Destroy {
        void operator()(gdImagePtr image) const { gdImageDestroy(image); }
    };
    explicit Image(gdImagePtr image, bool may_have_alpha = false)
        : image_(image), may_have_alpha_(may_have_alpha) {}

    std::unique_ptr<gdImage, Destroy> image_;
    bool may_have_alpha_;  ///< JPEG has no alpha channel: compositing it is wasted work
};

}  // namespace pms::gd
