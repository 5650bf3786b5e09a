/// libjpeg decoding and encoding in memory, with libjpeg's errors turned into exceptions.
#include "worker/pipeline/jpeg.hpp"

#include <jerror.h>

#include <algorithm>
#include <csetjmp>
#include <cstring>
#include <new>

#include "worker/pipeline/longjmp_guard.hpp"

namespace pms::jpeg {

namespace {

// A native-endian uint32_t 0xXXRRGGBB, as libgd stores a truecolor pixel.
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
constexpr J_COLOR_SPACE kNativePixel = JCS_EXT_XRGB;
#else
constexpr J_COLOR_SPACE kNativePixel = JCS_EXT_BGRX;
#endif

/// A progressive JPEG may hold thousands of tiny scans that each cost a pass over the image
/// (a known denial of service): real encoders write at most a few dozen.
constexpr int kMaxScans = 500;

constexpr std::string_view kExifPrefix{"Exif\0\0", 6};

}  // namespace

/// libjpeg reports through callbacks that must not return: they longjmp back to the guarded call
/// (`jump`), which throws with the message they left. The manager comes first so that libjpeg's
/// `err` pointer is also a pointer to this state.
struct ErrorState {
    jpeg_error_mgr manager;
    jpeg_progress_mgr progress;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

namespace {

[[noreturn]] void on_error(j_common_ptr info) {
    auto* state = reinterpret_cast<ErrorState*>(info->err);
    (*info->err->format_message)(info, state->message);
    std::longjmp(state->jump, 1);
}

/// Level −1 is a warning: libjpeg met corrupt or missing data (e.g. "Premature end of JPEG
/// file") and would go on, filling the rest with grey. A half-grey photo is not worth
/// publishing: every warning is an error. Trace messages (level ≥ 0) are dropped.
void on_message(j_common_ptr info, int level) {
    if (level < 0) {
        on_error(info);
    }
}

void on_progress(j_common_ptr info) {
    if (info->is_decompressor != 0 &&
        reinterpret_cast<j_decompress_ptr>(info)->input_scan_number > kMaxScans) {
        auto* state = reinterpret_cast<ErrorState*>(info->err);
        std::snprintf(state->message, sizeof state->message,
                      "JPEG has more than %d progressive scans", kMaxScans);
        std::longjmp(state->jump, 1);
    }
}

void install(ErrorState& state, jpeg_common_struct& info) {
    info.err = jpeg_std_error(&state.manager);
    state.manager.error_exit = on_error;
    state.manager.emit_message = on_message;
    state.progress = {};
    state.progress.progress_monitor = on_progress;
    state.message[0] = '\0';
}

template <typename Call>
void guarded(ErrorState& state, Call& call) {
    if (!call_guarded(state.jump, call)) {
        throw Error(state.message);
    }
}

struct DestroyCompress {
    void operator()(jpeg_compress_struct* info) const {
        jpeg_destroy_compress(info);
        delete info;
    }
};

/// A destination manager that writes into a std::string it owns (jpeg_mem_dest's malloc'd
/// buffer leaks when encoding fails halfway).
struct StringDestination {
    jpeg_destination_mgr manager;
    std::string bytes;
    size_t used = 0;

    /// Makes the unused tail of `bytes` libjpeg's buffer; false when memory ran out.
    bool grow() noexcept {
        try {
            bytes.resize(std::max<size_t>(bytes.size() * 2, 65536));
        } catch (const std::bad_alloc&) {
            return false;
        }
        manager.next_output_byte = reinterpret_cast<JOCTET*>(bytes.data() + used);
        manager.free_in_buffer = bytes.size() - used;
        return true;
    }

