//! A4, `/webhooks`: where one of the partner's apps receives Gatehouse's events. Admins set the
//! URL (the first save shows the signing secret once; the SPA keeps it only in this screen's
//! memory), rotate the secret after confirming, switch delivery off and on, and send one
//! delivery again; members see it all read-only. Below, the deliveries of the last 30 days with
//! their status, dead letters included. `?app=` picks the app; the partner's first otherwise.

use gatehouse_model::{DeliveryStatus, NoBody, NoQuery, SetWebhook, WebhookDelivery, WebhookSettings, endpoint};
use leptos::html::H2;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::WEBHOOKS;
use crate::components::{
    ActionMessage, ActionStatus, AppPage, ConfirmBox, ForApp, ProblemAlert, RecordTable, RowButton, TextField,
    clear_problems_on_edit, field_problem, focus_first, focused_on_load, problem_unclaimed,
};
use crate::dates::local_time;

/// The URL input, focused when its problem shows.
const URL_INPUT: &str = "webhook-url";
const SECRET_INPUT: &str = "webhook-secret";

/// What the screen finds wrong with a URL before sending it; the API checks the rest.
fn url_problem(text: &str) -> Option<String> {
    let url = text.trim();
    if url.is_empty() {
        return Some("Enter the address that should receive events, like https://app.example/gatehouse.".to_owned());
    }
    let lower = url.to_ascii_lowercase();
    (!lower.starts_with("https://") && !lower.starts_with("http://"))
        .then(|| "Start the address with https://.".to_owned())
}

fn status_class(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Delivered => "badge status-ok",
        DeliveryStatus::Sending | DeliveryStatus::Retrying => "badge status-warning",
        DeliveryStatus::DeadLettered => "badge status-error",
    }
}

/// "HTTP 500" or why there was no answer.
fn response_text(delivery: &WebhookDelivery) -> String {
    match (delivery.response_code, &delivery.error) {
        (Some(code), _) => format!("HTTP {code}"),
        (None, Some(error)) => error.clone(),
        (None, None) => "–".to_owned(),
    }
}

#[component]
pub fn WebhooksScreen() -> impl IntoView {
    view! {
        <AppPage
            page=WEBHOOKS
            title="Webhooks"
            loading="Loading the webhook…"
            no_apps="Your organisation has no apps yet, so there is no webhook to set."
            load=load_webhook
            show=manager
        >
            <p class="lead">
                "Gatehouse tells your app when a school authorises it, revokes it, pauses its feed, changes \
                 its GDPR mode or refreshes its data, by posting the event to your webhook. Each request is \
                 signed: check the "
                <code>"Gatehouse-Signature"</code>
                " header with your signing secret before trusting it. Failed deliveries are tried three \
                 times, then kept here to send again."
            </p>
        </AppPage>
    }
}

/// The app's webhook and its deliveries of the last 30 days.
async fn load_webhook(app: String) -> Result<(WebhookSettings, Vec<WebhookDelivery>), ApiError> {
    let settings = api::call::<endpoint::GetWebhook>(&[("app_id", &app)], &NoQuery, &NoBody).await?;
    let deliveries =
        api::call::<endpoint::ListWebhookDeliveries>(&[("app_id", &app)], &NoQuery, &NoBody).await?.deliveries;
    Ok((settings, deliveries))
}

fn manager(loaded: ForApp<(WebhookSettings, Vec<WebhookDelivery>)>) -> impl IntoView {
    let (settings, deliveries) = loaded.data;
    view! { <WebhookManager settings deliveries /> }
}

