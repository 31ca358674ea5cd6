//! Pieces shared by the screens.

mod header;
mod pager;
mod problem_alert;
mod schools_table;

pub use header::Header;
pub use pager::{Pager, Paging, page_from_query};
pub use problem_alert::{ProblemAlert, problem_alerts};
pub use schools_table::{ACTIVE_COLUMNS, SchoolsTable};
