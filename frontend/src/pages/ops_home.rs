//! The operations console (O1): `/ops`, the home with a line per section.

use leptos::prelude::*;

use crate::app::{OPS_SECTIONS, set_title};
use crate::components::OpsFrame;

#[component]
pub fn OpsHome() -> impl IntoView {
    set_title("Operations console");
    let sections = OPS_SECTIONS
        .iter()
        .skip(1)
        .map(|&(name, href)| {
            let about = match href {
                "/ops/cases" => "Answer partners' support cases: escalated first, then the longest waiting.",
                "/ops/verifications" => {
                    "Verify the authority of people who authorised for a school nothing vouched for."
                }
                "/ops/bookings" => "Offer install slots, see which schools booked one and mark installs done.",
                "/ops/partners" => "Create a partner organisation with its first admin and app.",
                "/ops/directory" => "Import the register of schools, search it and correct an entry.",
                "/ops/international" => "Accept or decline requests for schools outside England and Wales.",
                _ => "",
            };
            view! {
                <li>
                    <a href=href>{name}</a>
                    <p class="hint">{about}</p>
                </li>
            }
        })
        .collect_view();
    view! {
        <OpsFrame>
            <h1>"Operations console"</h1>
            <ul class="console-sections">{sections}</ul>
        </OpsFrame>
    }
}
