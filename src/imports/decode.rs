//! Department files arrive as UTF-8 (with or without BOM), GBK, or UTF-16 from
//! Excel's "Unicode text" export: guess which from the first bytes, then
//! transcode to UTF-8 on the fly so the file is never held in memory.
//!
//! A file is one encoding from its first byte to its last. The guess is
//! checked on every byte: a byte sequence that is not valid in the encoding
//! stops the reading with [`Undecodable`] (never a replacement character), so
//! that the caller re-reads the file from the start in another encoding or
//! refuses it whole. Nothing that did not decode ever reaches a row.

use std::io::{self, Cursor, Read};

use encoding_rs::{Decoder, DecoderResult, Encoding, GBK, UTF_8, UTF_16BE, UTF_16LE};

/// How much of the file is examined to guess UTF-8 or GBK. A GBK file with
/// Chinese headers shows itself in the first line; a GBK file whose first
/// 64 KiB are ASCII is guessed UTF-8 and proved GBK where its Chinese starts.
pub const SNIFF_LEN: usize = 64 * 1024;

/// Decoded text is handed out from a buffer of this size.
const OUT_LEN: usize = 16 * 1024;

/// The encoding the file was read in (shown in the import report).
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

    fn decoder(self) -> Decoder {
        match self {
            SourceEncoding::Utf8 => UTF_8.new_decoder_without_bom_handling(),
            SourceEncoding::Gbk => GBK.new_decoder_without_bom_handling(),
            SourceEncoding::Utf8Bom => UTF_8.new_decoder_with_bom_removal(),
            SourceEncoding::Utf16Le => UTF_16LE.new_decoder_with_bom_removal(),
            SourceEncoding::Utf16Be => UTF_16BE.new_decoder_with_bom_removal(),
        }
    }

    pub fn encoding(self) -> &'static Encoding {
        match self {
            SourceEncoding::Utf8 | SourceEncoding::Utf8Bom => UTF_8,
            SourceEncoding::Gbk => GBK,
            SourceEncoding::Utf16Le => UTF_16LE,
            SourceEncoding::Utf16Be => UTF_16BE,
        }
    }
}

/// The file holds a byte sequence that is not valid in the encoding it is
/// read in, on line `line` (1-based, counted in the text decoded before it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Undecodable {
    pub encoding: SourceEncoding,
    pub line: u64,
}

impl std::fmt::Display for Undecodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} is not valid {}", self.line, self.encoding.label())
    }
}

impl std::error::Error for Undecodable {}

/// The [`Undecodable`] inside an I/O error raised by a [`Decoded`] reader.
pub fn undecodable(error: &io::Error) -> Option<Undecodable> {
    error.get_ref().and_then(|e| e.downcast_ref::<Undecodable>()).copied()
}

/// A UTF-8 view of a department file, BOM removed. Reading fails with an
/// [`Undecodable`] error at the first byte sequence the encoding refuses.
pub struct Decoded<R: Read> {
    encoding: SourceEncoding,
    decoder: Decoder,
    input: io::Chain<Cursor<Vec<u8>>, R>,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    input_done: bool,
    out: Vec<u8>,
    out_start: usize,
    out_end: usize,
    /// Line feeds decoded so far.
    lines: u64,
    failure: Option<Undecodable>,
    finished: bool,
}

impl<R: Read> Decoded<R> {
    pub fn encoding(&self) -> SourceEncoding {
        self.encoding
    }

