//! A1, `/keys`: the API keys and OAuth clients (#17) of one of the partner's apps, newest first,
//! each with who created it and whether it still works. Admins create one, whose secret this
//! screen shows once (the API never sends it again and the SPA keeps it nowhere but in this
//! screen's memory), and revoke one after confirming; members see the list read-only. `?app=`
//! picks the app; the partner's first app otherwise.

use gatehouse_model::{
    AppKeyList, AppKeySummary, CreateAppKey, CreatedAppKey, CredentialKind, NoBody, NoQuery, endpoint,
};
use leptos::html::H2;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlInputElement;
use web_sys::js_sys::Reflect;

use crate::api::{self, ApiError};
use crate::app::APP_KEYS;
use crate::components::{
    ActionMessage, ActionStatus, AppPage, ConfirmBox, FieldProblem, ForApp, ProblemAlert, RadioChoices, RecordTable,
    RowButton, TextField, clear_problems_on_edit, field_problem, focus_first, focused_on_load, problem_unclaimed,
};
use crate::dates::local_time;

/// The most characters a key's label may have; the API refuses more.
const LABEL_LIMIT: usize = 60;
/// The label input, focused when its problem shows.
const LABEL_INPUT: &str = "key-label";
/// The read-only input holding a new key's secret, selected when copying is refused.
const SECRET_INPUT: &str = "new-key-secret";
const COPIED: &str = "Copied. Paste it where your app keeps its secrets.";
const SELECTED: &str = "Your browser did not let Gatehouse copy it, so the key is selected: \
                        press Ctrl+C (⌘C on a Mac) to copy it.";

/// The label as it will be sent, or what is wrong with it.
fn new_label(text: &str) -> Result<String, String> {
    let label = text.trim();
    if label.is_empty() {
        return Err("Enter a label that says what the key is for, like “Production sync”.".to_owned());
    }
    let length = label.chars().count();
    if length > LABEL_LIMIT {
        return Err(format!("Shorten the label to {LABEL_LIMIT} characters or fewer; it has {length}."));
    }
    Ok(label.to_owned())
}

fn revoked_sentence(label: &str) -> String {
    format!("The key “{label}” was revoked: apps using it can no longer call Gatehouse.")
}

/// What the list and the secret box call a credential of `kind`.
fn kind_name(kind: CredentialKind) -> &'static str {
    match kind {
        CredentialKind::ApiKey => "API key",
        CredentialKind::OauthClient => "OAuth client",
    }
}

/// A command line that trades an OAuth client's id and secret for an access token.
fn token_curl(origin: &str, client_id: &str, secret: &str) -> String {
    let path = gatehouse_model::Op::IssueOAuthToken.route().path;
    format!("curl -u {client_id}:{secret} -d grant_type=client_credentials {origin}{path}")
}

/// The id of the Revoke button in a key's row, which takes the focus back when a confirmation
/// is cancelled. Key ids are hexadecimal, so the id is a valid CSS selector as it stands.
fn revoke_button_id(key_id: &str) -> String {
    format!("revoke-{key_id}")
}

#[component]
pub fn AppKeysScreen() -> impl IntoView {
    view! {
        <AppPage
            page=APP_KEYS
            title="API keys"
            loading="Loading the API keys…"
            no_apps="Your organisation has no apps yet, so there are no API keys to show."
            load=|app: String| async move { api::call::<endpoint::ListAppKeys>(&[("app_id", &app)], &NoQuery, &NoBody).await }
            show=manager
        >
            <p class="lead">
                "Your app calls the Gatehouse API with a key, sent with each request as "
                <code>"Authorization: Bearer"</code>
                " and the key. Give each place your app runs its own key, so you can revoke one \
                 without stopping the others. An app that speaks OneRoster uses an OAuth client \
                 instead: its id and secret buy an access token that lasts an hour."
            </p>
        </AppPage>
    }
}

fn manager(loaded: ForApp<AppKeyList>) -> impl IntoView {
    view! { <KeyManager list=loaded.data app_name=loaded.app.name /> }
}

