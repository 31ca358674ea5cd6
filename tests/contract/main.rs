//! The port contracts: one suite of `Table` tests run on both adapters (the
//! redb store and DynamoDB under moto) and on the in-memory table the core's
//! rule tests use, as ripgrep runs each test per regex engine, plus the SES
//! mailer and EventBridge bus against moto.

use std::sync::Arc;

use gatehouse_aws::{DynamoTable, create_table};
use gatehouse_core::ports::{MemoryTable, Table};
use gatehouse_local::store::RedbTable;
use gatehouse_tests::moto;
use tempfile::TempDir;

/// A fresh, empty table on one backend.
pub struct Backend {
    pub table: Arc<dyn Table>,
    // The redb file lives in here; dropping it deletes the store.
    _dir: Option<TempDir>,
}

impl Backend {
    pub fn redb() -> anyhow::Result<Backend> {
        let dir = tempfile::tempdir()?;
        let table = RedbTable::open(&dir.path().join("store.redb"))?;
        Ok(Backend { table: Arc::new(table), _dir: Some(dir) })
    }

    pub fn memory() -> Backend {
        Backend { table: Arc::new(MemoryTable::new()), _dir: None }
    }

    pub async fn dynamodb(test: &str) -> anyhow::Result<Backend> {
        let table = dynamo_table(test).await?;
        Ok(Backend { table: Arc::new(table), _dir: None })
    }
}

/// A new DynamoDB table in moto, named after the test: moto's state is
/// shared by every test in the process.
pub async fn dynamo_table(test: &str) -> anyhow::Result<DynamoTable> {
    let client = aws_sdk_dynamodb::Client::new(&moto::sdk_config().await);
    let name = moto::unique_name(&format!("contract-{}", test.replace('_', "-")));
    create_table(&client, &name).await?;
    Ok(DynamoTable::new(client, name))
}

/// Declares one `Table` test and runs its body once per backend, as
/// `<name>::redb`, `<name>::dynamodb` and `<name>::memory`.
macro_rules! table_test {
    ($name:ident, |$table:ident| $body:block) => {
        mod $name {
            use super::*;

            async fn body($table: std::sync::Arc<dyn Table>) -> anyhow::Result<()> $body

            #[tokio::test(flavor = "multi_thread")]
            async fn redb() -> anyhow::Result<()> {
                let backend = crate::Backend::redb()?;
                body(backend.table.clone()).await
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn dynamodb() -> anyhow::Result<()> {
                let backend = crate::Backend::dynamodb(stringify!($name)).await?;
                body(backend.table.clone()).await
            }

            #[tokio::test(flavor = "multi_thread")]
            async fn memory() -> anyhow::Result<()> {
                body(crate::Backend::memory().table).await
            }
        }
    };
}

mod cases;
mod email_types;
mod events;
mod mailer;
mod suppression;
mod table;
