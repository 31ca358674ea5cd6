//! Pieces shared by the screens.

mod app_choice;
mod explain_form;
mod filter_bar;
mod focus;
mod header;
mod pager;
mod portal_header;
mod problem_alert;
mod school_actions;
mod school_tile;
mod schools_table;
mod wizard;

pub use app_choice::AppChoice;
pub use explain_form::ExplainForm;
pub use filter_bar::{ClearFilters, Filter, FilterBar};
pub use focus::focus_first;
pub use header::Header;
pub use pager::{Pager, Paging, page_from_query};
pub use portal_header::PortalHeader;
pub use problem_alert::{InputProblem, ProblemAlert, names_field, problem_alerts, problem_for, problem_unclaimed};
pub use school_tile::SchoolTile;
pub use schools_table::{SchoolsTable, Sorting, invitation_class};
pub use wizard::{FieldError, FieldProblem, Invalid, StepHeading, StepList, TextField, described_by, field_problem};
