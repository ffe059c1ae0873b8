//! The one error type of the readers: which file, where in it, what was expected.

/// A reader error. Every variant names the file and a place in it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Malformed or unexpected XML, at a byte offset.
    #[error("{file}: byte {offset}: {what}")]
    Xml { file: String, offset: u64, what: String },
    /// Malformed line-oriented input (CSV, SPDX tag-value), at a 1-based line.
    #[error("{file}: line {line}: {what}")]
    Line { file: String, line: u64, what: String },
    /// Malformed or unexpected JSON, at a line and column and a JSON path.
    #[error("{file}: line {line} column {column} (at {path}): {what}")]
    Json { file: String, line: usize, column: usize, path: String, what: String },
    /// The file is not of the format it was read as, or of no known format.
    #[error("{file}: {what}")]
    Format { file: String, what: String },
    #[error("{file}: reading: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// The caller's sink refused an item; reading stopped there.
    #[error("{file}: {what}")]
    Sink { file: String, what: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
