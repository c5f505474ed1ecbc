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

use fast_image_resize::{
    PixelType, ResizeAlg, ResizeOptions, Resizer,
    images::{Image, ImageRef},
};
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

/// Largest upload accepted: 25 MiB. A 50-megapixel phone photo is
/// 10–20 MB, and a motion photo carries a few MB of video after it.
pub const MAX_BYTES: usize = 25 * 1024 * 1024;
/// Largest picture accepted: 64 megapixels, so the 50-megapixel modes of
/// today's phones (8192×6144, 8768×6144 = 53.9 MP) pass. Decoded as RGB
/// that is at most 192 MB per upload, and uploads decode one per core
/// (the caller's semaphore), which bounds the memory of all of them.
/// The 108/200 MP modes are refused with a message saying so.
pub const MAX_PIXELS: u64 = 64_000_000;
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
    } else if bytes.get(0..4) == Some(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Some(Kind::Webp)
    } else if bytes.len() >= 12
        && bytes.get(4..8) == Some(b"ftyp")
        && [b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"heim", b"heis"].iter().any(|b| bytes.get(8..12) == Some(*b))
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
    // Only the image's own bytes are decoded: a motion photo's video or a
    // gain map after the image's end is not ours to read.
    let bytes = if format == image::ImageFormat::Jpeg { jpeg_image_end(bytes).ok_or_else(broken)? } else { bytes };

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
    let rgb = flatten_on_white(img);
    let (width, height) = rgb.dimensions();

    // The thumbnail is made from the display copy: the same look, and the
    // full-size pixels are read once.
    let (dw, dh) = fit(width, height, DISPLAY_SIDE);
    let display_pixels = resize(rgb.as_raw(), width, height, (dw, dh)).map_err(|_| broken())?;
    drop(rgb);
    let display = encode_jpeg(&display_pixels, dw, dh, 82).map_err(|_| broken())?;
    let (tw, th) = fit(dw, dh, THUMB_SIDE);
    let thumb_pixels = resize(&display_pixels, dw, dh, (tw, th)).map_err(|_| broken())?;
    let thumb = encode_jpeg(&thumb_pixels, tw, th, 75).map_err(|_| broken())?;
    Ok(Processed { display, thumb, width: dw, height: dh })
}

/// RGB pixels of the image; transparent parts (a screenshot's rounded
/// corners, a sticker) are composited on white instead of turning black.
fn flatten_on_white(img: DynamicImage) -> image::RgbImage {
    if !img.color().has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut rgb = Vec::with_capacity(rgba.as_raw().len() / 4 * 3);
    for px in rgba.pixels() {
        let [r, g, b, a] = px.0.map(u32::from);
        // c·a + 255·(1 − a), rounded, in integers: at most 255.
        let over_white = |c: u32| u8::try_from((c * a + 255 * (255 - a) + 127) / 255).unwrap_or(u8::MAX);
        rgb.extend_from_slice(&[over_white(r), over_white(g), over_white(b)]);
    }
    image::RgbImage::from_raw(w, h, rgb).unwrap_or_default()
}

