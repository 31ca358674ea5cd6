//! Pieces shared by the screens, and the frame each portal's screens sit in.

mod app_choice;
mod app_page;
mod decision_reason;
mod explain_form;
mod filter_bar;
mod focus;
mod header;
mod link_token;
mod ops_frame;
mod pager;
mod partner_frame;
mod portal_header;
mod problem_alert;
mod school_actions;
mod school_frame;
mod school_tile;
mod schools_table;
mod wizard;

pub use app_choice::AppChoice;
pub use app_page::{AppPage, ForApp};
pub use decision_reason::DecisionReason;
pub use explain_form::ExplainForm;
pub use filter_bar::{ClearFilters, Filter, FilterBar};
pub use focus::focus_first;
pub use header::Header;
pub use link_token::take_token_from_address_bar;
pub use ops_frame::OpsFrame;
pub use pager::{Pager, Paging, page_from_query};
pub use partner_frame::{PartnerFrame, PartnerSession};
pub use portal_header::PortalHeader;
pub use problem_alert::{InputProblem, ProblemAlert, names_field, problem_alerts, problem_for, problem_unclaimed};
pub use school_frame::{AdminOnlyNote, SchoolFrame, SchoolSession};
pub use school_tile::SchoolTile;
pub use schools_table::{SchoolsTable, Sorting, invitation_class};
pub use wizard::{FieldError, FieldProblem, Invalid, StepHeading, StepList, TextField, described_by, field_problem};
