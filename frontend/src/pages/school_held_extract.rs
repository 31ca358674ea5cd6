//! The deletion guard, for the school (G1): `/school/held-extract` shows what
//! a held full extract would change (counts, and who would be deleted, by
//! name and MIS id) and lets the school release or reject it. The dashboard's
//! feed panel (`DataFeedPanel`) says when something is held, when the MIS
//! last sent data, and when each app last read it.

use gatehouse_model::{HeldExtractDiff, PersonSummary, PushStatus, SchoolFeed};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::set_title;
use crate::components::ProblemAlert;
use crate::dates::{local_time, long_date};
use crate::pages::school_home::{AdminOnlyNote, SchoolHeader, SchoolSession};

pub const HELD_EXTRACT_PAGE: &str = "/school/held-extract";

fn people(count: u32) -> String {
    if count == 1 { "1 person".to_owned() } else { format!("{count} people") }
}

/// The dashboard's view of the MIS feed: a held extract first, then freshness.
#[component]
pub fn DataFeedPanel() -> impl IntoView {
    let feed = LocalResource::new(api::school_feed);
    view! {
        {move || match feed.get() {
            None => ().into_any(),
            Some(Err(error)) if error.requires_sign_in() => ().into_any(),
            Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
            Some(Ok(feed)) => feed_view(feed).into_any(),
        }}
    }
}

fn feed_view(feed: SchoolFeed) -> impl IntoView {
    let held = feed.held_extract.map(|held| {
        view! {
            <div class="notice warning-notice" role="alert">
                <p>
                    {format!(
                        "An extract from your MIS would delete {} and is held, not applied. ",
                        people(held.would_delete)
                    )}
                    <a href=HELD_EXTRACT_PAGE>"Review"<span class="visually-hidden">" the held extract"</span></a>
                </p>
            </div>
        }
    });
    let extract = match (&feed.last_extract_at, feed.cache_stale) {
        (None, _) => "Your MIS has not sent any data yet.".to_owned(),
        (Some(at), true) => format!("Your MIS last sent data {}: more than 7 days ago.", local_time(at)),
        (Some(at), false) => format!("Your MIS last sent data {}.", local_time(at)),
    };
    let status = match feed.last_status {
        Some(PushStatus::Warning) => " Status: Warning.",
        Some(PushStatus::Error) => " Status: Error (the last push was not applied).",
        _ => "",
    };
    let pulls = feed
        .apps
        .into_iter()
        .map(|app| {
            let when = app.last_pull_on.as_deref().map_or_else(|| "not this month or last".to_owned(), long_date);
            view! { <li>{format!("{}: last read {when}", app.app_name)}</li> }
        })
        .collect_view();
    view! {
        {held}
        <section class="feed-freshness" aria-labelledby="feed-heading">
            <h2 id="feed-heading">"Your MIS data"</h2>
            <p>{format!("{extract}{status} {} held.", people(feed.persons))}</p>
            <ul class="plain-list">{pulls}</ul>
        </section>
    }
}

fn deletions_table(deletions: Vec<PersonSummary>) -> impl IntoView {
    if deletions.is_empty() {
        return view! { <p class="empty-note">"Nobody would be deleted."</p> }.into_any();
    }
    let rows = deletions
        .into_iter()
        .map(|person| {
            view! {
                <tr>
                    <th scope="row">{person.name}</th>
                    <td>{person.mis_id}</td>
                    <td>{person.resource.as_str()}</td>
                    <td>{person.detail}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" role="region" aria-labelledby="deletions-caption" tabindex="0">
            <table class="schools school-apps">
                <caption id="deletions-caption">"Who releasing it would delete"</caption>
                <thead><tr>
                    <th scope="col" class="unsorted">"Name"</th>
                    <th scope="col" class="unsorted">"MIS id"</th>
                    <th scope="col" class="unsorted">"Kind"</th>
                    <th scope="col" class="unsorted">"Details"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn SchoolHeldExtractScreen() -> impl IntoView {
    set_title("Held MIS extract");
    let admin = SchoolSession::of_page().is_admin();
    let diff = RwSignal::new(None::<Result<HeldExtractDiff, ApiError>>);
    leptos::task::spawn_local(async move { diff.set(Some(api::school_held_extract().await)) });
    let decide = Action::new_local(|(release, held_id): &(bool, String)| {
        let (release, held_id) = (*release, held_id.clone());
        async move { api::decide_held_extract(release, held_id).await }
    });
    let decided = move || decide.value().get().and_then(Result::ok);
    let failed = move || decide.value().get().and_then(Result::err);
    view! {
        <SchoolHeader />
        <main>
            <h1>"Held MIS extract"</h1>
            <p class="lead">
                "Gatehouse holds a full extract from your MIS when it would delete more than 10% of your people, "
                "which usually means a mistake such as a term rollover. Until you decide, your apps keep the data "
                "they have."
            </p>
            <p class="action-message" role="status" hidden=move || decided().is_none()>
                {move || decided().map(|decision| decision.message)}
            </p>
            {move || failed().map(|error| view! { <ProblemAlert error /> })}
            <AdminOnlyNote />
            {move || match diff.get() {
                _ if decided().is_some() => view! { <p><a href="/school">"Back to the dashboard"</a></p> }.into_any(),
                None => view! { <p class="loading">"Loading the held extract…"</p> }.into_any(),
                Some(Err(error)) if error.code() == Some("no_held_extract") => view! {
                    <p class="empty-note">"Nothing is held: every extract from your MIS has been applied."</p>
                    <p><a href="/school">"Back to the dashboard"</a></p>
                }.into_any(),
                Some(Err(error)) => view! { <ProblemAlert error /> }.into_any(),
                Some(Ok(diff)) => {
                    let (release_id, reject_id) = (diff.summary.held_id.clone(), diff.summary.held_id.clone());
                    let counts = &diff.changes;
                    let summary = format!(
                        "Held {}. Releasing it would add {}, change {}, delete {} and leave {} as they are.",
                        local_time(&diff.summary.held_at),
                        counts.created,
                        counts.updated,
                        counts.deleted,
                        counts.unchanged
                    );
                    view! {
                        <p>{summary}</p>
                        {deletions_table(diff.deletions)}
                        <div class="actions" hidden=move || !admin.get()>
                            <button type="button" disabled=move || decide.pending().get()
                                on:click=move |_| { decide.dispatch((true, release_id.clone())); }>
                                "Release: apply it, deletions included"
                            </button>
                            <button type="button" class="secondary" disabled=move || decide.pending().get()
                                on:click=move |_| { decide.dispatch((false, reject_id.clone())); }>
                                "Reject: keep the current data"
                            </button>
                        </div>
                    }.into_any()
                }
            }}
        </main>
    }
}