/// The settings, the secret shown once, Send again and the deliveries.
#[component]
fn WebhookManager(settings: WebhookSettings, deliveries: Vec<WebhookDelivery>) -> impl IntoView {
    let can_manage = settings.can_manage;
    let app_id = StoredValue::new(settings.app_id.clone());
    let settings = RwSignal::new(settings);
    let deliveries = RwSignal::new(deliveries);
    let url = RwSignal::new(settings.get_untracked().url.unwrap_or_default());
    let enabled = RwSignal::new(settings.get_untracked().url.is_none() || settings.get_untracked().enabled);
    // The only copy of a new secret: dropped with this screen or when hidden.
    let secret = RwSignal::new(None::<String>);
    let message = ActionMessage::new();
    let invalid = RwSignal::new(None::<String>);
    let confirming_rotation = RwSignal::new(false);

    let save = Action::new_local(move |(url, enabled): &(String, bool)| {
        let (app, url, enabled) = (app_id.get_value(), url.clone(), *enabled);
        async move { api::call::<endpoint::SetWebhook>(&[("app_id", &app)], &NoQuery, &SetWebhook { url, enabled }).await }
    });
    let rotate = Action::new_local(move |_: &()| {
        let app = app_id.get_value();
        async move { api::call::<endpoint::RotateWebhookSecret>(&[("app_id", &app)], &NoQuery, &NoBody).await }
    });
    let refresh = Action::new_local(move |_: &()| {
        let app = app_id.get_value();
        async move { api::call::<endpoint::ListWebhookDeliveries>(&[("app_id", &app)], &NoQuery, &NoBody).await }
    });
    let redeliver = Action::new_local(move |delivery_id: &String| {
        let (app, id) = (app_id.get_value(), delivery_id.clone());
        async move {
            api::call::<endpoint::RedeliverWebhook>(&[("app_id", &app), ("delivery_id", &id)], &NoQuery, &NoBody).await
        }
    });

    Effect::new(move || match save.value().get() {
        Some(Ok(saved)) => {
            save.value().set(None);
            let on = saved.settings.enabled;
            settings.set(saved.settings);
            if let Some(new) = saved.secret {
                secret.set(Some(new));
            } else {
                message.announce(if on { "Saved: events go to this address." } else { "Saved: delivery is off." });
            }
        }
        Some(Err(error)) if error.field().is_some() => {
            request_animation_frame(|| focus_first(&format!("#{URL_INPUT}")));
        }
        _ => {}
    });
    Effect::new(move || {
        if let Some(Ok(saved)) = rotate.value().get() {
            rotate.value().set(None);
            confirming_rotation.set(false);
            settings.set(saved.settings);
            secret.set(saved.secret);
        }
    });
    Effect::new(move || {
        if let Some(Ok(list)) = refresh.value().get() {
            deliveries.set(list.deliveries);
        }
    });
    Effect::new(move || {
        if let Some(Ok(delivery)) = redeliver.value().get() {
            let sentence = match delivery.status {
                DeliveryStatus::Delivered => format!("The {} event was delivered again.", delivery.event_type),
                _ => format!("The {} event could not be delivered: {}.", delivery.event_type, response_text(&delivery)),
            };
            deliveries.update(|list| {
                if let Some(row) = list.iter_mut().find(|row| row.delivery_id == delivery.delivery_id) {
                    *row = delivery.clone();
                }
            });
            message.announce(sentence);
        }
    });

    let save_error = Signal::derive(move || save.value().get().and_then(Result::err));
    let url_field = Signal::derive(move || field_problem(invalid.get().map(|s| ("url", s)), save_error.get(), "url"));
    let unclaimed = Signal::derive(move || problem_unclaimed(save_error.get(), &["url"]));
    let on_submit = move || {
        message.clear();
        save.value().set(None);
        let text = url.get_untracked();
        match url_problem(&text) {
            None => {
                invalid.set(None);
                save.dispatch((text.trim().to_owned(), enabled.get_untracked()));
            }
            Some(sentence) => {
                invalid.set(Some(sentence));
                request_animation_frame(|| focus_first(&format!("#{URL_INPUT}")));
            }
        }
    };
    let on_edit = clear_problems_on_edit(invalid, save);
    let rotate_error = Signal::derive(move || rotate.value().get().and_then(Result::err));
    let redeliver_error = Signal::derive(move || redeliver.value().get().and_then(Result::err));

    view! {
        <ActionStatus message />
        {move || secret.get().map(|value| view! { <SecretBox secret=value on_hide=Callback::new(move |()| secret.set(None)) /> })}
        <section class="webhook-settings" aria-labelledby="webhook-settings-heading">
            <h2 id="webhook-settings-heading">"Endpoint"</h2>
            {move || {
                let current = settings.get();
                let state = match (&current.url, current.enabled) {
                    (None, _) => "No webhook yet: events are not sent anywhere.".to_owned(),
                    (Some(url), true) => format!("Delivering to {url}."),
                    (Some(url), false) => format!("Delivery is off; {url} receives nothing."),
                };
                let secret_line = current.secret_hint.map(|hint| {
                    let since = current.secret_created_at.as_deref().map(local_time).unwrap_or_default();
                    format!("Signing secret {hint}, made {since}.")
                });
                view! {
                    <p class="webhook-state">{state}</p>
                    {secret_line.map(|line| view! { <p class="hint">{line}</p> })}
                }
            }}
            {if can_manage {
                view! {
                    <form
                        novalidate
                        on:submit=move |event| {
                            event.prevent_default();
                            on_submit();
                        }
                    >
                        <TextField
                            id=URL_INPUT
                            label="Webhook URL"
                            kind="url"
                            hint="Where Gatehouse posts events, e.g. https://app.example/gatehouse/events. It must use https://."
                            value=url
                            problem=url_field
                            on_edit
                        />
                        <div class="field checkbox">
                            <input
                                id="webhook-enabled"
                                type="checkbox"
                                prop:checked=move || enabled.get()
                                on:change=move |event| enabled.set(event_target_checked(&event))
                            />
                            <label for="webhook-enabled">"Deliver events to this URL"</label>
                        </div>
                        {move || unclaimed.get().map(|error| view! { <ProblemAlert error /> })}
                        <div class="form-buttons">
                            <button type="submit" disabled=move || save.pending().get()>"Save webhook"</button>
                            <Show when=move || settings.read().url.is_some()>
                                <button
                                    type="button"
                                    class="secondary"
                                    on:click=move |_| {
                                        rotate.value().set(None);
                                        confirming_rotation.set(true);
                                    }
                                >
                                    "Rotate secret"
                                </button>
                            </Show>
                        </div>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    <p class="read-only-note">"Only an admin can change the webhook. Ask an admin in your team."</p>
                }
                .into_any()
            }}
            {move || confirming_rotation.get().then(|| view! {
                <ConfirmBox
                    id="confirm-rotate"
                    title="Rotate the signing secret?"
                    error=rotate_error
                    pending=Signal::derive(move || rotate.pending().get())
                    confirm="Yes, rotate"
                    confirm_class="danger"
                    on_confirm=Callback::new(move |()| {
                        rotate.dispatch(());
                    })
                    on_cancel=Callback::new(move |()| confirming_rotation.set(false))
                >
                    <p id="confirm-rotate-text">
                        "Gatehouse signs with the new secret at once: until your app has it, it will reject our requests."
                    </p>
                </ConfirmBox>
            })}
        </section>
        <section class="deliveries" aria-labelledby="deliveries-heading">
            <h2 id="deliveries-heading">"Deliveries"</h2>
            <p class="hint">"The last 30 days, newest first. A failed delivery is tried three times; then it stays here as a dead letter until you send it again."</p>
            <div class="form-buttons">
                <button type="button" class="secondary" on:click=move |_| {
                    refresh.dispatch(());
                }>"Refresh deliveries"</button>
            </div>
            {move || redeliver_error.get().map(|error| view! { <ProblemAlert error /> })}
            <DeliveriesTable deliveries can_manage on_redeliver=Callback::new(move |id: String| {
                message.clear();
                redeliver.dispatch(id);
            }) />
        </section>
    }
}

