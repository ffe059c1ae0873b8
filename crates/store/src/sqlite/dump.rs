//! A logical dump: the schema version, the schema and every table's rows, ordered, as text.
//!
//! Two databases with equal dumps hold the same content, whatever their page layout; tests use
//! it to prove that a refused import changed nothing. Every table in the schema is dumped, the
//! plant's and the intelligence tables alike, so a new migration needs no change here.

use std::fmt::Write as _;

use rusqlite::Connection;
use rusqlite::types::ValueRef;

use super::At;
use crate::StoreError;

fn push_value(out: &mut String, v: ValueRef<'_>) {
    // Writing to a String cannot fail.
    let _ = match v {
        ValueRef::Null => write!(out, "NULL"),
        ValueRef::Integer(i) => write!(out, "{i}"),
        ValueRef::Real(f) => write!(out, "{f:?}"),
        ValueRef::Text(t) => write!(out, "{:?}", String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => {
            out.push_str("x'");
            b.iter().for_each(|byte| {
                let _ = write!(out, "{byte:02x}");
            });
            write!(out, "'")
        }
    };
}

/// Callers hold a read transaction so the tables are dumped from one snapshot.
pub(crate) fn logical_dump(conn: &Connection, path: &str) -> Result<String, StoreError> {
    let mut out = String::new();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).at(path)?;
    let _ = writeln!(out, "user_version {version}");

    let mut tables = Vec::new();
    {
        let mut stmt =
            conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name").at(path)?;
        let mut rows = stmt.query([]).at(path)?;
        while let Some(row) = rows.next().at(path)? {
            out.push_str("schema");
            for i in 0..4 {
                out.push(' ');
                push_value(&mut out, row.get_ref(i).at(path)?);
            }
            out.push('\n');
            let kind: String = row.get(0).at(path)?;
            let name: String = row.get(1).at(path)?;
            if kind == "table" && !name.starts_with("sqlite_") {
                tables.push(name);
            }
        }
    }

    for table in tables {
        let quoted = table.replace('"', "\"\"");
        let columns = conn.prepare(&format!("SELECT * FROM \"{quoted}\" LIMIT 0")).at(path)?.column_count();
        let order = (1..=columns).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
        let sql = if columns == 0 {
            format!("SELECT * FROM \"{quoted}\"")
        } else {
            format!("SELECT * FROM \"{quoted}\" ORDER BY {order}")
        };
        let mut stmt = conn.prepare(&sql).at(path)?;
        let names = stmt.column_names().collect::<Vec<_>>().join(", ");
        let _ = writeln!(out, "table {table} ({names})");
        let mut rows = stmt.query([]).at(path)?;
        while let Some(row) = rows.next().at(path)? {
            out.push(' ');
            for i in 0..columns {
                out.push(' ');
                push_value(&mut out, row.get_ref(i).at(path)?);
            }
            out.push('\n');
        }
    }
    Ok(out)
}
