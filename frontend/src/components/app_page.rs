//! The skeleton of a partner screen about one of the partner's apps (the permission set, the
//! API keys, the webhook): who is signed in, which app (`?app=`, the partner's first otherwise),
//! that app's data, a redirect to sign in when a call finds the session over, and the loaded
//! screen inside the partner frame under the app choice. The screens say only what they load and
//! how they show it.

use std::future::Future;

use gatehouse_model::{AppSummary, Me};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::ApiError;
use crate::app::set_title;
use crate::components::{AppChoice, PartnerFrame, PartnerSession, problem_alerts};

/// What an app screen shows once its data is in.
#[derive(Debug, Clone)]
pub struct ForApp<T> {
    /// The signed-in user: their role says whether they may change things.
    pub me: Me,
    /// The app shown.
    pub app: AppSummary,
    pub data: T,
}

/// The screen's `title` (its heading, and the tab's) and `children` (the lead) come first; then,
/// once loaded, the app choice and `show`'s view of what `load` fetched for the app, or
/// `no_apps` for a partner without one.
#[component]
pub fn AppPage<T, Fut, V>(
    /// The screen's address, opened again with `?app=` when another app is chosen.
    page: &'static str,
    title: &'static str,
    /// What shows while the screen loads.
    loading: &'static str,
    /// What shows for a partner with no apps yet.
    no_apps: &'static str,
    /// Fetches the screen's data for an app id.
    load: fn(String) -> Fut,
    show: fn(ForApp<T>) -> V,
    children: Children,
) -> impl IntoView
where
    T: Clone + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
    V: IntoView + 'static,
{
    set_title(title);
    let session = PartnerSession::of_page();
    let params = use_query_map();
    let loaded = LocalResource::new(move || {
        let chosen = params.read().get("app").filter(|app| !app.is_empty());
        async move {
            let me = session.load().await?;
            let Some(app_id) = chosen.or_else(|| me.apps.first().map(|app| app.app_id.clone())) else {
                return Ok(None);
            };
            let data = load(app_id.clone()).await?;
            let app = me.apps.iter().find(|app| app.app_id == app_id).cloned();
            let app = app.unwrap_or_else(|| AppSummary { name: app_id.clone(), app_id });
            Ok::<_, ApiError>(Some(ForApp { me, app, data }))
        }
    });
    let failed = Signal::derive(move || loaded.get().and_then(Result::err));
    let body = move || {
        Suspend::new(async move {
            loaded.await.map(|loaded| match loaded {
                Some(loaded) => {
                    let (apps, current) = (loaded.me.apps.clone(), loaded.app.app_id.clone());
                    view! {
                        <AppChoice apps current page />
                        {show(loaded)}
                    }
                    .into_any()
                }
                None => view! { <p>{no_apps}</p> }.into_any(),
            })
        })
    };
    view! {
        <PartnerFrame failed>
            <h1>{title}</h1>
            {children()}
            <Transition fallback=move || view! { <p class="loading">{loading}</p> }>
                <ErrorBoundary fallback=problem_alerts>{body}</ErrorBoundary>
            </Transition>
        </PartnerFrame>
    }
}
