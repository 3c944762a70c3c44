//! Result rows read by column name: a reordered `select` cannot shift a value into another field of
//! the same type, and a missing column is an error rather than a panic.

use std::str::FromStr;

use tokio_postgres::Row;
use tokio_postgres::types::FromSql;

use crate::StoreError;

/// A struct read from one result row: its only row mapping, so every query selecting it must name
/// the columns it reads.
pub trait FromRow: Sized {
    fn from_row(row: &Row) -> Result<Self, StoreError>;
}

/// The value of `column`.
pub(crate) fn get<'a, T: FromSql<'a>>(row: &'a Row, column: &'static str) -> Result<T, StoreError> {
    row.try_get(column)
        .map_err(|source| StoreError::Column { column, source })
}

/// A text `column` holding one of this code's enums.
pub(crate) fn parse<T: FromStr>(row: &Row, column: &'static str) -> Result<T, StoreError> {
    get::<&str>(row, column)?
        .parse()
        .map_err(|_| StoreError::UnknownValue(column))
}

/// Like [`parse`], for a nullable column.
pub(crate) fn parse_nullable<T: FromStr>(
    row: &Row,
    column: &'static str,
) -> Result<Option<T>, StoreError> {
    get::<Option<&str>>(row, column)?
        .map(|text| text.parse().map_err(|_| StoreError::UnknownValue(column)))
        .transpose()
}

pub(crate) fn all<T: FromRow>(rows: &[Row]) -> Result<Vec<T>, StoreError> {
    rows.iter().map(T::from_row).collect()
}

pub(crate) fn optional<T: FromRow>(row: Option<Row>) -> Result<Option<T>, StoreError> {
    row.as_ref().map(T::from_row).transpose()
}
