//! The skeleton of every signed-in screen, in each portal (partner, school S3, operations O1):
//! who is signed in, asked once per page and shared by the banner and the screen; the banner;
//! and a redirect to that portal's sign-in when the session is missing or over, whichever call
//! finds out. `PartnerFrame`, `SchoolFrame` and `OpsFrame` say only which portal.

use gatehouse_model::{AccountKind, Endpoint, NoBody, NoQuery};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::{portal_sections, sign_in_when_as};
use crate::components::{PortalHeader, ProblemAlert};

/// The signed-in user of a portal (`/api/me`, `/api/school/me`, `/api/ops/me`).
pub struct Session<T: 'static>(LocalResource<Result<T, ApiError>>);

impl<T: 'static> Clone for Session<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Session<T> {}

impl<T: PortalUser> Session<T> {
    /// The page's session: the one the screen or its frame already asked for, or else it asks
    /// `T::Ask` now.
    pub fn of_page() -> Self {
        use_context::<Session<T>>().unwrap_or_else(|| {
            let session = Session(LocalResource::new(|| api::call::<T::Ask>(&[], &NoQuery, &NoBody)));
            provide_context(session);
            session
        })
    }

    /// The user, once known.
    pub fn user(self) -> Signal<Option<T>> {
        Signal::derive(move || self.0.get().and_then(Result::ok))
    }

    /// Why asking who is signed in failed.
    pub fn failure(self) -> Signal<Option<ApiError>> {
        Signal::derive(move || self.0.get().and_then(Result::err))
    }

    /// The answer, for a screen whose own loading needs the user first.
    pub async fn load(self) -> Result<T, ApiError> {
        self.0.await
    }
}

/// A portal's signed-in user: which portal, how to ask who is signed in, and what the frame
/// shows of them.
pub trait PortalUser: Clone + Send + Sync + 'static {
    const KIND: AccountKind;
    /// The call that says who is signed in.
    type Ask: Endpoint<Query = NoQuery, Body = NoBody, Response = Self>;
    /// What the banner names: the organisation (beside the product), then the user.
    fn banner_names(&self) -> (String, String);
}

/// The banner of the session's portal, then `children` as the page's `main`.
#[component]
pub fn PortalFrame<T: PortalUser>(
    session: Session<T>,
    /// Calls of the screen that can find the session over, besides asking who is signed in.
    #[prop(optional, into)]
    failed: Signal<Option<ApiError>>,
    /// The `main` element's class, for a screen laid out differently (the invite wizard).
    #[prop(default = None)]
    class: Option<&'static str>,
    /// Shows why asking who is signed in failed, when it is not the session being over.
    #[prop(optional)]
    session_problem_shown: bool,
    children: Children,
) -> impl IntoView {
    let (user, session_failed) = (session.user(), session.failure());
    sign_in_when_as(T::KIND, move || session_failed.get().iter().chain(&failed.get()).any(ApiError::requires_sign_in));
    let session_problem = move || {
        session_failed
            .get()
            .filter(|error| session_problem_shown && !error.requires_sign_in())
            .map(|error| view! { <ProblemAlert error /> })
    };
    view! {
        <PortalHeader
            kind=T::KIND
            sections=const { portal_sections(T::KIND) }
            organisation=Signal::derive(move || user.get().map(|me| me.banner_names().0))
            user=Signal::derive(move || user.get().map(|me| me.banner_names().1))
        />
        <main class=class>{session_problem}{children()}</main>
    }
}
