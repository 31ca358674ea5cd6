//! The command line's way to a running local server: `cargo xtask job`,
//! `import-directory` and `create-ops-user` post to its `/dev` routes when
//! one holds the data directory.

use std::net::SocketAddr;

/// A one-shot HTTP/1.1 POST to a `/dev` path; returns the response body.
pub async fn post_to_running_server(
    mut stream: tokio::net::TcpStream,
    addr: SocketAddr,
    path: &str,
    body: &[u8],
) -> anyhow::Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    if !head.starts_with("HTTP/1.1 200") {
        anyhow::bail!("the running server refused: {body}");
    }
    Ok(body.to_owned())
}
