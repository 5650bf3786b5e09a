/// libgd decoding, resampling and encoding.
#include "worker/pipeline/gd_image.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace pms::gd {

namespace {

/// libgd reports through a global callback; keep its last words for the exception.
thread_local std::string last_gd_message;

void capture_gd_message(int /*priority*/, const char* format, va_list args) {
    char buffer[512];
    std::vsnprintf(buffer, sizeof buffer, format, args);
    last_gd_message = buffer;
    while (!last_gd_message.empty() && last_gd_message.back() == '\n') {
        last_gd_message.pop_back();
    }
}

void install_error_handler() {
    static const bool installed = [] {
        gdSetErrorMethod(capture_gd_message);
        return true;
    }();
    (void)installed;
}

[[noreturn]] void fail(const std::string& what) {
    std::string message = what;
    if (!last_gd_message.empty()) {
        message += ": " + last_gd_message;
    }
    last_gd_message.clear();
    throw Error(message);
}

bool starts_with(std::string_view bytes, std::string_view prefix) {
    return bytes.size() >= prefix.size() && bytes.compare(0, prefix.size(), prefix) == 0;
}

/// Frees memory that libgd allocated for an encoded image.
struct GdFree {
    void operator()(void* data) const { gdFree(data); }
};

/// The bytes of an image libgd encoded (and frees); fails when it returned nothing.
std::string take_encoded(void* data, int size, const char* format) {
    const std::unique_ptr<void, GdFree> owned(data);
    if (!owned) {
        fail(std::string("cannot encode ") + format);
    }
    return std::string(static_cast<const char*>(owned.get()), static_cast<size_t>(size));
}

}  // namespace

Format sniff(std::string_view bytes) {
    using namespace std::string_view_literals;
    if (starts_with(bytes, "\xFF\xD8\xFF"sv)) {
        return Format::kJpeg;
    }
    if (starts_with(bytes, "\x89PNG\r\n\x1A\n"sv)) {
        return Format::kPng;
    }
    if (starts_with(bytes, "GIF87a"sv) || starts_with(bytes, "GIF89a"sv)) {
        return Format::kGif;
    }
    if (bytes.size() >= 12 && starts_with(bytes, "RIFF"sv) && bytes.substr(8, 4) == "WEBP"sv) {
        return Format::kWebp;
    }
    return Format::kUnknown;
}

const char* name_of(Format format) {
    switch (format) {
        case Format::kJpeg: return "jpeg";
        case Format::kPng: return "png";
        case Format::kGif: return "gif";
        case Format::kWebp: return "webp";
        case Format::kUnknown: break;
    }
    return "unknown";
}

Image Image::decode(std::string_view bytes) {
    install_error_handler();
    last_gd_message.clear();
    const Format format = sniff(bytes);
    if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
        throw Error("image too large to decode");
    }
    const int size = static_cast<int>(bytes.size());
    void* data = const_cast<char*>(bytes.data());  // libgd's API is not const-correct
    gdImagePtr image = nullptr;
    switch (format) {
        case Format::kJpeg:
            image = gdImageCreateFromJpegPtrEx(size, data, /*ignore_warning=*/0);
            break;
        case Format::kPng: image = gdImageCreateFromPngPtr(size, data); break;
        case Format::kGif: image = gdImageCreateFromGifPtr(size, data); break;
        case Format::kWebp: image = gdImageCreateFromWebpPtr(size, data); break;
        case Format::kUnknown: throw Error("not a JPEG, PNG, GIF or WebP image");
    }
    if (image == nullptr) {
        fail(std::string("cannot decode ") + name_of(format) + " image");
    }
    Image decoded(image, format != Format::kJpeg);
    if (!last_gd_message.empty()) {
        // libjpeg's "recoverable" warnings (e.g. premature end of data) leave a partly grey
        // image behind: a corrupt file, not a picture to publish.
        fail(std::string("corrupt ") + name_of(format) + " image");
    }
    return decoded;
}

Image Image::truecolor(int width, int height) {
    install_error_handler();
    gdImagePtr image = gdImageCreateTrueColor(width, height);
    if (image == nullptr) {
        fail("cannot allocate a " + std::to_string(width) + "x" + std::to_string(height) +
             " image");
    }
    return Image(image);
}

Image Image::blank(int width, int height) {
    Image result = truecolor(width, height);
    // Row by row: gdImageFilledRectangle sets each pixel through gdImageSetPixel's checks, a
    // tenth of a PNG's whole resize.
    for (int y = 0; y < height; ++y) {
        int* row = result.row(y);
        std::fill(row, row + width, gdTrueColor(255, 255, 255));
    }
    return result;
}

