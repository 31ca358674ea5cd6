//! The forms on a school's app page an admin uses, and the summary a member sees instead: the
//! GDPR mode and feed, authorising a request, and revoking access.

use gatehouse_model::{
    FeedStatus, GdprMode, MIS_CHOICES, SchoolAppDetail, SchoolAppSettings, SchoolAppState, SchoolAuthoriseRequest,
    SchoolRevokeRequest, ScopeSet,
};
use leptos::prelude::*;

use super::field_problem;
use crate::api::{ApiError, SchoolAppCommand};
use crate::components::{RadioChoices, problem_for};

/// What a GDPR mode means, in plain words.
fn gdpr_mode_explained(mode: GdprMode) -> &'static str {
    match mode {
        GdprMode::IncludeAll => {
            "Include All: everyone in the data areas you share is shared, except people you exclude one by one."
        }
        GdprMode::ExcludeAll => {
            "Exclude All: nobody is shared until you include them one by one. Choose this to share only selected people."
        }
    }
}

/// What the feed setting means, in plain words.
fn feed_explained(feed: FeedStatus) -> &'static str {
    match feed {
        FeedStatus::Enabled => "Enabled: the app can read the data you shared.",
        FeedStatus::Paused => "Paused: the app reads nothing until you enable the feed again; your choices are kept.",
    }
}

/// A member's view of the sharing settings: what they are, without the form.
#[component]
pub(super) fn SettingsSummary(mode: GdprMode, feed: FeedStatus) -> impl IntoView {
    view! {
        <section aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Sharing settings"</h2>
            <ul class="plain-list">
                <li>{gdpr_mode_explained(mode)}</li>
                <li>{feed_explained(feed)}</li>
            </ul>
        </section>
    }
}

#[component]
fn ModeAndFeed(prefix: &'static str, mode: RwSignal<GdprMode>, feed: RwSignal<FeedStatus>) -> impl IntoView {
    let modes = GdprMode::ALL
        .map(|choice| {
            let end = if choice == GdprMode::IncludeAll { "include" } else { "exclude" };
            (format!("{prefix}-mode-{end}"), gdpr_mode_explained(choice).to_owned(), choice)
        })
        .to_vec();
    let feeds = FeedStatus::ALL
        .map(|choice| {
            (
                format!("{prefix}-feed-{}", choice.label().to_ascii_lowercase()),
                feed_explained(choice).to_owned(),
                choice,
            )
        })
        .to_vec();
    view! {
        <fieldset>
            <legend>"GDPR mode: who is shared by default"</legend>
            <RadioChoices name=format!("{prefix}-mode") choices=modes answer=mode />
        </fieldset>
        <fieldset>
            <legend>"Feed"</legend>
            <RadioChoices name=format!("{prefix}-feed") choices=feeds answer=feed />
        </fieldset>
    }
}

#[component]
pub(super) fn SettingsForm(
    mode: GdprMode,
    feed: FeedStatus,
    error: Signal<Option<ApiError>>,
    pending: Signal<bool>,
    run: Callback<SchoolAppCommand>,
) -> impl IntoView {
    let (mode, feed) = (RwSignal::new(mode), RwSignal::new(feed));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        run.run(SchoolAppCommand::Settings(SchoolAppSettings {
            gdpr_mode: Some(mode.get_untracked()),
            feed_status: Some(feed.get_untracked()),
        }));
    };
    view! {
        <section aria-labelledby="settings-heading">
            <h2 id="settings-heading">"Sharing settings"</h2>
            <form on:submit=submit>
                <ModeAndFeed prefix="settings" mode feed />
                {field_problem(error, "gdpr_mode")}
                <button type="submit" disabled=move || pending.get()>"Save settings"</button>
            </form>
        </section>
    }
}

