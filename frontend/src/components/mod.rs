//! Pieces shared by the screens.

mod filter_bar;
mod header;
mod pager;
mod problem_alert;
mod schools_table;

pub use filter_bar::{ClearFilters, Filter, FilterBar};
pub use header::Header;
pub use pager::{Pager, Paging, page_from_query};
pub use problem_alert::{ProblemAlert, problem_alerts};
pub use schools_table::{SchoolsTable, Sorting, invitation_class};
