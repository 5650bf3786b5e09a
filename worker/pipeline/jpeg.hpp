#pragma once
/// Thin RAII wrapper over libjpeg(-turbo): a decoder reading from memory with DCT scaling, and an
/// encoder writing to memory. One choke point turns libjpeg's errors, and its warnings (a
/// truncated or corrupt file), into exceptions carrying libjpeg's own message.

#include <cstddef>
#include <cstdio>
// jpeglib.h needs FILE and size_t declared before it.
#include <jpeglib.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace pms::jpeg {

/// libjpeg refused the data (or ran out of memory); what() is libjpeg's message.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// What the header of a JPEG says, read before any pixel is decoded.
struct Header {
    int width = 0;
    int height = 0;
    /// Stored as CMYK or YCCK: decoded rows are CMYK, not BGRX.
    bool cmyk = false;
    /// Adobe's CMYK convention (an APP14 "Adobe" marker): 0 means full ink, so values are
    /// inverted compared with plain CMYK.
    bool inverted_cmyk = false;
    bool progressive = false;
    /// The DCT coefficients libjpeg holds for the whole image, at the stored size whatever the
    /// scale, when it needs every scan before the first row comes out (progressive, or a
    /// baseline file with more than one scan): 128 bytes a block per component, about 3 bytes
    /// a pixel for 4:2:0 colour. 0 for a single-scan baseline JPEG, decoded a block row at a time.
    int64_t coefficient_bytes = 0;
    int components = 0;
    /// The TIFF payload of the APP1 "Exif" marker (after "Exif\0\0"), empty when there is none.
    /// Valid while the Decoder lives.
    std::string_view exif;
};

/// libjpeg's error state (it holds a jmp_buf), defined where it is used.
struct ErrorState;

/// Four bytes per pixel. For colour and greyscale JPEGs, the bytes of a pixel are laid out so
/// that a native-endian uint32_t reads 0xXXRRGGBB (the X byte is undefined): the layout of a
/// truecolor libgd pixel. For CMYK JPEGs the bytes are C, M, Y, K.
inline constexpr int kBytesPerPixel = 4;

/// Decodes one JPEG held in memory (the bytes must outlive the decoder).
class Decoder {
public:
    /// Reads the header (and the Exif marker); throws Error when it is not a readable JPEG.
    explicit Decoder(std::string_view bytes);
    ~Decoder();
    Decoder(const Decoder&) = delete;
    Decoder& operator=(const Decoder&) = delete;

    const Header& header() const { return header_; }

    /// Starts decoding at `scale_num`/8 (1 to 8) of the stored size, each dimension rounded
    /// up; output_width() x output_height() pixels follow.
    void start(int scale_num);
    int output_width() const;
    int output_height() const;

    /// Reads the next rows into `rows` (up to `count`, each output_width() × kBytesPerPixel
    /// bytes); returns how many were read. Throws Error on corrupt or truncated data.
    int read_rows(unsigned char** rows, int count);
    /// Checks the end of the data (a premature end counts as an error).
    void finish();

private:
    struct Destroy {
        void operator()(jpeg_decompress_struct* info) const;
    };

    std::unique_ptr<ErrorState> errors_;
    std::unique_ptr<jpeg_decompress_struct, Destroy> info_;
    Header header_;
};

struct EncodeOptions {
    int quality = 75;  ///< 1-100
    bool progressive = false;
    /// The DCT coefficients libjpeg holds for the whole image, at the stored size whatever the
    /// scale, when it needs every scan before the first row comes out (progressive, or a
    /// baseline file with more than one scan): 128 bytes a block per component, about 3 bytes
    /// a pixel for 4:2:0 colour. 0 for a single-scan baseline JPEG, decoded a block row at a time.
    int64_t coefficient_bytes = 0;
    int components = 0;
    /// Optimal Huffman tables: a few percent smaller for a little CPU.
    bool optimize_coding = true;
};

/// Encodes `height` rows of `width` pixels laid out as the Decoder's colour rows (native
/// 0xXXRRGGBB words) as a baseline or progressive JFIF JPEG with 4:2:0 chroma, without any other
/// marker (no Exif, no comment). Throws Error when libjpeg refuses.
std::string encode(int width, int height, const unsigned char* const* rows,
                   const EncodeOptions& options);

}  // namespace pms::jpeg
