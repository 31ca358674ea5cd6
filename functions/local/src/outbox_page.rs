//! `GET /dev/outbox`: the outbox as a page, with the links in each email
//! clickable, and `GET /dev/outbox.json` for scripts and tests.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::outbox::OutboxEntry;
use crate::server::LocalState;

/// A run of plain text or a URL within an email body.
pub enum Segment {
    Text(String),
    Link(String),
}

pub struct EntryView {
    id: String,
    subject: String,
    to: String,
    sent_at: String,
    segments: Vec<Segment>,
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    entries: Vec<EntryView>,
}

/// Splits text into plain runs and `http(s)://` links, keeping whitespace.
fn segments(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut plain = String::new();
    for word in text.split_inclusive(char::is_whitespace) {
        let trimmed = word.trim_end();
        if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
            segments.push(Segment::Text(std::mem::take(&mut plain)));
            segments.push(Segment::Link(trimmed.to_owned()));
            plain.push_str(&word[trimmed.len()..]);
        } else {
            plain.push_str(word);
        }
    }
    segments.push(Segment::Text(plain));
    segments
}

fn view(entry: OutboxEntry) -> EntryView {
    EntryView {
        segments: segments(&entry.text),
        id: entry.id,
        subject: entry.subject,
        to: entry.to,
        sent_at: entry.sent_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    }
}

pub async fn page(State(state): State<LocalState>) -> Response {
    // A sign-in link is sent just after its request answers: show it.
    state.sign_in_sends.settled(&state.bus).await;
    let rendered = state
        .outbox
        .entries()
        .and_then(|entries| Ok(OutboxPage { entries: entries.into_iter().map(view).collect() }.render()?));
    match rendered {
        Ok(html) => Html(html).into_response(),
        Err(error) => {
            tracing::error!(error = ?error, "outbox unreadable");
            (StatusCode::INTERNAL_SERVER_ERROR, "The outbox could not be read; see the server log.").into_response()
        }
    }
}

pub async fn json(State(state): State<LocalState>) -> Response {
    state.sign_in_sends.settled(&state.bus).await;
    match state.outbox.entries() {
        Ok(entries) => Json(entries).into_response(),
        Err(error) => {
            tracing::error!(error = ?error, "outbox unreadable");
            (StatusCode::INTERNAL_SERVER_ERROR, "The outbox could not be read; see the server log.").into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_found_between_words() {
        let parts = segments("Open http://x.test/auth#token=a1 now.\nhttps://y.test");
        let links: Vec<_> =
            parts.iter().filter_map(|s| if let Segment::Link(u) = s { Some(u.as_str()) } else { None }).collect();
        assert_eq!(links, ["http://x.test/auth#token=a1", "https://y.test"]);
        let text: String = parts
            .iter()
            .map(|s| match s {
                Segment::Text(t) | Segment::Link(t) => t.as_str(),
            })
            .collect();
        assert_eq!(text, "Open http://x.test/auth#token=a1 now.\nhttps://y.test");
    }
}
