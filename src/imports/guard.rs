//! The reader between the decoder and the CSV parser. It bounds how much one
//! record may read (an unclosed quote would otherwise swallow the rest of the
//! file into memory) and makes sure the last line ends with LF, so that every
//! record consumes exactly one terminator and row numbers stay exact.

use std::io::{self, Read};

pub(crate) struct Guard<R> {
    inner: R,
    limit: u64,
    /// Bytes handed out since the last record boundary.
    used: u64,
    last: Option<u8>,
    finished: bool,
}

#[derive(Debug)]
struct TooLong;

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("record too long")
    }
}

impl std::error::Error for TooLong {}

/// Whether an I/O error is the guard refusing an over-long record.
pub(crate) fn is_too_long(error: &io::Error) -> bool {
    error.get_ref().is_some_and(|e| e.is::<TooLong>())
}

impl<R: Read> Guard<R> {
    pub fn new(inner: R, limit: u64) -> Guard<R> {
        Guard { inner, limit, used: 0, last: None, finished: false }
    }

    /// Called at each record boundary. The CSV reader buffers ahead, so the
    /// count runs up to one buffer over the true record length: harmless at 1 MiB.
    pub fn reset_budget(&mut self) {
        self.used = 0;
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.finished || buf.is_empty() {
            return Ok(0);
        }
        if self.used > self.limit {
            return Err(io::Error::other(TooLong));
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.finished = true;
            if self.last.is_some_and(|b| b != b'\n') {
                buf[0] = b'\n';
                return Ok(1);
            }
            return Ok(0);
        }
        self.used += n as u64;
        self.last = Some(buf[n - 1]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        Guard::new(input, 100).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn adds_a_final_line_feed_only_when_missing() {
        assert_eq!(read_all(b"a,b"), b"a,b\n");
        assert_eq!(read_all(b"a,b\n"), b"a,b\n");
        assert_eq!(read_all(b""), b"");
    }

    #[test]
    fn refuses_to_read_past_the_limit_until_reset() {
        let data = vec![b'x'; 1000];
        let mut guard = Guard::new(&data[..], 100);
        let mut buf = [0u8; 64];
        let mut total = 0;
        let error = loop {
            match guard.read(&mut buf) {
                Ok(n) => total += n,
                Err(e) => break e,
            }
        };
        assert!(is_too_long(&error));
        assert!(total <= 100 + 64);
        guard.reset_budget();
        assert_eq!(guard.read(&mut buf).unwrap(), 64);
    }
}
