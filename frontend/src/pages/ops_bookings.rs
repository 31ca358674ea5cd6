//! `/ops/bookings` (O1 + S4): support offers install slots, sees which schools booked one (with
//! the person to contact) and marks an install done, which the partner's lists then show.

use gatehouse_model::{InstallBooking, InstallBookingsQuery, InstallSlots, NoBody, NoQuery, OfferSlots, endpoint};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::set_title;
use crate::components::{
    ActionMessage, ActionStatus, CheckedForm, Loading, Missing, OpsFrame, ProblemAlert, RecordTable, problem_for,
};
use crate::dates::{local_time, long_date, today};

/// The offer form's inputs, by the field names the API reports problems under.
const FIELDS: [&str; 2] = ["date", "times"];

/// `2026-12-02T10:00` → `2 December 2026, 10:00`.
pub fn slot_label(slot: &str) -> String {
    match slot.split_once('T') {
        Some((date, time)) => format!("{}, {time}", long_date(date)),
        None => slot.to_owned(),
    }
}

/// The form as typed, or the field at fault and what to do.
fn offer(date: &str, times: &str) -> Result<OfferSlots, (&'static str, &'static str)> {
    let date = date.trim();
    if date.is_empty() {
        return Err(("date", "Choose the day of the slots."));
    }
    let times: Vec<String> =
        times.split([',', ' ', ';']).map(str::trim).filter(|time| !time.is_empty()).map(str::to_owned).collect();
    if times.is_empty() {
        return Err(("times", "Enter at least one start time, like 09:30."));
    }
    Ok(OfferSlots { date: date.to_owned(), times })
}

fn offered_sentence(date: &str, answer: &InstallSlots) -> String {
    match answer.added {
        0 => format!("Those slots on {} were offered already; nothing changed.", long_date(date)),
        1 => format!("1 new slot offered on {}.", long_date(date)),
        added => format!("{added} new slots offered on {}.", long_date(date)),
    }
}