/// The bytes of a JPEG up to and including its own end-of-image marker,
/// or `None` when the image stops before it (cut off in transit).
///
/// Walks the marker segments from the start (ITU-T T.81 Annex B): each
/// segment's length is skipped, so bytes inside metadata (an EXIF
/// thumbnail is a whole JPEG) are never taken for markers; after each
/// start-of-scan the entropy-coded data is read until the next marker
/// (`FF` followed by neither `00` stuffing nor a restart marker). A
/// progressive JPEG has several scans; the first `FF D9` found between
/// segments is the image's end. Whatever follows (the video of a motion
/// photo, an MPF gain map, a camera trailer) is left out, whatever bytes
/// it holds.
fn jpeg_image_end(bytes: &[u8]) -> Option<&[u8]> {
    let mut pos = 2; // after SOI (FF D8), checked by `sniff`
    loop {
        // A marker: FF, optional FF fill bytes, the code.
        if *bytes.get(pos)? != 0xFF {
            return None;
        }
        while *bytes.get(pos)? == 0xFF {
            pos += 1;
        }
        let code = *bytes.get(pos)?;
        pos += 1;
        match code {
            0xD9 => return bytes.get(..pos),
            // Standalone markers without a length.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes([*bytes.get(pos)?, *bytes.get(pos + 1)?]));
        if len < 2 {
            return None;
        }
        pos = pos.checked_add(len)?;
        if code == 0xDA {
            // Entropy-coded data up to the next real marker.
            loop {
                let ff = pos + bytes.get(pos..)?.iter().position(|b| *b == 0xFF)?;
                match *bytes.get(ff + 1)? {
                    0x00 | 0xD0..=0xD7 | 0xFF => pos = ff + 1,
                    _ => {
                        pos = ff;
                        break;
                    }
                }
            }
        }
    }
}

/// The size that fits `side` on the longest edge, never enlarging.
fn fit(w: u32, h: u32, side: u32) -> (u32, u32) {
    if w <= side && h <= side {
        return (w, h);
    }
    if w >= h {
        // The result is below `side`, so it fits.
        (side, u32::try_from((u64::from(h) * u64::from(side)) / u64::from(w)).unwrap_or(side).max(1))
    } else {
        (u32::try_from((u64::from(w) * u64::from(side)) / u64::from(h)).unwrap_or(side).max(1), side)
    }
}

/// `rgb` (`w`×`h`, 3 bytes a pixel) resized to `to` with Lanczos3, or
/// copied when the size stays.
fn resize(rgb: &[u8], w: u32, h: u32, to: (u32, u32)) -> std::result::Result<Vec<u8>, String> {
    if to == (w, h) {
        return Ok(rgb.to_vec());
    }
    let src = ImageRef::new(w, h, rgb, PixelType::U8x3).map_err(|e| e.to_string())?;
    let mut dst = Image::new(to.0, to.1, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(fast_image_resize::FilterType::Lanczos3));
    Resizer::new().resize(&src, &mut dst, &options).map_err(|e| e.to_string())?;
    Ok(dst.into_vec())
}

fn encode_jpeg(rgb: &[u8], w: u32, h: u32, quality: u8) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(rgb.len() / 8);
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode(rgb, w, h, image::ExtendedColorType::Rgb8)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x.to_le_bytes()[0], y.to_le_bytes()[0], 128]));
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
        assert_eq!(jpeg_image_end(&whole), Some(&whole[..]));
        for cut in [whole.len() - 10, whole.len() - 1, 20, 3] {
            assert_eq!(jpeg_image_end(&whole[..cut]), None, "cut at {cut}");
        }
    }

    #[test]
    fn the_image_ends_at_its_own_end_whatever_follows() {
        let whole = jpeg(64, 64);
        // A motion photo's video holding a start-of-scan marker and no
        // end-of-image: the old whole-file check refused this.
        let mut motion = whole.clone();
        motion.extend_from_slice(b"\x00\x00\x00\x18ftypmp42\xFF\xDA\x00\x08video data\xFF\xDAmore");
        assert_eq!(jpeg_image_end(&motion), Some(&whole[..]));
        assert!(process(&motion).is_ok());
        // Another JPEG appended (a gain map) ends nothing early.
        let mut two = whole.clone();
        two.extend_from_slice(&jpeg(8, 8));
        assert_eq!(jpeg_image_end(&two), Some(&whole[..]));
    }

    #[test]
    fn transparency_is_composited_on_white() {
        // Half transparent red, fully transparent, opaque black.
        let img = image::RgbaImage::from_fn(3, 1, |x, _| match x {
            0 => image::Rgba([255, 0, 0, 128]),
            1 => image::Rgba([0, 0, 0, 0]),
            _ => image::Rgba([0, 0, 0, 255]),
        });
        let rgb = flatten_on_white(DynamicImage::ImageRgba8(img));
        assert_eq!(rgb.get_pixel(0, 0).0, [255, 127, 127]);
        assert_eq!(rgb.get_pixel(1, 0).0, [255, 255, 255], "transparent is white, not black");
        assert_eq!(rgb.get_pixel(2, 0).0, [0, 0, 0]);
    }

    #[test]
    fn fit_keeps_the_aspect_ratio() {
        assert_eq!(fit(4000, 3000, 1600), (1600, 1200));
        assert_eq!(fit(3000, 4000, 320), (240, 320));
        assert_eq!(fit(100, 50, 320), (100, 50));
    }
}
