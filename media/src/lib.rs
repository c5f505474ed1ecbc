//! Photo intake: every upload is checked, decoded within limits, turned
//! upright, stripped of all metadata and resized before anything is kept.
//!
//! Every stored file is a fresh JPEG encoded from pixels, so no EXIF (GPS,
//! camera serial, time) or other metadata of the upload survives. Checks
//! happen cheapest first: byte size, then the type from the content's first
//! bytes (never the file name), then the pixel dimensions read from the
//! header, and only then the decode, with an allocation limit, so a
//! decompression bomb is refused before it costs memory.
//!
//! A crate of its own so that debug builds can optimise it like the codecs
//! it drives (generic resizing code is compiled where it is used).

use std::io::Cursor;

use fast_image_resize::{PixelType, ResizeAlg, ResizeOptions, Resizer, images::Image};
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, codecs::jpeg::JpegEncoder};

/// Why an upload is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("empty upload")]
    Empty,
    #[error("more than the allowed bytes")]
    TooBig,
    #[error("more than the allowed pixels")]
    TooManyPixels,
    #[error("HEIC/HEIF is not supported")]
    Heic,
    #[error("not a JPEG, PNG or WebP image")]
    UnsupportedType,
    #[error("the image data is damaged or cut off")]
    Broken,
}

/// Largest upload accepted.
pub const MAX_BYTES: usize = 15 * 1024 * 1024;
/// Largest picture accepted: 50 megapixels (phones take 12–48).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Longest side of the display copy.
pub const DISPLAY_SIDE: u32 = 1600;
/// Longest side of the thumbnail.
pub const THUMB_SIDE: u32 = 320;

/// The two JPEGs made from one upload.
pub struct Processed {
    pub display: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Jpeg,
    Png,
    Webp,
    Heic,
}

/// The format from the content's first bytes.
fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Kind::Webp)
    } else if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && [b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"heim", b"heis"].iter().any(|b| &bytes[8..12] == *b)
    {
        Some(Kind::Heic)
    } else {
        None
    }
}

/// Checks, decodes, orients, strips and resizes one upload. CPU-bound:
/// call it on a blocking thread.
pub fn process(bytes: &[u8]) -> Result<Processed, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(MediaError::TooBig);
    }
    let format = match sniff(bytes) {
        Some(Kind::Jpeg) => image::ImageFormat::Jpeg,
        Some(Kind::Png) => image::ImageFormat::Png,
        Some(Kind::Webp) => image::ImageFormat::WebP,
        Some(Kind::Heic) => return Err(MediaError::Heic),
        None => return Err(MediaError::UnsupportedType),
    };
    let broken = || MediaError::Broken;
    // The JPEG decoder pads a truncated file with grey rather than failing;
    // a photo cut off in transit must be refused, not stored half grey.
    if format == image::ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(broken());
    }

    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format).into_dimensions().map_err(|_| broken())?;
    if w == 0 || h == 0 {
        return Err(broken());
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(MediaError::TooManyPixels);
    }

    let mut limits = Limits::default();
    limits.max_image_width = Some(w);
    limits.max_image_height = Some(h);
    // RGBA at 16 bits per channel plus working space.
    limits.max_alloc = Some(u64::from(w) * u64::from(h) * 8 + 64 * 1024 * 1024);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| broken())?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| broken())?;
    img.apply_orientation(orientation);
    let rgb = img.into_rgb8();
    let (width, height) = rgb.dimensions();

    let display = resize_jpeg(rgb.as_raw(), width, height, DISPLAY_SIDE, 82).map_err(|_| broken())?;
    let thumb = resize_jpeg(rgb.as_raw(), width, height, THUMB_SIDE, 75).map_err(|_| broken())?;
    let (dw, dh) = fit(width, height, DISPLAY_SIDE);
    Ok(Processed { display, thumb, width: dw, height: dh })
}

/// Whether a JPEG ends its last scan with an end-of-image marker. `FF D9`
/// cannot occur inside entropy-coded data (0xFF is byte-stuffed there),
/// so the last EOI must come after the last start-of-scan. Data appended
/// after the EOI by some cameras is fine.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last = |marker: u8| bytes.windows(2).rposition(|w| w[0] == 0xFF && w[1] == marker);
    match (last(0xDA), last(0xD9)) {
        (Some(sos), Some(eoi)) => eoi > sos,
        _ => false,
    }
}

/// The size that fits `side` on the longest edge, never enlarging.
fn fit(w: u32, h: u32, side: u32) -> (u32, u32) {
    if w <= side && h <= side {
        return (w, h);
    }
    if w >= h {
        (side, ((u64::from(h) * u64::from(side)) / u64::from(w)).max(1) as u32)
    } else {
        (((u64::from(w) * u64::from(side)) / u64::from(h)).max(1) as u32, side)
    }
}

fn resize_jpeg(rgb: &[u8], w: u32, h: u32, side: u32, quality: u8) -> std::result::Result<Vec<u8>, String> {
    let (tw, th) = fit(w, h, side);
    let pixels = if (tw, th) == (w, h) {
        rgb.to_vec()
    } else {
        let src = Image::from_vec_u8(w, h, rgb.to_vec(), PixelType::U8x3).map_err(|e| e.to_string())?;
        let mut dst = Image::new(tw, th, PixelType::U8x3);
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(fast_image_resize::FilterType::Lanczos3));
        Resizer::new().resize(&src, &mut dst, &options).map_err(|e| e.to_string())?;
        dst.into_vec()
    };
    let mut out = Vec::with_capacity(pixels.len() / 8);
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode(&pixels, tw, th, image::ExtendedColorType::Rgb8)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 90)
            .encode(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
            .unwrap_or_default();
        out
    }

    #[test]
    fn sniffs_types_by_content() {
        assert_eq!(sniff(&jpeg(4, 4)), Some(Kind::Jpeg));
        assert_eq!(sniff(b"\x00\x00\x00\x18ftypheic\x00\x00"), Some(Kind::Heic));
        assert_eq!(sniff(b"hello, I am text"), None);
    }

    #[test]
    fn resizes_to_display_and_thumbnail_sizes() {
        let p = process(&jpeg(2000, 1000)).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((p.width, p.height), (1600, 800));
        let thumb = image::load_from_memory(&p.thumb).map(|i| (i.width(), i.height()));
        assert_eq!(thumb.ok(), Some((320, 160)));
    }

    #[test]
    fn small_photos_are_not_enlarged() {
        let p = process(&jpeg(300, 200));
        assert!(matches!(p, Ok(ref p) if (p.width, p.height) == (300, 200)));
    }

    #[test]
    fn refusals_have_the_right_codes() {
        assert_eq!(process(b"not an image at all").err(), Some(MediaError::UnsupportedType));
        let mut truncated = jpeg(200, 200);
        truncated.truncate(100);
        assert_eq!(process(&truncated).err(), Some(MediaError::Broken));
        assert_eq!(process(&[]).err(), Some(MediaError::Empty));
    }

    #[test]
    fn truncated_jpegs_are_incomplete() {
        let whole = jpeg(64, 64);
        assert!(jpeg_is_complete(&whole));
        assert!(!jpeg_is_complete(&whole[..whole.len() - 10]));
        let mut trailer = whole.clone();
        trailer.extend_from_slice(b"camera trailer");
        assert!(jpeg_is_complete(&trailer));
    }

    #[test]
    fn fit_keeps_the_aspect_ratio() {
        assert_eq!(fit(4000, 3000, 1600), (1600, 1200));
        assert_eq!(fit(3000, 4000, 320), (240, 320));
        assert_eq!(fit(100, 50, 320), (100, 50));
    }
}
