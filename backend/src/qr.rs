//! QR codes of pass links, drawn on the server so that any phone can show
//! them (no script, no canvas needed).

use image::{ImageEncoder as _, Luma, codecs::png::PngEncoder};
use qrcode::{EcLevel, QrCode, render::svg};

use super::error::{Error, Result};

fn code(content: &str) -> Result<QrCode> {
    // Level M survives a scratched or glare-struck phone screen and keeps
    // a ~90-character link at a size a gate camera reads easily.
    QrCode::with_error_correction_level(content.as_bytes(), EcLevel::M).map_err(Error::internal)
}

pub fn svg(content: &str) -> Result<String> {
    Ok(code(content)?
        .render::<svg::Color>()
        .min_dimensions(280, 280)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build())
}

pub fn png(content: &str) -> Result<Vec<u8>> {
    let img = code(content)?.render::<Luma<u8>>().min_dimensions(320, 320).quiet_zone(true).build();
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::L8)
        .map_err(Error::internal)?;
    Ok(out)
}
