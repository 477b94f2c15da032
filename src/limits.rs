//! The limits vlr applies to what it reads and runs, in one place
//! (docs/security.md lists them).

use std::time::Duration;

/// The largest image (photo, or a file a template passes to `image`), in pixels.
/// Checked from the file's header before anything is decoded: a decoded
/// image takes 4 bytes a pixel, so this caps one image at 400 MB.
pub const MAX_IMAGE_PIXELS: u64 = 100_000_000;

/// The longest side of an image, in pixels.
pub const MAX_IMAGE_SIDE: usize = 30_000;

/// The largest file a template may read (`read`, `image`, `json`, …).
pub const MAX_TEMPLATE_FILE: u64 = 128 << 20;

/// The longest string a PDF may hold (PDF/A-2, ISO 19005-2 §6.1.13): titles,
/// keywords, alt text and bookmarks are such strings.
pub const MAX_PDF_STRING: usize = 32_767;

/// The bytes `text` takes as a PDF text string: ASCII as it is, anything
/// else as UTF-16 with its byte order mark (the longer of the two encodings).
pub fn pdf_string_len(text: &str) -> usize {
    if text.is_ascii() { text.len() } else { 2 + 2 * text.encode_utf16().count() }
}

/// The default time limit for compiling one edition with typst.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(300);

/// Checks an image's dimensions from its header, without decoding it.
/// An SVG is checked for the rasters it embeds as `data:` URLs (an SVG of a
/// few kilobytes may carry a 400-megapixel PNG). Other bytes that are not a
/// raster image are not checked (`Ok`).
pub fn check_image(bytes: &[u8]) -> Result<(), String> {
    let Ok(kind) = imagesize::image_type(bytes) else { return check_svg(bytes) };
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

/// How much of an embedded image's base64 is decoded to read its header
/// (a JPEG's size may follow 64 kB of metadata).
const EMBEDDED_HEADER: usize = 1 << 20;

/// Checks every raster an SVG embeds as a base64 `data:image/…` URL, from
/// its decoded header. Bytes that are not an SVG are not checked.
fn check_svg(bytes: &[u8]) -> Result<(), String> {
    const DATA: &[u8] = b"data:image/";
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    if find(bytes, b"<svg").is_none() {
        return Ok(());
    }
    let mut rest = bytes;
    while let Some(at) = find(rest, DATA) {
        rest = &rest[at + DATA.len()..];
        let Some(comma) = rest.iter().position(|&b| b == b',') else { break };
        let (head, tail) = (&rest[..comma], &rest[comma + 1..]);
        rest = tail;
        if find(head, b";base64").is_none() {
            continue;
        }
        let end = tail.iter().position(|&b| matches!(b, b'"' | b'\'' | b')' | b'<')).unwrap_or(tail.len());
        let mut b64: Vec<u8> =
            tail[..end].iter().copied().filter(|b| !b.is_ascii_whitespace()).take(EMBEDDED_HEADER / 3 * 4).collect();
        b64.truncate(b64.len() / 4 * 4);
        use base64::Engine as _;
        let Ok(raster) = base64::engine::general_purpose::STANDARD.decode(&b64) else { continue };
        if imagesize::image_type(&raster).is_ok() {
            check_image(&raster).map_err(|e| format!("an image inside the SVG: {e}"))?;
        }
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

    #[test]
    fn rasters_inside_an_svg_are_checked() {
        use base64::Engine as _;
        let svg = |png: &[u8]| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(png);
            // Wrapped, as editors write it.
            let wrapped: Vec<String> = b64.as_bytes().chunks(60).map(|c| String::from_utf8_lossy(c).into()).collect();
            format!(
                "<svg xmlns='http://www.w3.org/2000/svg'><image href=\"data:image/png;base64,{}\"/></svg>",
                wrapped.join("\n")
            )
        };
        let e = check_image(svg(&png_header(20_000, 20_000)).as_bytes()).unwrap_err();
        assert!(e.contains("inside the SVG") && e.contains("20000×20000"), "{e}");
        assert!(check_image(svg(&png_header(800, 600)).as_bytes()).is_ok());
        assert!(check_image(b"<svg><image href='data:image/png;base64,!!!'/></svg>").is_ok());
        assert!(check_image(b"<svg><rect/></svg>").is_ok());
    }
}
