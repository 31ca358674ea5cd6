//! Step 3: the data areas. A first authorisation ticks every requested scope to start with; a
//! re-authorisation shows requested against granted and asks only about the new scopes.

use gatehouse_model::{InvitationSummary, ScopeKind, ScopeSet};
use leptos::prelude::*;

use super::{Answers, Flow, STEPS, Step, StepForm, group_problem_attrs};
use crate::components::{FieldError, ScopeChoice, StepHeading};

/// The requested scopes the school has not granted yet: what the data-areas step asks about.
pub(super) fn new_scopes(summary: &InvitationSummary) -> ScopeSet {
    summary.requested_scopes.difference(&summary.granted_scopes).copied().collect()
}

/// A first authorisation must share at least one whole data area, if the app asks for one.
fn check_scopes(requested: &ScopeSet, granted: &ScopeSet, approved: &ScopeSet) -> Result<(), &'static str> {
    let asks_for_area = requested.iter().any(|scope| scope.kind() == ScopeKind::Resource);
    let shares_area = approved.union(granted).any(|scope| scope.kind() == ScopeKind::Resource);
    if granted.is_empty() && asks_for_area && !shares_area {
        return Err("Approve at least one data area: Students, Staff, Contacts or Groups.");
    }
    Ok(())
}

/// Step 3: the data areas. A first authorisation ticks every requested scope to start with; a
/// re-authorisation shows requested against granted and asks only about the new scopes.
#[component]
pub(super) fn ScopesStep(summary: StoredValue<InvitationSummary>, answers: Answers, flow: Flow) -> impl IntoView {
    let (app, requested, granted) =
        summary.with_value(|s| (s.app_name.clone(), s.requested_scopes.clone(), s.granted_scopes.clone()));
    let asked: ScopeSet = requested.difference(&granted).copied().collect();
    let reauthorising = !granted.is_empty();
    let problem = flow.problem("approved_scopes");
    let (described, invalid) = group_problem_attrs(problem, "approved-scopes-error");
    let boxes = asked
        .iter()
        .map(|&scope| view! { <ScopeChoice scope chosen=answers.approved on_change=flow.edited /> })
        .collect_view();
    let next = {
        let (requested, granted) = (requested.clone(), granted.clone());
        move || match check_scopes(&requested, &granted, &answers.approved.get_untracked()) {
            Ok(()) => flow.go(Step::Gdpr),
            Err(text) => flow.invalid.set(Some(("approved_scopes", text.to_owned()))),
        }
    };
    let heading = if reauthorising {
        format!("{app} asks for more data: approve all, some or none")
    } else {
        format!("Which data may {app} read?")
    };
    let intro = if reauthorising {
        format!(
            "What {app} requests, against what your school granted before. What was granted stays granted; \
             tick the new requests you approve, or none."
        )
    } else {
        format!(
            "{app} asks for the data areas below. Untick any you do not want to share; at least one of \
             Students, Staff, Contacts or Groups is needed."
        )
    };
    let comparison = reauthorising.then(|| view! { <ScopeComparison app=app.clone() requested granted /> });
    let legend = if reauthorising { "New requests" } else { "Data areas requested" };
    let nothing_new = asked.is_empty().then(|| view! { <p>"Nothing new is requested."</p> });
    view! {
        <StepForm flow back=Step::Mis next>
            <StepHeading step=3 of=STEPS.len() title=heading />
            <p class="hint">{intro}</p>
            {comparison}
            <fieldset class="scopes-asked" aria-describedby=described aria-invalid=invalid>
                <legend>{legend}</legend>
                {nothing_new}
                <div class="scope-grid">{boxes}</div>
            </fieldset>
            {move || problem.get().map(|problem| view! { <FieldError id="approved-scopes-error" problem /> })}
        </StepForm>
    }
}

/// Requested against granted, side by side, for a re-authorisation.
#[component]
fn ScopeComparison(app: String, requested: ScopeSet, granted: ScopeSet) -> impl IntoView {
    let rows = requested
        .union(&granted)
        .map(|&scope| {
            let (asked, has) = (requested.contains(&scope), granted.contains(&scope));
            let status = match (asked, has) {
                (_, true) => ("grant granted", "Granted"),
                (true, false) => ("grant awaiting", "New request"),
                (false, false) => ("grant", "–"),
            };
            view! {
                <tr>
                    <th scope="row">
                        <span class="scope-label">{scope.label()}</span>
                        " "
                        <span class="scope-description">{scope.description()}</span>
                    </th>
                    <td>{if asked { "Requested" } else { "No longer requested" }}</td>
                    <td class=status.0>{status.1}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="scopes compare">
            <caption class="visually-hidden">{format!("What {app} requests and what your school granted")}</caption>
            <thead>
                <tr>
                    <th scope="col">"Data area"</th>
                    <th scope="col">{format!("Requested by {app}")}</th>
                    <th scope="col">"Granted now"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_model::{InvitationState, Scope};

    #[test]
    fn a_first_authorisation_shares_at_least_one_data_area() {
        let requested = ScopeSet::from([Scope::Students, Scope::Groups, Scope::Traveller]);
        let none = ScopeSet::new();
        assert!(check_scopes(&requested, &none, &ScopeSet::from([Scope::Traveller])).is_err());
        assert!(check_scopes(&requested, &none, &none).is_err());
        assert!(check_scopes(&requested, &none, &ScopeSet::from([Scope::Groups])).is_ok());
    }

    #[test]
    fn a_re_authorisation_may_approve_none_of_the_new_scopes() {
        let requested = ScopeSet::from([Scope::Students, Scope::Traveller]);
        assert!(check_scopes(&requested, &ScopeSet::from([Scope::Students]), &ScopeSet::new()).is_ok());
    }

    #[test]
    fn the_new_scopes_are_those_requested_and_not_granted() {
        let summary = InvitationSummary {
            school_name: "Brookside Infant School".to_owned(),
            partner_name: "Demo Partner Ltd".to_owned(),
            app_name: "Demo Timetabler".to_owned(),
            contact_name: "Bea Bursar".to_owned(),
            requested_scopes: ScopeSet::from([Scope::Students, Scope::Traveller]),
            granted_scopes: ScopeSet::from([Scope::Students, Scope::Groups]),
            mis: None,
            state: InvitationState::Open,
            receipt: None,
            expires_at: "2026-01-01T00:00:00Z".to_owned(),
        };
        assert_eq!(new_scopes(&summary), ScopeSet::from([Scope::Traveller]));
    }
}