    /// Decodes the next piece of input into `out`; false at the end.
    fn refill(&mut self) -> io::Result<bool> {
        loop {
            if self.finished {
                return Ok(false);
            }
            if self.raw_start == self.raw_end && !self.input_done {
                let n = loop {
                    match self.input.read(&mut self.raw) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        other => break other?,
                    }
                };
                (self.raw_start, self.raw_end, self.input_done) = (0, n, n == 0);
            }
            let last = self.input_done;
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.raw[self.raw_start..self.raw_end],
                &mut self.out,
                last,
            );
            self.raw_start += read;
            (self.out_start, self.out_end) = (0, written);
            self.lines += self.out[..written].iter().filter(|&&b| b == b'\n').count() as u64;
            match result {
                DecoderResult::Malformed(..) => {
                    // The bytes decoded before the bad sequence are not handed out either.
                    self.out_end = 0;
                    let failure = Undecodable { encoding: self.encoding, line: self.lines + 1 };
                    self.failure = Some(failure);
                    return Err(io::Error::new(io::ErrorKind::InvalidData, failure));
                }
                DecoderResult::InputEmpty if last => self.finished = true,
                DecoderResult::InputEmpty | DecoderResult::OutputFull => {}
            }
            if written > 0 {
                return Ok(true);
            }
        }
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(failure) = self.failure {
            return Err(io::Error::new(io::ErrorKind::InvalidData, failure));
        }
        if buf.is_empty() {
            return Ok(0);
        }
        if self.out_start == self.out_end && !self.refill()? {
            return Ok(0);
        }
        let n = buf.len().min(self.out_end - self.out_start);
        buf[..n].copy_from_slice(&self.out[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}

/// Guesses the encoding from the start of `input` and returns a UTF-8 reader
/// over the whole of it. Reads at most [`SNIFF_LEN`] bytes ahead.
pub fn decode<R: Read>(input: R) -> io::Result<Decoded<R>> {
    decode_as(input, None)
}

/// [`decode`], or read in `encoding` when given (a second reading, after
/// the guess proved wrong).
pub fn decode_as<R: Read>(mut input: R, encoding: Option<SourceEncoding>) -> io::Result<Decoded<R>> {
    let mut head = Vec::with_capacity(SNIFF_LEN);
    let at_eof = fill(&mut input, &mut head, SNIFF_LEN)?;
    let encoding = encoding.unwrap_or_else(|| sniff(&head, at_eof));
    Ok(Decoded {
        encoding,
        decoder: encoding.decoder(),
        input: Cursor::new(head).chain(input),
        raw: vec![0; OUT_LEN],
        raw_start: 0,
        raw_end: 0,
        input_done: false,
        out: vec![0; OUT_LEN],
        out_start: 0,
        out_end: 0,
        lines: 0,
        failure: None,
        finished: false,
    })
}

/// The encoding to read the file in when reading it in the guessed `tried`
/// failed: UTF-8 and GBK are the two that come without a BOM. A BOM is not
/// second-guessed.
pub fn fallback(tried: SourceEncoding) -> Option<SourceEncoding> {
    match tried {
        SourceEncoding::Utf8 => Some(SourceEncoding::Gbk),
        SourceEncoding::Gbk => Some(SourceEncoding::Utf8),
        _ => None,
    }
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

/// Guesses the encoding of a file from its first bytes.
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

    fn failure(bytes: &[u8], encoding: Option<SourceEncoding>) -> Undecodable {
        let mut decoded = decode_as(bytes, encoding).unwrap();
        let error = decoded.read_to_end(&mut Vec::new()).unwrap_err();
        undecodable(&error).expect("an encoding failure")
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
    fn a_wrong_guess_fails_where_it_shows_and_the_fallback_reads_it_all() {
        // 住宅 in GBK (D7 A1 D5 AC) is also valid UTF-8 ("סլ"); 厂房 is not.
        let text = format!("{}住宅\n厂房\n", "a,b\n".repeat(SNIFF_LEN / 4 + 1));
        let (bytes, _, _) = GBK.encode(&text);
        let wrong = failure(&bytes, None);
        assert_eq!(wrong, Undecodable { encoding: SourceEncoding::Utf8, line: SNIFF_LEN as u64 / 4 + 3 });
        let retry = fallback(wrong.encoding).unwrap();
        let mut decoded = decode_as(&bytes[..], Some(retry)).unwrap();
        let mut read = String::new();
        decoded.read_to_string(&mut read).unwrap();
        assert_eq!((decoded.encoding(), read), (SourceEncoding::Gbk, text));
    }

    #[test]
    fn bytes_invalid_in_every_encoding_fail_instead_of_becoming_replacement_chars() {
        let mut bytes = "a\n".repeat(SNIFF_LEN).into_bytes();
        bytes.extend_from_slice(b"\xFFb");
        assert_eq!(failure(&bytes, None).encoding, SourceEncoding::Utf8);
        assert_eq!(
            failure(&bytes, Some(SourceEncoding::Gbk)),
            Undecodable { encoding: SourceEncoding::Gbk, line: SNIFF_LEN as u64 + 1 }
        );
        assert_eq!(fallback(SourceEncoding::Gbk), Some(SourceEncoding::Utf8));
        assert_eq!(fallback(SourceEncoding::Utf8Bom), None);
    }
}
