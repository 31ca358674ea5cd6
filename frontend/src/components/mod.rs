//! Pieces shared by the screens, and the frame each portal's screens sit in.

mod action_message;
mod app_choice;
mod app_page;
mod case_page;
mod checked_field;
mod confirm_box;
mod decision_reason;
mod email_bounce;
mod explain_form;
mod fact_list;
mod filter_bar;
mod focus;
mod link_token;
mod loading;
mod ops_frame;
mod pager;
mod partner_frame;
mod people_search;
mod portal_frame;
mod portal_header;
mod problem_alert;
mod radio_choices;
mod record_table;
mod row_button;
mod school_actions;
mod school_frame;
mod school_tile;
mod schools_table;
mod scope_choice;
mod search_form;
mod team_role;
mod wizard;

pub use action_message::{ActionMessage, ActionStatus};
pub use app_choice::AppChoice;
pub use app_page::{AppPage, ForApp};
pub use case_page::{CaseHeading, CasePage, CaseTextForm, Draft, case_facts, conversation};
pub use checked_field::{CheckedField, CheckedForm, Missing, when_valid};
pub use confirm_box::ConfirmBox;
pub use decision_reason::DecisionReason;
pub use email_bounce::EmailBounceNote;
pub use explain_form::{ExplainForm, reason_label};
pub use fact_list::fact_entries;
pub use filter_bar::{ClearFilters, Filter, FilterBar};
pub use focus::{focus_first, focused_on_load};
pub use link_token::take_token_from_address_bar;
pub use loading::Loading;
pub use ops_frame::{OpsFrame, OpsSession};
pub use pager::{Pager, Paging, page_from_query};
pub use partner_frame::{PartnerFrame, PartnerSession};
pub use people_search::PeopleSearch;
pub use portal_frame::{PortalFrame, PortalUser, Session};
pub use portal_header::PortalHeader;
pub use problem_alert::{InputProblem, ProblemAlert, names_field, problem_alerts, problem_for, problem_unclaimed};
pub use radio_choices::RadioChoices;
pub use record_table::{RecordTable, TableHead};
pub use row_button::RowButton;
pub use school_frame::{AdminOnlyNote, SchoolFrame, SchoolSession};
pub use school_tile::SchoolTile;
pub use schools_table::{SchoolsTable, Sorting, invitation_class};
pub use scope_choice::ScopeChoice;
pub use search_form::SearchForm;
pub use team_role::{RoleSelect, with_article};
pub use wizard::{
    ContactAnswers, ContactFields, FieldError, FieldProblem, Invalid, LabelAndHint, StepHeading, StepList, TextField,
    WizardFlow, clear_problems_on_edit, contact_input, described_by, field_problem,
};
