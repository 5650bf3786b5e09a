#pragma once
/// Thin RAII wrapper over libpng's reader: a PNG held in memory, read a row at a time as 8-bit
/// RGBA whatever its colour type and depth. One choke point turns libpng's errors (reported by
/// longjmp) into exceptions carrying libpng's own message.

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace pms::png {

/// libpng refused the data (corrupt, truncated, out of memory); what() is libpng's message.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// What IHDR says, read before any pixel is decoded.
struct Header {
    int width = 0;
    int height = 0;
    int bit_depth = 0;        ///< 1, 2, 4, 8 or 16 bits per sample, as stored
    bool interlaced = false;  ///< Adam7: rows arrive in 7 passes over the whole image
};

/// Four bytes per decoded pixel: R, G, B, A (straight alpha, 255 = opaque).
inline constexpr int kBytesPerPixel = 4;

/// libpng's error state (it holds a jmp_buf), defined where it is used.
struct ErrorState;

/// Reads one PNG held in memory (the bytes must outlive the reader).
class Reader {
public:
    /// Reads the chunks up to the image data and asks libpng for 8-bit RGBA rows (palettes and
    /// tRNS expanded, grey turned to RGB, 16 bits scaled down, opaque alpha added). Throws Error
    /// when it is not a readable PNG.
    explicit Reader(std::string_view bytes);
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    const Header& header() const { return header_; }
    /// The bytes libpng itself holds while reading rows: its row buffers and zlib's window.
    static int64_t working_bytes(const Header& header);

    /// Reads the next row (width × kBytesPerPixel bytes). For an interlaced image, the rows of
    /// each of the 7 passes come in turn (height × 7 calls), each merged into the row it is given:
    /// the caller keeps the whole image. Throws Error on corrupt or truncated data.
    void read_row(unsigned char* row);
    /// How many times read_row() is called for the whole image.
    int row_calls() const { return header_.height * passes_; }
    /// Reads past the image data to the end (a missing end counts as an error).
    void finish();

private:
    struct Destroy {
        void operator()(ErrorState* state) const;
    };
    std::unique_ptr<ErrorState, Destroy> state_;
    Header header_;
    int passes_ = 1;
};

}  // namespace pms::png