    static void init(j_compress_ptr info) {
        auto* self = reinterpret_cast<StringDestination*>(info->dest);
        if (!self->grow()) {
            ERREXIT1(info, JERR_OUT_OF_MEMORY, 1);
        }
    }
    static boolean empty(j_compress_ptr info) {
        auto* self = reinterpret_cast<StringDestination*>(info->dest);
        // libjpeg calls this only when the whole buffer is full.
        self->used = self->bytes.size();
        if (!self->grow()) {
            ERREXIT1(info, JERR_OUT_OF_MEMORY, 2);
        }
        return TRUE;
    }
    static void term(j_compress_ptr info) {
        auto* self = reinterpret_cast<StringDestination*>(info->dest);
        self->used = self->bytes.size() - self->manager.free_in_buffer;
    }
};

}  // namespace

Decoder::Decoder(std::string_view bytes)
    : errors_(std::make_unique<ErrorState>()), info_(new jpeg_decompress_struct{}) {
    jpeg_decompress_struct* info = info_.get();
    install(*errors_, *reinterpret_cast<jpeg_common_struct*>(info));
    auto read_header = [&] {
        jpeg_create_decompress(info);
        info->progress = &errors_->progress;
        jpeg_mem_src(info, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
        jpeg_save_markers(info, JPEG_APP0 + 1, 0xFFFF);
        jpeg_read_header(info, TRUE);
    };
    guarded(*errors_, read_header);

    header_.width = static_cast<int>(info->image_width);
    header_.height = static_cast<int>(info->image_height);
    header_.cmyk = info->jpeg_color_space == JCS_CMYK || info->jpeg_color_space == JCS_YCCK;
    header_.inverted_cmyk = header_.cmyk && info->saw_Adobe_marker != 0;
    header_.progressive = info->progressive_mode != 0;
    header_.components = info->num_components;
    // jpeg_read_header stops at the first scan: its component count tells a multi-scan baseline
    // file, and the block counts are set (libjpeg's coefficient controller pads them to whole
    // MCUs, as below).
    if (header_.progressive || info->comps_in_scan < info->num_components) {
        for (int c = 0; c < info->num_components; ++c) {
            const jpeg_component_info& component = info->comp_info[c];
            const int64_t h = component.h_samp_factor;
            const int64_t v = component.v_samp_factor;
            const int64_t columns = (int64_t{component.width_in_blocks} + h - 1) / h * h;
            const int64_t rows = (int64_t{component.height_in_blocks} + v - 1) / v * v;
            header_.coefficient_bytes += columns * rows * static_cast<int64_t>(sizeof(JBLOCK));
        }
    }
    for (jpeg_saved_marker_ptr marker = info->marker_list; marker != nullptr;
         marker = marker->next) {
        const std::string_view data(reinterpret_cast<const char*>(marker->data),
                                    marker->data_length);
        if (marker->marker == JPEG_APP0 + 1 && data.substr(0, kExifPrefix.size()) == kExifPrefix) {
            header_.exif = data.substr(kExifPrefix.size());
            break;
        }
    }
}

Decoder::~Decoder() = default;

void Decoder::Destroy::operator()(jpeg_decompress_struct* info) const {
    jpeg_destroy_decompress(info);  // safe on a struct never created (all zero)
    delete info;
}

void Decoder::start(int scale_num) {
    jpeg_decompress_struct* info = info_.get();
    auto begin = [&] {
        info->scale_num = static_cast<unsigned>(scale_num);
        info->scale_denom = 8;
        // libjpeg converts YCCK to CMYK, but not CMYK to RGB: the caller does that.
        info->out_color_space = header_.cmyk ? JCS_CMYK : kNativePixel;
        jpeg_start_decompress(info);
    };
    guarded(*errors_, begin);
}

int Decoder::output_width() const {
    return static_cast<int>(info_->output_width);
}

int Decoder::output_height() const {
    return static_cast<int>(info_->output_height);
}

int Decoder::read_rows(unsigned char** rows, int count) {
    jpeg_decompress_struct* info = info_.get();
    int read = 0;
    auto read_some = [&] {
        while (read < count && info->output_scanline < info->output_height) {
            read += static_cast<int>(
                jpeg_read_scanlines(info, rows + read, static_cast<JDIMENSION>(count - read)));
        }
    };
    guarded(*errors_, read_some);
    return read;
}

void Decoder::finish() {
    jpeg_decompress_struct* info = info_.get();
    auto finish = [&] { jpeg_finish_decompress(info); };
    guarded(*errors_, finish);
}

std::string encode(int width, int height, const unsigned char* const* rows,
                   const EncodeOptions& options) {
    ErrorState errors;
    std::unique_ptr<jpeg_compress_struct, DestroyCompress> owned(new jpeg_compress_struct{});
    StringDestination destination{};
    destination.manager.init_destination = StringDestination::init;
    destination.manager.empty_output_buffer = StringDestination::empty;
    destination.manager.term_destination = StringDestination::term;

    jpeg_compress_struct* info = owned.get();
    install(errors, *reinterpret_cast<jpeg_common_struct*>(info));
    auto compress = [&] {
        jpeg_create_compress(info);
        info->dest = &destination.manager;
        info->image_width = static_cast<JDIMENSION>(width);
        info->image_height = static_cast<JDIMENSION>(height);
        info->input_components = kBytesPerPixel;
        info->in_color_space = kNativePixel;
        jpeg_set_defaults(info);  // YCbCr 4:2:0, JFIF header, no other marker
        jpeg_set_quality(info, options.quality, TRUE);
        info->optimize_coding = options.optimize_coding ? TRUE : FALSE;
        if (options.progressive) {
            jpeg_simple_progression(info);
        }
        jpeg_start_compress(info, TRUE);
        while (info->next_scanline < info->image_height) {
            // libjpeg's row type is not const, but it only reads the rows.
            auto** next = const_cast<JSAMPARRAY>(rows + info->next_scanline);
            jpeg_write_scanlines(info, next, info->image_height - info->next_scanline);
        }
        jpeg_finish_compress(info);
    };
    guarded(errors, compress);
    destination.bytes.resize(destination.used);
    return std::move(destination.bytes);
}

}  // namespace pms::jpeg
