//! Department files arrive as UTF-8 (with or without BOM), GBK, or UTF-16 from
//! Excel's "Unicode text" export: sniff which from the first bytes, then
//! transcode to UTF-8 on the fly so the file is never held in memory.

use std::io::{self, Cursor, Read};

use encoding_rs::{Encoding, GBK, UTF_8, UTF_16BE, UTF_16LE};
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};

/// How much of the file is examined to tell UTF-8 from GBK. A GBK file with
/// Chinese headers shows itself in the first line; 64 KiB covers files whose
/// first rows happen to be ASCII.
pub const SNIFF_LEN: usize = 64 * 1024;

/// The encoding the file was found to be in (shown in the import report).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceEncoding {
    Utf8,
    Utf8Bom,
    Gbk,
    Utf16Le,
    Utf16Be,
}

impl SourceEncoding {
    pub fn label(self) -> &'static str {
        match self {
            SourceEncoding::Utf8 => "UTF-8",
            SourceEncoding::Utf8Bom => "UTF-8（带 BOM）",
            SourceEncoding::Gbk => "GBK",
            SourceEncoding::Utf16Le => "UTF-16LE",
            SourceEncoding::Utf16Be => "UTF-16BE",
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            SourceEncoding::Utf8 | SourceEncoding::Utf8Bom => UTF_8,
            SourceEncoding::Gbk => GBK,
            SourceEncoding::Utf16Le => UTF_16LE,
            SourceEncoding::Utf16Be => UTF_16BE,
        }
    }
}

/// A UTF-8 view of a department file. Malformed byte sequences become U+FFFD
/// (never an error), so the row parser can point at the exact row that holds
/// them instead of failing the whole file.
pub struct Decoded<R: Read> {
    encoding: SourceEncoding,
    inner: DecodeReaderBytes<io::Chain<Cursor<Vec<u8>>, R>, Vec<u8>>,
}

impl<R: Read> Decoded<R> {
    pub fn encoding(&self) -> SourceEncoding {
        self.encoding
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

/// Sniffs the encoding from the start of `input` and returns a UTF-8 reader
/// over the whole of it, BOM removed. Reads at most [`SNIFF_LEN`] bytes ahead.
pub fn decode<R: Read>(mut input: R) -> io::Result<Decoded<R>> {
    let mut head = Vec::with_capacity(SNIFF_LEN);
    let at_eof = fill(&mut input, &mut head, SNIFF_LEN)?;
    let encoding = sniff(&head, at_eof);
    let inner = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding.encoding()))
        .strip_bom(true)
        .build(Cursor::new(head).chain(input));
    Ok(Decoded { encoding, inner })
}

/// Reads until `buf` holds `limit` bytes or the input ends; true at the end.
fn fill<R: Read>(input: &mut R, buf: &mut Vec<u8>, limit: usize) -> io::Result<bool> {
    let mut chunk = [0u8; 8192];
    while buf.len() < limit {
        let want = (limit - buf.len()).min(chunk.len());
        match input.read(&mut chunk[..want]) {
            Ok(0) => return Ok(true),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

/// Decides the encoding of a file from its first bytes.
pub fn sniff(head: &[u8], at_eof: bool) -> SourceEncoding {
    if head.starts_with(b"\xEF\xBB\xBF") {
        return SourceEncoding::Utf8Bom;
    }
    if head.starts_with(b"\xFF\xFE") {
        return SourceEncoding::Utf16Le;
    }
    if head.starts_with(b"\xFE\xFF") {
        return SourceEncoding::Utf16Be;
    }
    match std::str::from_utf8(head) {
        Ok(_) => SourceEncoding::Utf8,
        // A character cut by the sniff window is still UTF-8; at the true end
        // of the file a cut character is just damage, not a sign of GBK.
        Err(e) if e.error_len().is_none() && (!at_eof || e.valid_up_to() > 0) => SourceEncoding::Utf8,
        Err(_) => SourceEncoding::Gbk,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8]) -> (SourceEncoding, String) {
        let mut decoded = decode(bytes).unwrap();
        let mut text = String::new();
        decoded.read_to_string(&mut text).unwrap();
        (decoded.encoding(), text)
    }

    #[test]
    fn plain_utf8_passes_through() {
        assert_eq!(decode_all("年度,year\n".as_bytes()), (SourceEncoding::Utf8, "年度,year\n".into()));
        assert_eq!(decode_all(b""), (SourceEncoding::Utf8, String::new()));
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let bytes = [b"\xEF\xBB\xBF".as_slice(), "统一社会信用代码".as_bytes()].concat();
        assert_eq!(decode_all(&bytes), (SourceEncoding::Utf8Bom, "统一社会信用代码".into()));
    }

    #[test]
    fn gbk_is_detected_and_transcoded() {
        let (bytes, _, _) = GBK.encode("统一社会信用代码,年度\n91,2024\n");
        assert_eq!(decode_all(&bytes), (SourceEncoding::Gbk, "统一社会信用代码,年度\n91,2024\n".into()));
    }

    #[test]
    fn gbk_after_a_long_ascii_start_is_still_detected() {
        let text = format!("{}\n单位", "a".repeat(SNIFF_LEN - 10));
        let (bytes, _, _) = GBK.encode(&text);
        assert_eq!(decode_all(&bytes), (SourceEncoding::Gbk, text));
    }

    #[test]
    fn utf8_char_cut_at_the_sniff_edge_is_not_mistaken_for_gbk() {
        // "年" is three bytes; place it across the 64 KiB boundary.
        let text = format!("{}年度", "a".repeat(SNIFF_LEN - 1));
        assert_eq!(decode_all(text.as_bytes()), (SourceEncoding::Utf8, text));
    }

    #[test]
    fn utf16_with_bom_is_transcoded() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("年度\t2024".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_all(&le), (SourceEncoding::Utf16Le, "年度\t2024".into()));
        let mut be = vec![0xFE, 0xFF];
        be.extend("年度".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode_all(&be), (SourceEncoding::Utf16Be, "年度".into()));
    }

    #[test]
    fn invalid_bytes_after_the_sniff_window_become_replacement_chars() {
        let mut bytes = "a".repeat(SNIFF_LEN).into_bytes();
        bytes.extend_from_slice(b"\xFFb");
        let (encoding, text) = decode_all(&bytes);
        assert_eq!(encoding, SourceEncoding::Utf8);
        assert!(text.ends_with("\u{FFFD}b"));
    }
}