/// The new signing secret, once.
#[component]
fn SecretBox(secret: String, on_hide: Callback<()>) -> impl IntoView {
    let heading = focused_on_load::<H2>();
    view! {
        <section class="secret-box" aria-labelledby="secret-heading">
            <h2 id="secret-heading" tabindex="-1" node_ref=heading>
                "Copy this signing secret now: it will not be shown again"
            </h2>
            <p>
                "Your app checks each request with it: the "
                <code>"v1"</code>
                " part of "
                <code>"Gatehouse-Signature"</code>
                " is the HMAC-SHA256 of the timestamp, a full stop and the body. If it is lost, rotate it."
            </p>
            <div class="field">
                <label for=SECRET_INPUT>"Signing secret"</label>
                <input id=SECRET_INPUT class="secret" type="text" readonly spellcheck="false" autocomplete="off" prop:value=secret />
            </div>
            <div class="form-buttons">
                <button type="button" class="secondary" on:click=move |_| on_hide.run(())>"Done: hide the secret"</button>
            </div>
        </section>
    }
}

#[component]
fn DeliveriesTable(
    deliveries: RwSignal<Vec<WebhookDelivery>>,
    can_manage: bool,
    on_redeliver: Callback<String>,
) -> impl IntoView {
    let rows = move || {
        deliveries
            .get()
            .into_iter()
            .map(|delivery| {
                let action = can_manage.then(|| {
                    let id = delivery.delivery_id.clone();
                    let on_click = Callback::new(move |()| on_redeliver.run(id.clone()));
                    view! {
                        <td>
                            <RowButton label="Redeliver" item=delivery.event_type.clone() on_click />
                        </td>
                    }
                });
                view! {
                    <tr>
                        <th scope="row">{delivery.event_type.clone()}</th>
                        <td>{delivery.school_id.clone()}</td>
                        <td>{local_time(&delivery.event_time)}</td>
                        <td><span class=status_class(delivery.status)>{delivery.status.label()}</span></td>
                        <td>{delivery.attempts}</td>
                        <td>{response_text(&delivery)}</td>
                        <td>{local_time(&delivery.last_attempt_at)}</td>
                        {action}
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <Show
            when=move || !deliveries.read().is_empty()
            fallback=|| view! { <p class="empty-note">"No deliveries yet."</p> }
        >
            <RecordTable
                caption_id="deliveries-caption"
                caption="Webhook deliveries, newest first"
                class="deliveries"
                columns=&["Event", "School ID", "Happened", "Status", "Attempts", "Response", "Last attempt"]
                actions=can_manage
            >
                {rows}
            </RecordTable>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_required_and_starts_with_a_web_scheme() {
        assert!(url_problem("  ").unwrap().starts_with("Enter the address"));
        assert_eq!(url_problem("app.example/hook").unwrap(), "Start the address with https://.");
        assert_eq!(url_problem(" https://app.example/hook "), None);
        assert_eq!(url_problem("http://localhost:3000"), None, "the API decides whether http is allowed");
    }
}