/// The secret shown once, the create form, the confirmation before revoking and the keys.
#[component]
fn KeyManager(list: AppKeyList, app_name: String) -> impl IntoView {
    let AppKeyList { app_id, keys, can_manage } = list;
    let app_id = StoredValue::new(app_id);
    let keys = RwSignal::new(keys);
    // The only place the secret is kept: dropped with this screen, or when another key is made.
    let shown = RwSignal::new(None::<CreatedAppKey>);
    let message = ActionMessage::new();
    let revoking = RwSignal::new(None::<AppKeySummary>);
    let label = RwSignal::new(String::new());
    let kind = RwSignal::new(CredentialKind::ApiKey);
    let invalid = RwSignal::new(None::<String>);

    let create = Action::new_local(move |request: &CreateAppKey| {
        let (app, request) = (app_id.get_value(), request.clone());
        async move { api::call::<endpoint::CreateAppKey>(&[("app_id", &app)], &NoQuery, &request).await }
    });
    let revoke = Action::new_local(move |key: &AppKeySummary| {
        let (app, key) = (app_id.get_value(), key.clone());
        async move {
            api::call::<endpoint::RevokeAppKey>(&[("app_id", &app), ("key_id", &key.key_id)], &NoQuery, &NoBody)
                .await
                .map(|list| (key, list))
        }
    });

    Effect::new(move || match create.value().get() {
        Some(Ok(created)) => {
            // Out of the action's memory: `shown` is the one copy.
            create.value().set(None);
            label.set(String::new());
            keys.update(|keys| keys.insert(0, created.key.clone()));
            shown.set(Some(created));
        }
        Some(Err(error)) if error.field().is_some() => {
            request_animation_frame(|| focus_first(&format!("#{LABEL_INPUT}")));
        }
        _ => {}
    });
    Effect::new(move || {
        if let Some(Ok((key, list))) = revoke.value().get() {
            revoking.set(None);
            keys.set(list.keys);
            if shown.read_untracked().as_ref().is_some_and(|created| created.key.key_id == key.key_id) {
                shown.set(None);
            }
            message.announce(revoked_sentence(&key.label));
        }
    });

    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let label_problem = Signal::derive(move || {
        field_problem(invalid.get().map(|sentence| ("label", sentence)), create_error.get(), "label")
    });
    let unclaimed = Signal::derive(move || problem_unclaimed(create_error.get(), &["label"]));
    let on_submit = Callback::new(move |()| {
        // Making another key hides the last one's secret for good.
        shown.set(None);
        message.clear();
        create.value().set(None);
        match new_label(&label.get_untracked()) {
            Ok(text) => {
                invalid.set(None);
                create.dispatch(CreateAppKey { label: text, kind: kind.get_untracked() });
            }
            Err(sentence) => {
                invalid.set(Some(sentence));
                request_animation_frame(|| focus_first(&format!("#{LABEL_INPUT}")));
            }
        }
    });
    let on_edit = clear_problems_on_edit(invalid, create);
    let on_hide = Callback::new(move |()| {
        shown.set(None);
        request_animation_frame(|| focus_first(&format!("#{LABEL_INPUT}")));
    });
    let on_revoke = Callback::new(move |key: AppKeySummary| {
        revoke.value().set(None);
        message.clear();
        revoking.set(Some(key));
    });
    let on_cancel = Callback::new(move |()| {
        let key = revoking.get_untracked();
        revoke.value().set(None);
        revoking.set(None);
        if let Some(key) = key {
            request_animation_frame(move || focus_first(&format!("#{}", revoke_button_id(&key.key_id))));
        }
    });
    let revoke_error = Signal::derive(move || revoke.value().get().and_then(Result::err));
    let revoke_pending = Signal::derive(move || revoke.pending().get());
    let create_pending = Signal::derive(move || create.pending().get());

    let secret_app = app_name.clone();
    view! {
        <ActionStatus message />
        {move || {
            shown.get().map(|created| view! { <SecretBox created app_name=secret_app.clone() on_hide /> })
        }}
        {if can_manage {
            view! { <CreateKey label kind problem=label_problem unclaimed pending=create_pending on_edit on_submit /> }
                .into_any()
        } else {
            view! {
                <p class="read-only-note">"Only an admin can create or revoke API keys. Ask an admin in your team."</p>
            }
                .into_any()
        }}
        {move || {
            revoking.get().map(|key| view! {
                <ConfirmBox
                    id="confirm-revoke"
                    title=format!("Revoke the key “{}”?", key.label)
                    error=revoke_error
                    pending=revoke_pending
                    confirm="Yes, revoke"
                    confirm_class="danger"
                    scroll_into_view=true
                    on_confirm=Callback::new(move |()| {
                        revoke.dispatch(key.clone());
                    })
                    on_cancel
                >
                    <p id="confirm-revoke-text">
                        "Apps using this key stop working at once: Gatehouse refuses their calls until they are \
                         given another key. A revoked key cannot be turned back on."
                    </p>
                </ConfirmBox>
            })
        }}
        <KeysTable keys can_manage app_name on_revoke />
    }
}

