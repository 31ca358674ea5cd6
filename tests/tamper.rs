//! Changes to the store made behind the API's back, as someone with access to the table could
//! make them: what the Authorisation Log's hash chain is there to show.

use gatehouse_core::keys::Key;
use gatehouse_core::ports::Condition;
use gatehouse_core::{AppId, Gatehouse, SchoolId};
use serde_json::json;

/// Rewrites who made entry `seq` of the demo app's Authorisation Log for `school`, leaving the
/// entry's hash as it was written.
pub async fn rewrite_log_actor(gatehouse: &Gatehouse, school: &str, seq: u32, actor: &str) {
    let app = AppId::parse("demo-app").expect("the demo app's id");
    let school = SchoolId::parse(school).expect("a school id");
    let key = Key::LogEntry(&app, &school, seq);
    let mut entry = gatehouse.table.get(&key.pk(), &key.sk()).await.expect("reading the log").expect("the log entry");
    entry.attributes.insert("actor".into(), json!(actor));
    gatehouse.table.put(entry, Condition::Always).await.expect("rewriting the log entry");
}
