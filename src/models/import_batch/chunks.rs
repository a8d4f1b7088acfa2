//! Reading a stored file back, chunk by chunk.

use diesel::prelude::*;
use std::io::Read;

use crate::db::StreamingConn;
use crate::schema::import_chunks;

/// Reads a stored file back chunk by chunk over its own connection, so that
/// memory stays flat and the importing transaction keeps its connection.
pub struct ChunkReader {
    conn: StreamingConn,
    batch_id: i64,
    next_seq: i32,
    chunk: Vec<u8>,
    pos: usize,
    done: bool,
}

impl ChunkReader {
    pub fn new(conn: StreamingConn, batch_id: i64) -> ChunkReader {
        ChunkReader { conn, batch_id, next_seq: 0, chunk: Vec::new(), pos: 0, done: false }
    }
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.chunk.len() && !self.done {
            let next: Option<Vec<u8>> = import_chunks::table
                .filter(import_chunks::batch_id.eq(self.batch_id))
                .filter(import_chunks::seq.eq(self.next_seq))
                .select(import_chunks::data)
                .first(&mut *self.conn)
                .optional()
                .map_err(std::io::Error::other)?;
            match next {
                Some(data) => {
                    self.chunk = data;
                    self.pos = 0;
                    self.next_seq += 1;
                }
                None => self.done = true,
            }
        }
        let n = out.len().min(self.chunk.len() - self.pos);
        out[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