Image Image::oriented(int exif_orientation) const {
    const int w = width();
    const int h = height();
    const bool swaps = exif_orientation >= 5 && exif_orientation <= 8;
    Image result = truecolor(swaps ? h : w, swaps ? w : h);
    result.may_have_alpha_ = may_have_alpha_;
    // For each pixel (x, y) of the upright result, the stored pixel it shows.
    for (int y = 0; y < result.height(); ++y) {
        int* out = result.row(y);
        for (int x = 0; x < result.width(); ++x) {
            int sx = x;
            int sy = y;
            switch (exif_orientation) {
                case 2: sx = w - 1 - x; break;                  // mirrored
                case 3: sx = w - 1 - x, sy = h - 1 - y; break;  // rotated 180
                case 4: sy = h - 1 - y; break;                  // mirrored vertically
                case 5: sx = y, sy = x; break;                  // transposed
                case 6: sx = y, sy = h - 1 - x; break;          // to rotate 90 clockwise
                case 7: sx = w - 1 - y, sy = h - 1 - x; break;  // transversed
                case 8: sx = w - 1 - y, sy = x; break;          // to rotate 90 anticlockwise
                default: break;
            }
            out[x] = image_->tpixels[sy][sx];
        }
    }
    return result;
}

void Image::flatten_on_white() {
    if (!gdImageTrueColor(image_.get()) && !gdImagePaletteToTrueColor(image_.get())) {
        fail("cannot convert a palette image to truecolor");
    }
    if (!may_have_alpha_) {
        return;
    }
    for (int y = 0; y < height(); ++y) {
        int* pixels = row(y);
        for (int x = 0; x < width(); ++x) {
            const int c = pixels[x];
            // libgd's alpha runs from 0 (opaque) to 127 (transparent).
            const int alpha = gdTrueColorGetAlpha(c);
            if (alpha != 0) {
                auto blend = [alpha](int channel) {
                    return (channel * (gdAlphaMax - alpha) + 255 * alpha + gdAlphaMax / 2) /
                           gdAlphaMax;
                };
                pixels[x] = gdTrueColor(blend(gdTrueColorGetRed(c)), blend(gdTrueColorGetGreen(c)),
                                        blend(gdTrueColorGetBlue(c)));
            }
        }
    }
    may_have_alpha_ = false;
}

void Image::rgba_row(int y, unsigned char* out) const {
    const gdImagePtr image = image_.get();
    // libgd's 7-bit transparency (0 = opaque, 127 = transparent) to 8-bit alpha, rounded.
    auto alpha8 = [](int alpha) {
        return ((gdAlphaMax - alpha) * 255 + gdAlphaMax / 2) / gdAlphaMax;
    };
    for (int x = 0; x < width(); ++x, out += 4) {
        if (gdImageTrueColor(image)) {
            const int c = image->tpixels[y][x];
            out[0] = static_cast<unsigned char>(gdTrueColorGetRed(c));
            out[1] = static_cast<unsigned char>(gdTrueColorGetGreen(c));
            out[2] = static_cast<unsigned char>(gdTrueColorGetBlue(c));
            out[3] =
                static_cast<unsigned char>(may_have_alpha_ ? alpha8(gdTrueColorGetAlpha(c)) : 255);
        } else {
            const int index = image->pixels[y][x];
            out[0] = static_cast<unsigned char>(image->red[index]);
            out[1] = static_cast<unsigned char>(image->green[index]);
            out[2] = static_cast<unsigned char>(image->blue[index]);
            out[3] = static_cast<unsigned char>(
                index == image->transparent ? 0 : alpha8(image->alpha[index]));
        }
    }
}

void Image::set_pixel(int x, int y, int red, int green, int blue) {
    gdImageSetPixel(image_.get(), x, y, gdImageColorResolve(image_.get(), red, green, blue));
}

int Image::pixel(int x, int y) const {
    const int color = gdImageGetTrueColorPixel(image_.get(), x, y);
    return (gdTrueColorGetRed(color) << 16) | (gdTrueColorGetGreen(color) << 8) |
           gdTrueColorGetBlue(color);
}

std::string Image::encode_jpeg(int quality) const {
    int size = 0;
    void* data = gdImageJpegPtr(image_.get(), &size, quality);
    return take_encoded(data, size, "JPEG");
}

std::string Image::encode_png() const {
    int size = 0;
    void* data = gdImagePngPtr(image_.get(), &size);
    return take_encoded(data, size, "PNG");
}

std::string Image::encode_webp(int quality) const {
    int size = 0;
    void* data = gdImageWebpPtrEx(image_.get(), &size, quality);
    return take_encoded(data, size, "WebP");
}

}  // namespace pms::gd
