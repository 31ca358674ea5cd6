//! The API under a benchmark: served on a free loopback port, with the two ways to count what
//! it asks of its store. Each bench adds the calls it makes in its own `impl Served`.

use std::sync::Arc;

use gatehouse_core::Gatehouse;
use gatehouse_tests::counting::Counting;

pub struct Served {
    pub url: String,
    pub counting: Arc<Counting>,
    /// DynamoDB's own count (`DynamoTable::requests_made`), when on DynamoDB.
    pub dynamo: Option<Arc<gatehouse_aws::DynamoTable>>,
    pub client: reqwest::Client,
}

impl Served {
    /// Serves `gatehouse`, whose table is `counting` (over `dynamo`, when on DynamoDB).
    pub async fn new(
        gatehouse: Gatehouse,
        counting: Arc<Counting>,
        dynamo: Option<Arc<gatehouse_aws::DynamoTable>>,
    ) -> anyhow::Result<Self> {
        let router = gatehouse_api::router(gatehouse);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, router).await });
        Ok(Served { url, counting, dynamo, client: reqwest::Client::new() })
    }

    /// The authoritative request count: DynamoDB's where there is one, else the port calls.
    pub fn requests(&self) -> u64 {
        match &self.dynamo {
            Some(table) => table.requests_made(),
            None => self.counting.counts().total(),
        }
    }
}
