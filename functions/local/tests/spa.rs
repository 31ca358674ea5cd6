//! The local server's SPA: each client-side address gets its bundle's shell, as `shells.json`
//! in the built directory lists them, and hashed assets may be cached where shells may not (#14).

use std::path::Path;

use gatehouse_local::{LocalConfig, RunningServer, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ASSET: &str = "assets/partner-0123456789abcdef.js";

/// A built SPA as `cargo xtask spa` lays it out, each shell saying which it is.
fn built_spa(dir: &Path) {
    for shell in ["index.html", "public.html", "school.html"] {
        std::fs::write(dir.join(shell), format!("<!doctype html><title>{shell}</title>")).unwrap();
    }
    std::fs::create_dir(dir.join("assets")).unwrap();
    std::fs::write(dir.join(ASSET), "export default 1;").unwrap();
    let shells =
        r#"{"/school/signin": "public.html", "/signin": "public.html", "/school": "school.html", "/": "index.html"}"#;
    std::fs::write(dir.join("shells.json"), shells).unwrap();
}

/// Status, headers (names lower-cased) and body of a plain GET.
async fn get(server: &RunningServer, path: &str) -> (u16, Vec<(String, String)>, String) {
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", server.addr);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(header, _)| header == name).map(|(_, value)| value.as_str())
}

#[tokio::test]
async fn each_address_gets_its_bundles_shell_and_only_hashed_assets_are_kept() {
    let (data, spa) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    built_spa(spa.path());
    let mut config = LocalConfig::new(data.path().to_owned());
    config.spa_dir = Some(spa.path().to_owned());
    let server = start(config).await.unwrap();

    for (address, shell) in [
        ("/", "index.html"),
        ("/schools/pending?app=a-1", "index.html"),
        ("/schoolhouse", "index.html"),
        ("/school", "school.html"),
        ("/school/apps/a-1", "school.html"),
        ("/school/signin", "public.html"),
        ("/signin", "public.html"),
        ("/public.html", "public.html"),
    ] {
        let (status, headers, body) = get(&server, address).await;
        assert_eq!((status, body), (200, format!("<!doctype html><title>{shell}</title>")), "{address}");
        assert_eq!(header(&headers, "cache-control"), Some("no-cache"), "{address}");
        assert_eq!(header(&headers, "content-type"), Some("text/html"), "{address}");
    }

    let (status, headers, body) = get(&server, &format!("/{ASSET}")).await;
    assert_eq!((status, body.as_str()), (200, "export default 1;"));
    assert_eq!(header(&headers, "cache-control"), Some("public, max-age=31536000, immutable"));
    assert_eq!(header(&headers, "content-type"), Some("text/javascript"));
    assert!(header(&headers, "x-content-type-options").is_some(), "the security headers still apply");

    for missing in ["/assets/partner-fedcba9876543210.js", "/favicon.ico"] {
        let (status, headers, _) = get(&server, missing).await;
        assert_eq!(status, 404, "{missing} is not a client-side address");
        assert_eq!(header(&headers, "cache-control"), None, "{missing}: a miss is not kept");
    }
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_directory_without_its_shell_list_is_refused_at_start() {
    let (data, spa) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    std::fs::write(spa.path().join("index.html"), "<!doctype html>").unwrap();
    let mut config = LocalConfig::new(data.path().to_owned());
    config.spa_dir = Some(spa.path().to_owned());
    let error = start(config).await.err().expect("no shells.json, no server");
    assert!(format!("{error:#}").contains("`cargo xtask spa` builds the SPA with it"), "{error:#}");
}
