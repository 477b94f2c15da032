//! The limits vlr applies to what it reads and runs, in one place (the
//! README's security section lists them).

use std::time::Duration;

/// The largest image (photo, or a file a template passes to `image`), in pixels.
/// Checked from the file's header before anything is decoded: a decoded
/// image takes 4 bytes a pixel, so this caps one image at 400 MB.
pub const MAX_IMAGE_PIXELS: u64 = 100_000_000;

/// The longest side of an image, in pixels.
pub const MAX_IMAGE_SIDE: usize = 30_000;

/// The largest file a template may read (`read`, `image`, `json`, …).
pub const MAX_TEMPLATE_FILE: u64 = 128 << 20;

/// The default time limit for compiling one edition with typst.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(300);

/// Checks an image's dimensions from its header, without decoding it.
/// Bytes that are not a raster image are not checked (`Ok`).
pub fn check_image(bytes: &[u8]) -> Result<(), String> {
    let Ok(kind) = imagesize::image_type(bytes) else { return Ok(()) };
    if matches!(kind, imagesize::ImageType::Heif(_)) {
        return Ok(());
    }
    let size = imagesize::blob_size(bytes).map_err(|e| format!("unreadable image header: {e}"))?;
    let pixels = size.width as u64 * size.height as u64;
    if size.width > MAX_IMAGE_SIDE || size.height > MAX_IMAGE_SIDE || pixels > MAX_IMAGE_PIXELS {
        return Err(format!(
            "the image is {}×{} pixels: vlr refuses images over {} megapixels or {} pixels a side",
            size.width,
            size.height,
            MAX_IMAGE_PIXELS / 1_000_000,
            MAX_IMAGE_SIDE
        ));
    }
    Ok(())
}

/// What a photo's bytes are: `Some("PNG")`, `Some("JPEG")` …, or `None` if not an image typst reads.
pub fn image_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("PNG")
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some("JPEG")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("GIF")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("WebP")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG header declaring `w`×`h` pixels (no image data: the check never decodes).
    pub fn png_header(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    #[test]
    fn image_dimensions_are_checked_from_the_header() {
        assert!(check_image(&png_header(4000, 3000)).is_ok());
        let e = check_image(&png_header(100_000, 100_000)).unwrap_err();
        assert!(e.contains("100000×100000"), "{e}");
        assert!(check_image(&png_header(40_000, 10)).is_err());
        assert!(check_image(b"not an image").is_ok());
        assert_eq!(image_kind(&png_header(1, 1)), Some("PNG"));
        assert_eq!(image_kind(b"hello"), None);
    }
}
