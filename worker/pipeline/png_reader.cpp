/// libpng reading from memory, with libpng's errors turned into exceptions.
#include "worker/pipeline/png_reader.hpp"

#include <png.h>

#include <csetjmp>
#include <cstring>
#include <string>

#include "worker/pipeline/longjmp_guard.hpp"

namespace pms::png {

/// libpng reports through a callback that must not return: it longjmps back to the guarded call
/// (`jump`), which throws with the message it left.
struct ErrorState {
    png_structp png = nullptr;
    png_infop info = nullptr;
    std::string_view bytes;
    size_t read = 0;  ///< bytes handed to libpng so far
    std::jmp_buf jump;
    char message[256];
};

namespace {

[[noreturn]] void on_error(png_structp png, png_const_charp message) {
    auto* state = static_cast<ErrorState*>(png_get_error_ptr(png));
    std::snprintf(state->message, sizeof state->message, "%s", message);
    std::longjmp(state->jump, 1);
}

/// Warnings are about ancillary data (a known-wrong sRGB profile, a bad text chunk): the pixels
/// are fine, as libgd also judged.
void on_warning(png_structp /*png*/, png_const_charp /*message*/) {}

void read_data(png_structp png, png_bytep out, size_t length) {
    auto* state = static_cast<ErrorState*>(png_get_io_ptr(png));
    if (state->bytes.size() - state->read < length) {
        png_error(png, "unexpected end of file");
    }
    std::memcpy(out, state->bytes.data() + state->read, length);
    state->read += length;
}

template <typename Call>
void guarded(ErrorState& state, Call& call) {
    if (!call_guarded(state.jump, call)) {
        throw Error(state.message);
    }
}

/// Chunks the worker never uses: skipped unread rather than held (libpng would keep up to 8 MB
/// of each) and checked.
constexpr png_byte kIgnoredChunks[] = {
    'i', 'C', 'C', 'P', 't', 'E', 'X', 't', 'z', 'T', 'X', 't', 'i', 'T', 'X', 't',
    'e', 'X', 'I', 'f', 's', 'P', 'L', 'T', 'h', 'I', 'S', 'T', 't', 'I', 'M', 'E',
};

/// Fails unless every chunk up to IEND fits in the bytes that follow its header. libpng
/// allocates a text chunk's claimed length before reading it (the list above did not stop it for
/// tEXt), so a 106-byte file whose tEXt claimed 1.1 GB had it ask for 1.1 GB (found by the
/// image_decode fuzz target). With this check no chunk buffer is larger than the file itself.
void check_chunk_lengths(std::string_view bytes) {
    constexpr size_t kSignature = 8;
    constexpr size_t kHeader = 8;  // length and type
    constexpr size_t kCrc = 4;
    size_t at = kSignature;
    while (at + kHeader <= bytes.size()) {
        const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at);
        const size_t length = size_t{p[0]} << 24U | size_t{p[1]} << 16U | size_t{p[2]} << 8U | p[3];
        const std::string_view type = bytes.substr(at + 4, 4);
        if (length > bytes.size() - at - kHeader) {
            throw Error("the " + std::string(type) + " chunk claims " + std::to_string(length) +
                        " bytes, more than the file holds");
        }
        if (type == "IEND") {
            return;
        }
        at += kHeader + length + kCrc;
    }
}

}  // namespace

void Reader::Destroy::operator()(ErrorState* state) const {
    png_destroy_read_struct(&state->png, &state->info, nullptr);  // safe on null pointers
    delete state;
}

Reader::Reader(std::string_view bytes) : state_(new ErrorState{}) {
    check_chunk_lengths(bytes);
    ErrorState* state = state_.get();
    state->bytes = bytes;
    state->message[0] = '\0';
    state->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, state, on_error, on_warning);
    if (state->png == nullptr) {
        throw Error("cannot create a PNG reader");
    }
    png_structp png = state->png;
    int passes = 1;
    Header& header = header_;
    auto read_header = [&] {
        state->info = png_create_info_struct(png);
        if (state->info == nullptr) {
            png_error(png, "cannot create a PNG info struct");
        }
        png_set_read_fn(png, state, read_data);
        png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, kIgnoredChunks,
                                    static_cast<int>(sizeof kIgnoredChunks / 4));
        png_read_info(png, state->info);
        header.width = static_cast<int>(png_get_image_width(png, state->info));
        header.height = static_cast<int>(png_get_image_height(png, state->info));
        header.bit_depth = png_get_bit_depth(png, state->info);  // before the conversion
        header.interlaced = png_get_interlace_type(png, state->info) != PNG_INTERLACE_NONE;
        png_set_expand(png);  // palette to RGB, grey to 8 bits, tRNS to alpha
        png_set_scale_16(png);
        png_set_gray_to_rgb(png);
        png_set_add_alpha(png, 0xFF, PNG_FILLER_AFTER);  // only where there is no alpha
        passes = png_set_interlace_handling(png);
        png_read_update_info(png, state->info);
        if (png_get_rowbytes(png, state->info) !=
            static_cast<size_t>(png_get_image_width(png, state->info)) * kBytesPerPixel) {
            png_error(png, "unexpected row layout after conversion to RGBA");
        }
    };
    guarded(*state, read_header);
    passes_ = passes;
}

Reader::~Reader() = default;

int64_t Reader::working_bytes(const Header& header) {
    // libpng keeps the current and previous row at the widest pixel it handles (16-bit RGBA
    // before scaling: 8 bytes), plus zlib's inflate state with its 32 KB window; a margin for
    // the structs and the palette.
    constexpr int64_t kWidestPixel = 8;
    constexpr int64_t kFixed = 128 * 1024;
    return 2 * (int64_t{header.width} * kWidestPixel + 64) + kFixed;
}

void Reader::read_row(unsigned char* row) {
    png_structp png = state_->png;
    auto read = [&] { png_read_row(png, row, nullptr); };
    guarded(*state_, read);
}

void Reader::finish() {
    png_structp png = state_->png;
    auto finish = [&] { png_read_end(png, nullptr); };
    guarded(*state_, finish);
}

}  // namespace pms::png
