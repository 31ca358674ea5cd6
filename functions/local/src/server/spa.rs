//! The built SPA (`cargo xtask spa`): one HTML shell per bundle (#14). A client-side address (no
//! file extension) gets the shell of the bundle that serves it, as the directory's `shells.json`
//! lists them; that list is written from the bundle table in `xtask/src/spa.rs`, which CloudFront's
//! `SpaRoutes` function is generated from too. Files are served as they are: what is under
//! `/assets/` has content-hashed names and may be kept for a year, anything else is asked for
//! again each time, so a new build's shells are seen at once.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::services::ServeDir;

/// What CloudFront's `SpaCaching` function sends, per file.
const ASSET_CACHE_CONTROL: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const SHELL_CACHE_CONTROL: HeaderValue = HeaderValue::from_static("no-cache");

/// The SPA in `dir`, for the server's fallback.
pub fn router(dir: &Path) -> anyhow::Result<Router> {
    let shells = Arc::new(Shells::read(dir)?);
    Ok(Router::new()
        .fallback_service(ServeDir::new(dir))
        .layer(axum::middleware::from_fn_with_state(shells, shell_and_caching)))
}

/// Each path with the shell that serves it and every address below it, the longest path first.
struct Shells(Vec<(String, Uri)>);

impl Shells {
    fn read(dir: &Path) -> anyhow::Result<Self> {
        let list = dir.join("shells.json");
        let text = std::fs::read_to_string(&list)
            .with_context(|| format!("reading {}: `cargo xtask spa` builds the SPA with it", list.display()))?;
        let shells: BTreeMap<String, String> = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a map of paths to shells", list.display()))?;
        let mut routes = Vec::new();
        for (path, shell) in shells {
            if !dir.join(&shell).is_file() {
                bail!("{} names {shell} for {path}, which is not in {}", list.display(), dir.display());
            }
            let uri = Uri::try_from(format!("/{shell}")).with_context(|| format!("{shell} is no file name"))?;
            routes.push((path, uri));
        }
        routes.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
        Ok(Shells(routes))
    }

    /// The shell for `address`; a path serves itself and what is below it, and `/` everything.
    fn for_address(&self, address: &str) -> Option<&Uri> {
        let serves = |path: &str| {
            address == path
                || address.strip_prefix(path.trim_end_matches('/')).is_some_and(|rest| rest.starts_with('/'))
        };
        self.0.iter().find(|(path, _)| serves(path)).map(|(_, shell)| shell)
    }
}

/// Sends a client-side address its shell, and says how long the answer may be kept.
async fn shell_and_caching(State(shells): State<Arc<Shells>>, mut request: Request, next: Next) -> Response {
    let address = request.uri().path().to_owned();
    let file_name = address.rsplit('/').next().unwrap_or_default();
    if !file_name.contains('.')
        && let Some(shell) = shells.for_address(&address)
    {
        *request.uri_mut() = shell.clone();
    }
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let cache = if address.starts_with("/assets/") { ASSET_CACHE_CONTROL } else { SHELL_CACHE_CONTROL };
        response.headers_mut().insert(header::CACHE_CONTROL, cache);
    }
    response
}