#[component]
pub(super) fn AuthoriseForm(
    app: SchoolAppDetail,
    error: Signal<Option<ApiError>>,
    pending: Signal<bool>,
    run: Callback<SchoolAppCommand>,
) -> impl IntoView {
    let row = app.row.clone();
    let first = row.state == SchoolAppState::AskingForAccess;
    let new: ScopeSet = app.requested_scopes.difference(&row.granted_scopes).copied().collect();
    let approved = RwSignal::new(new.clone());
    let mode = RwSignal::new(row.gdpr_mode.unwrap_or(GdprMode::ExcludeAll));
    let feed = RwSignal::new(row.feed_status.unwrap_or(FeedStatus::Enabled));
    let mis = RwSignal::new(row.mis.clone().unwrap_or_default());
    let boxes = new
        .iter()
        .copied()
        .map(|scope| {
            let id = format!("approve-{}", scope.label().to_ascii_lowercase().replace(' ', "-"));
            view! {
                <div class="choice">
                    <input type="checkbox" id=id.clone() checked=move || approved.read().contains(&scope)
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            approved.update(|set| { if on { set.insert(scope); } else { set.remove(&scope); } });
                        } />
                    <label for=id><strong>{scope.label()}</strong>": "{scope.description()}</label>
                </div>
            }
        })
        .collect_view();
    let options = MIS_CHOICES
        .iter()
        .map(|choice| view! { <option value=*choice selected=move || mis.get() == *choice>{*choice}</option> })
        .collect_view();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let mis = mis.get_untracked();
        run.run(SchoolAppCommand::Authorise(SchoolAuthoriseRequest {
            approved_scopes: approved.get_untracked(),
            gdpr_mode: mode.get_untracked(),
            feed_status: feed.get_untracked(),
            mis: (!mis.is_empty()).then_some(mis),
        }));
    };
    let heading = if first { "Authorise this request" } else { "The app asks for more" };
    let intro = if first {
        "Choose the data areas to share, how people are shared and whether the feed starts now."
    } else {
        "Approve all, some or none of the new data areas. What you granted before stays shared meanwhile."
    };
    view! {
        <section aria-labelledby="authorise-heading">
            <h2 id="authorise-heading">{heading}</h2>
            <p>{intro}</p>
            <form on:submit=submit>
                <fieldset><legend>"Data areas to approve"</legend>{boxes}</fieldset>
                {field_problem(error, "approved_scopes")}
                <label for="authorise-mis">"Your school's MIS"</label>
                <select id="authorise-mis" on:change=move |event| mis.set(event_target_value(&event))>
                    <option value="" selected=move || mis.get().is_empty()>"Choose…"</option>
                    {options}
                </select>
                {field_problem(error, "mis")}
                <ModeAndFeed prefix="authorise" mode feed />
                <button type="submit" disabled=move || pending.get()>"Authorise Sharing"</button>
            </form>
        </section>
    }
}

#[component]
pub(super) fn RevokeForm(
    revoke_on: Option<String>,
    error: Signal<Option<ApiError>>,
    pending: Signal<bool>,
    run: Callback<SchoolAppCommand>,
) -> impl IntoView {
    let today = crate::dates::today();
    let date = RwSignal::new(today.clone());
    let note = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let note = note.get_untracked();
        run.run(SchoolAppCommand::Revoke(SchoolRevokeRequest {
            revoke_on: date.get_untracked(),
            note: (!note.trim().is_empty()).then_some(note),
        }));
    };
    view! {
        <section aria-labelledby="revoke-heading">
            <h2 id="revoke-heading">"Revoke access for this app"</h2>
            {revoke_on.map(|on| view! {
                <p>{format!("Access ends on {on}. ")}
                    <button type="button" class="secondary" disabled=move || pending.get()
                        on:click=move |_| run.run(SchoolAppCommand::CancelRevocation)>"Cancel the revocation"</button>
                </p>
            })}
            <p>"Today ends access now; a later date keeps access until then. The app must ask again to share after it."</p>
            <form on:submit=submit>
                <label for="revoke-on">"Access ends on"</label>
                <input id="revoke-on" type="date" min=today prop:value=move || date.get()
                    on:input=move |event| date.set(event_target_value(&event))
                    aria-invalid=move || problem_for(error.get(), &["revoke_on"]).map(|_| "true") />
                {field_problem(error, "revoke_on")}
                <label for="revoke-note">"Why (optional)"</label>
                <input id="revoke-note" type="text" maxlength="500" prop:value=move || note.get()
                    on:input=move |event| note.set(event_target_value(&event)) />
                {field_problem(error, "note")}
                <button type="submit" class="danger" disabled=move || pending.get()>"Revoke access"</button>
            </form>
        </section>
    }
}
