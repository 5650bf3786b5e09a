#pragma once
/// Thin RAII wrapper over libgd: an owned gdImage, decoding by the bytes' signature, pixel rows,
/// orientation and encoding, with libgd's own error messages carried in the exceptions.

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
    /// A new opaque truecolor image whose pixels the caller writes through row().
    static Image truecolor(int width, int height);

    int width() const { return gdImageSX(image_.get()); }
    int height() const { return gdImageSY(image_.get()); }

    /// Makes the image opaque truecolor: a palette image becomes truecolor, and transparent or
    /// translucent pixels are blended onto white, so that they do not turn black in a JPEG.
    void flatten_on_white();

    /// The image turned upright as an EXIF orientation (1-8) asks: mirrored and/or rotated by a
    /// multiple of 90 degrees (5-8 swap width and height). Other values copy it unchanged.
    Image oriented(int exif_orientation) const;

    /// Row `y` of a truecolor image (truecolor(), blank(), decoded JPEG, PNG and WebP; any image
    /// after flatten_on_white()): `width()` native-endian 0xAARRGGBB words, where alpha is
    /// libgd's 7-bit transparency (0 = opaque).
    int* row(int y) { return image_->tpixels[y]; }
    const int* row(int y) const { return image_->tpixels[y]; }

    /// Row `y` of a palette or truecolor image as `width()` pixels of R, G, B, A bytes (straight
    /// alpha, 255 = opaque): what a decoder that shrinks rows as they come takes.
    void rgba_row(int y, unsigned char* out) const;

    /// Sets one pixel to an opaque colour (used to draw test images).
    void set_pixel(int x, int y, int red, int green, int blue);
    /// The colour of one pixel as 0xRRGGBB.
    int pixel(int x, int y) const;

    std::string encode_jpeg(int quality) const;
    std::string encode_png() const;
    std::string encode_webp(int quality) const;

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