#[component]
pub fn OpsBookings() -> impl IntoView {
    set_title("Install bookings");
    let slots = LocalResource::new(|| api::call::<endpoint::ListInstallSlots>(&[], &NoQuery, &NoBody));
    let cursor = RwSignal::new(None::<String>);
    let bookings = LocalResource::new(move || {
        api::call::<endpoint::ListInstallBookings>(&[], &InstallBookingsQuery { cursor: cursor.get() }, &NoBody)
    });
    let offer_action = Action::new_local(|offer: &OfferSlots| {
        let offer = offer.clone();
        async move {
            api::call::<endpoint::OfferInstallSlots>(&[], &NoQuery, &offer).await.map(|answer| (offer.date, answer))
        }
    });
    let mark = Action::new_local(|booking: &InstallBooking| {
        let booking = booking.clone();
        async move {
            api::call::<endpoint::MarkInstalled>(&[("school_id", &booking.school_id)], &NoQuery, &NoBody)
                .await
                .map(|marked| (booking, marked))
        }
    });
    let message = ActionMessage::new();
    let date = RwSignal::new(String::new());
    let times = RwSignal::new(String::new());
    let invalid = RwSignal::new(None as Missing);
    Effect::new(move || {
        if let Some(Ok((day, answer))) = offer_action.value().get() {
            message.announce(offered_sentence(&day, &answer));
            times.set(String::new());
            slots.refetch();
        }
    });
    Effect::new(move || {
        if let Some(Ok((booking, marked))) = mark.value().get() {
            let done = if marked.changed { "is now marked Installed" } else { "was marked Installed already" };
            message.announce(format!(
                "{} (URN {}) {done}; the partner's lists show it.",
                booking.school_name, booking.urn
            ));
            bookings.refetch();
        }
    });
    let error = Signal::derive(move || offer_action.value().get().and_then(Result::err));
    let mark_error = Signal::derive(move || mark.value().get().and_then(Result::err));
    let failed = Signal::derive(move || {
        slots
            .get()
            .and_then(Result::err)
            .or_else(|| bookings.get().and_then(Result::err))
            .or_else(|| error.get())
            .or_else(|| mark_error.get())
    });
    let slot_list = move || {
        Suspend::new(async move {
            slots.await.map(|answer| {
                if answer.slots.is_empty() {
                    return view! { <p>"No free slots from today. Offer some above."</p> }.into_any();
                }
                let items = answer.slots.iter().map(|slot| view! { <li>{slot_label(slot)}</li> }).collect_view();
                view! { <ul class="slot-list" aria-labelledby="free-slots-heading">{items}</ul> }.into_any()
            })
        })
    };
    let booking_table = move || {
        Suspend::new(async move {
            bookings.await.map(|page| {
                let first = cursor.get_untracked().is_none();
                let next = page.next_cursor;
                view! {
                    <BookingsTable bookings=page.items mark />
                    <div class="pager">
                        {(!first).then(|| view! { <button type="button" on:click=move |_| cursor.set(None)>"First page"</button> })}
                        {next.map(|next| {
                            view! { <button type="button" on:click=move |_| cursor.set(Some(next.clone()))>"Later bookings"</button> }
                        })}
                    </div>
                }
            })
        })
    };
    view! {
        <OpsFrame failed>
            <h1>"Install bookings"</h1>
            <ActionStatus message />
            <section aria-labelledby="offer-heading">
                <h2 id="offer-heading">"Offer install slots"</h2>
                <CheckedForm
                    check=move || offer(&date.get_untracked(), &times.get_untracked())
                    send=move |offer| {
                        offer_action.dispatch(offer);
                    }
                    invalid
                    fields=FIELDS.to_vec()
                    error
                    pending=offer_action.pending()
                    submit="Offer slots"
                    message
                >
                    <div class="form-row">
                        <OfferField
                            name="date"
                            label="Day"
                            hint="UK time; today or later."
                            kind="date"
                            min=today()
                            value=date
                            invalid
                            error
                        />
                        <OfferField
                            name="times"
                            label="Start times"
                            hint="24-hour HH:MM, separated by commas: 09:30, 13:00"
                            autocomplete="off"
                            value=times
                            invalid
                            error
                        />
                    </div>
                </CheckedForm>
            </section>
            <section aria-labelledby="free-slots-heading">
                <h2 id="free-slots-heading">"Free slots"</h2>
                <Loading text="Loading the slots…">{slot_list}</Loading>
            </section>
            <section aria-labelledby="booked-heading">
                <h2 id="booked-heading">"Booked installs"</h2>
                <p class="hint">"Bookings from the last 30 days on, earliest first."</p>
                {move || mark_error.get().map(|error| view! { <ProblemAlert error /> })}
                <Loading text="Loading the bookings…">{booking_table}</Loading>
            </section>
            <AgentKeyForm />
        </OpsFrame>
    }
}

/// One input of the offer form, with its hint and, under it, the form's own problem with it or
/// the API's.
#[component]
fn OfferField(
    /// The request field, as the form's check and the API's problems name it.
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] min: Option<String>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    value: RwSignal<String>,
    invalid: RwSignal<Missing>,
    error: Signal<Option<ApiError>>,
) -> impl IntoView {
    // The form's own check first, then the API's.
    let problem = move || {
        invalid
            .get()
            .filter(|(field, _)| *field == name)
            .map(|(_, text)| text.to_owned())
            .or_else(|| problem_for(error.get(), &[name]).map(|error: ApiError| error.to_string()))
    };
    let (id, hint_id, error_id) =
        (format!("offer-{name}"), format!("offer-{name}-hint"), format!("offer-{name}-error"));
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || match problem() {
            Some(_) => format!("{hint_id} {error_id}"),
            None => hint_id.clone(),
        }
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <p class="hint" id=hint_id>{hint}</p>
            <input
                id=id
                type=kind
                min=min
                autocomplete=autocomplete
                aria-describedby=described
                aria-invalid=move || problem().map(|_| "true")
                prop:value=move || value.get()
                on:input=move |event| {
                    value.set(event_target_value(&event));
                    invalid.set(None);
                }
            />
            {move || {
                problem().map(|text| {
                    view! {
                        <div class="problem">
                            <p id=error_id.clone() role="alert">
                                {text}
                            </p>
                        </div>
                    }
                })
            }}
        </div>
    }
}