/// The new key's secret, once, with Copy and a command line that tries it.
#[component]
fn SecretBox(created: CreatedAppKey, app_name: String, on_hide: Callback<()>) -> impl IntoView {
    let heading = focused_on_load::<H2>();
    let copy_state = RwSignal::new(None::<&'static str>);
    let origin = window().location().origin().unwrap_or_default();
    let oauth = created.key.kind == CredentialKind::OauthClient;
    let client_id = created.key.key_id.clone();
    let (curl, hint) = if oauth {
        let hint = "This asks for an access token. Your app sends the token as Authorization: Bearer, \
                    and asks for a new one when it expires.";
        (token_curl(&origin, &client_id, &created.secret), hint.to_owned())
    } else {
        let hint = format!(
            "This lists the schools related to {app_name}. Your app sends the key the same way with every call."
        );
        (api::curl_example(&origin, &created.secret), hint)
    };
    let secret = created.secret.clone();
    let created_sentence = format!(
        "The {} “{}” was created for {app_name}. Gatehouse keeps only a fingerprint of its secret, so nobody \
         can show it to you again: if it is lost, create a new one and revoke this one.",
        kind_name(created.key.kind),
        created.key.label
    );
    view! {
        <section class="secret-box" aria-labelledby="secret-heading">
            <h2 id="secret-heading" tabindex="-1" node_ref=heading>
                "Copy this secret now: it will not be shown again"
            </h2>
            <p>{created_sentence}</p>
            {oauth.then(|| view! {
                <p>"Client ID: " <code id="new-client-id">{client_id}</code></p>
            })}
            <div class="field">
                <label for=SECRET_INPUT>{if oauth { "Client secret" } else { "API key" }}</label>
                <div class="secret-row">
                    <input
                        id=SECRET_INPUT
                        class="secret"
                        type="text"
                        readonly
                        spellcheck="false"
                        autocomplete="off"
                        prop:value=created.secret
                    />
                    <button
                        type="button"
                        on:click=move |_| {
                            copy_state.set(None);
                            copy_secret(&secret, copy_state);
                        }
                    >
                        "Copy"
                    </button>
                </div>
                <p class="copy-status" role="status">{move || copy_state.get()}</p>
            </div>
            <h3>"Try it"</h3>
            <p id="curl-hint">{hint}</p>
            <pre class="curl" aria-describedby="curl-hint"><code>{curl}</code></pre>
            <div class="form-buttons">
                <button type="button" class="secondary" on:click=move |_| on_hide.run(())>
                    "Done: hide the secret"
                </button>
            </div>
        </section>
    }
}

/// Copies `secret` with the Clipboard API. Where there is none (a page not served over HTTPS)
/// or the browser refuses, the key is selected instead, for Ctrl+C.
fn copy_secret(secret: &str, state: RwSignal<Option<&'static str>>) {
    let navigator = window().navigator();
    let has_clipboard = Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .is_ok_and(|clipboard| !clipboard.is_undefined() && !clipboard.is_null());
    if !has_clipboard {
        select_secret(state);
        return;
    }
    let copied = Closure::once(move |_: JsValue| {
        // The screen may have closed meanwhile; then there is nobody to tell.
        let _ = state.try_set(Some(COPIED));
    });
    let refused = Closure::once(move |_: JsValue| select_secret(state));
    let _ = navigator.clipboard().write_text(secret).then2(&copied, &refused);
    // Each runs at most once, when the browser answers; they are too small to be worth keeping
    // track of.
    copied.forget();
    refused.forget();
}

fn select_secret(state: RwSignal<Option<&'static str>>) {
    let input = document().get_element_by_id(SECRET_INPUT).and_then(|input| input.dyn_into::<HtmlInputElement>().ok());
    if let Some(input) = input {
        let _ = input.focus();
        input.select();
    }
    let _ = state.try_set(Some(SELECTED));
}

#[component]
fn CreateKey(
    label: RwSignal<String>,
    kind: RwSignal<CredentialKind>,
    problem: Signal<Option<FieldProblem>>,
    unclaimed: Signal<Option<ApiError>>,
    pending: Signal<bool>,
    on_edit: Callback<()>,
    on_submit: Callback<()>,
) -> impl IntoView {
    view! {
        <section class="create-key" aria-labelledby="create-key-heading">
            <h2 id="create-key-heading">"Create a key"</h2>
            <form
                novalidate
                on:submit=move |event| {
                    event.prevent_default();
                    on_submit.run(());
                }
            >
                <TextField
                    id=LABEL_INPUT
                    label="Label"
                    hint="What the key is for, so you can tell your keys apart, e.g. “Production sync”. Up to 60 characters."
                    maxlength=LABEL_LIMIT as u32
                    value=label
                    problem
                    on_edit
                />
                <fieldset>
                    <legend>"How your app signs in"</legend>
                    <RadioChoices
                        name="key-kind"
                        choices=vec![
                            ("kind-api-key".to_owned(), "API key: sent as it is with each call".to_owned(), CredentialKind::ApiKey),
                            (
                                "kind-oauth".to_owned(),
                                "OAuth client: an id and secret for access tokens (OneRoster)".to_owned(),
                                CredentialKind::OauthClient,
                            ),
                        ]
                        answer=kind
                    />
                </fieldset>
                {move || unclaimed.get().map(|error| view! { <ProblemAlert error /> })}
                <div class="form-buttons">
                    <button type="submit" disabled=move || pending.get()>"Create key"</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn KeysTable(
    keys: RwSignal<Vec<AppKeySummary>>,
    can_manage: bool,
    app_name: String,
    on_revoke: Callback<AppKeySummary>,
) -> impl IntoView {
    let rows = move || {
        keys.get()
            .into_iter()
            .map(|key| {
                let status = match &key.revoked_at {
                    None => view! { <span class="badge status-ok">"Active"</span> }.into_any(),
                    Some(at) => {
                        view! { <span class="key-revoked">{format!("Revoked on {}", local_time(at))}</span> }.into_any()
                    }
                };
                let action = can_manage.then(|| {
                    let button = key.revoked_at.is_none().then(|| {
                        let (id, name, key) = (revoke_button_id(&key.key_id), key.label.clone(), key.clone());
                        let on_click = Callback::new(move |()| on_revoke.run(key.clone()));
                        view! { <RowButton label="Revoke" item=name danger=true id on_click /> }
                    });
                    view! { <td>{button}</td> }
                });
                let kind = match key.kind {
                    CredentialKind::ApiKey => kind_name(key.kind).to_owned(),
                    CredentialKind::OauthClient => format!("{} (client ID {})", kind_name(key.kind), key.key_id),
                };
                view! {
                    <tr class:revoked=key.revoked_at.is_some()>
                        <th scope="row">{key.label.clone()}</th>
                        <td>{kind}</td>
                        <td>{local_time(&key.created_at)}</td>
                        <td>{key.created_by.clone()}</td>
                        <td>{status}</td>
                        {action}
                    </tr>
                }
            })
            .collect_view()
    };
    let heading = format!("Keys of {app_name}");
    view! {
        <section class="keys" aria-labelledby="keys-heading">
            <h2 id="keys-heading">{heading}</h2>
            <Show
                when=move || !keys.read().is_empty()
                fallback=|| view! { <p class="empty-note">"This app has no API keys yet."</p> }
            >
                <RecordTable
                    caption_id="keys-caption"
                    caption="API keys, newest first"
                    class="keys"
                    columns=&["Label", "Kind", "Created", "Created by", "Status"]
                    actions=can_manage
                >
                    {rows}
                </RecordTable>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oauth_example_trades_the_clients_id_and_secret_for_a_token() {
        assert_eq!(
            token_curl("https://gatehouse.example", "ab12", "s3cr3t"),
            "curl -u ab12:s3cr3t -d grant_type=client_credentials https://gatehouse.example/oauth/token"
        );
    }

    #[test]
    fn a_label_is_required_trimmed_and_at_most_sixty_characters() {
        assert!(new_label("").unwrap_err().starts_with("Enter a label"));
        assert!(new_label("   ").unwrap_err().starts_with("Enter a label"));
        assert_eq!(new_label("  Production sync ").as_deref(), Ok("Production sync"));
        let sixty = "é".repeat(60);
        assert_eq!(new_label(&sixty), Ok(sixty.clone()), "sixty characters, though more bytes, are fine");
        assert_eq!(
            new_label(&format!("{sixty}x")).unwrap_err(),
            "Shorten the label to 60 characters or fewer; it has 61."
        );
    }

    #[test]
    fn revoking_says_which_key_and_what_it_means() {
        assert_eq!(
            revoked_sentence("Production sync"),
            "The key “Production sync” was revoked: apps using it can no longer call Gatehouse."
        );
        assert_eq!(revoke_button_id("0a1b2c3d4e5f"), "revoke-0a1b2c3d4e5f");
    }
}