/// G1: ops issue a school's MIS agent key for an install done with support. The secret shows
/// once; issuing again rotates it (the old key stops working).
#[component]
fn AgentKeyForm() -> impl IntoView {
    let school = RwSignal::new(String::new());
    let issue = Action::new_local(|school: &String| {
        api::call::<endpoint::IssueAgentKey>(&[("school_id", school.trim())], &NoQuery, &NoBody)
    });
    let issued = move || issue.value().get().and_then(Result::ok);
    let failure = move || issue.value().get().and_then(Result::err);
    view! {
        <section aria-labelledby="agent-key-heading">
            <h2 id="agent-key-heading">"MIS agent keys"</h2>
            <p class="hint">
                "Issue the key a school's MIS agent pushes extracts with. It is shown once; issuing another \
                 stops the previous key at once."
            </p>
            <form
                class="stack"
                on:submit=move |event| {
                    event.prevent_default();
                    issue.dispatch(school.get_untracked());
                }
            >
                <label for="agent-key-school">"School ID"</label>
                <input id="agent-key-school" type="text" inputmode="numeric" required bind:value=school />
                {move || failure().map(|error| view! { <ProblemAlert error /> })}
                <div class="form-buttons">
                    <button type="submit" disabled=move || issue.pending().get()>"Issue agent key"</button>
                </div>
            </form>
            {move || {
                issued()
                    .map(|key| {
                        view! {
                            <div class="secret-box" role="status">
                                <p>
                                    {format!(
                                        "Agent key {} for school {}: copy it now, it will not be shown again.",
                                        key.key_id,
                                        key.school_id,
                                    )}
                                </p>
                                <label for="agent-key-secret">"Agent key"</label>
                                <input id="agent-key-secret" type="text" readonly value=key.secret />
                                <p class="hint">{format!("The agent pushes to {}.", key.push_url)}</p>
                            </div>
                        }
                    })
            }}
        </section>
    }
}

#[component]
fn BookingsTable(
    bookings: Vec<InstallBooking>,
    mark: Action<InstallBooking, Result<(InstallBooking, gatehouse_model::InstallMarked), ApiError>>,
) -> impl IntoView {
    if bookings.is_empty() {
        return view! { <p>"No school has booked a slot yet."</p> }.into_any();
    }
    let rows = bookings
        .into_iter()
        .map(|booking| {
            let install = match booking.installed_at.as_deref() {
                Some(at) => view! { <span class="badge status-ok">"Installed"</span> " " <span class="hint">{local_time(at)}</span> }
                    .into_any(),
                None => {
                    let school = format!("booking-{}", booking.school_id);
                    let booking = booking.clone();
                    view! {
                        <button
                            type="button"
                            aria-describedby=school
                            disabled=move || mark.pending().get()
                            on:click=move |_| {
                                mark.dispatch(booking.clone());
                            }
                        >
                            "Mark installed"
                        </button>
                    }
                        .into_any()
                }
            };
            let contact = booking.contact_email.clone().map(|email| {
                let href = format!("mailto:{email}");
                view! { <br /><a href=href>{email}</a> }
            });
            let urn = if booking.urn.is_empty() { booking.school_id.clone() } else { booking.urn.clone() };
            view! {
                <tr>
                    <th scope="row">{slot_label(&booking.slot)}</th>
                    <td id=format!("booking-{}", booking.school_id)>{booking.school_name.clone()}<br /><span class="hint">"URN " {urn}</span></td>
                    <td>{booking.booked_by.clone()}{contact}</td>
                    <td>{local_time(&booking.booked_at)}</td>
                    <td>{install}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <RecordTable
            caption_id="bookings-caption"
            caption="Booked install slots"
            columns=&["Slot (UK time)", "School", "Contact", "Booked", "Install"]
        >
            {rows}
        </RecordTable>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_names_the_field_at_fault() {
        assert_eq!(offer(" ", "10:00").unwrap_err().0, "date");
        assert_eq!(offer("2026-12-02", " , ").unwrap_err().0, "times");
        let offered = offer("2026-12-02", "09:30, 13:00;14:30 ").unwrap();
        assert_eq!(offered.times, ["09:30", "13:00", "14:30"]);
    }
}
