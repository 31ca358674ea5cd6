//! A school list's search, filters, sort and page as a query string. The page's address, the API
//! call and the export link use the same names and values (enums by their serde names), so a
//! shared link asks the server exactly what the screen showed, and Back restores a list by
//! re-reading it. `serde_urlencoded` does the encoding, as the server's `Query` extractor does the
//! decoding; this module only says which parameters there are and how leniently each is read.

use gatehouse_model::{
    FeedStatus, GdprMode, InstallState, InvitationStatus, ListSchoolsQuery, SchoolStatus, SchoolView, SortColumn,
    SortDirection,
};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::components::page_from_query;

/// The parameters as the address and the API spell them, in the order they are written. Unset
/// values are left out (`serde_urlencoded` skips `None`), and blank ones never get here: the
/// server reads an empty value as a filter that matches nothing. Each value is read on its own,
/// and one the server would refuse (`status=Bogus`, `page=0`) is dropped rather than sent, so a
/// mistyped link shows the unfiltered list instead of an error.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Params {
    /// The API and the export name the view; in the page's address the route implies it.
    #[serde(skip_deserializing)]
    view: Option<SchoolView>,
    #[serde(default, deserialize_with = "text")]
    app: Option<String>,
    #[serde(default, deserialize_with = "text")]
    q: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    status: Option<SchoolStatus>,
    #[serde(default, deserialize_with = "text")]
    mis: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    install: Option<InstallState>,
    #[serde(default, deserialize_with = "lenient")]
    gdpr: Option<GdprMode>,
    #[serde(default, deserialize_with = "lenient")]
    feed: Option<FeedStatus>,
    #[serde(default, deserialize_with = "lenient")]
    revoke_pending: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    reauthorisation: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    priority: Option<bool>,
    #[serde(default, deserialize_with = "lenient")]
    invitation: Option<InvitationStatus>,
    #[serde(default, deserialize_with = "lenient")]
    sort: Option<SortColumn>,
    #[serde(default, deserialize_with = "lenient")]
    dir: Option<SortDirection>,
    #[serde(default, deserialize_with = "page")]
    page: Option<u32>,
    #[serde(default, deserialize_with = "page_size")]
    page_size: Option<u32>,
}

impl Params {
    fn of(query: &ListSchoolsQuery) -> Params {
        let text = |value: &Option<String>| {
            value.as_deref().map(str::trim).filter(|value| !value.is_empty()).map(str::to_owned)
        };
        Params {
            view: None,
            app: text(&query.app),
            q: text(&query.q),
            status: query.status,
            mis: text(&query.mis),
            install: query.install,
            gdpr: query.gdpr,
            feed: query.feed,
            revoke_pending: query.revoke_pending,
            reauthorisation: query.reauthorisation,
            priority: query.priority,
            invitation: query.invitation,
            sort: query.sort,
            dir: query.dir,
            page: query.page,
            page_size: query.page_size,
        }
    }

    fn into_query(self, view: SchoolView) -> ListSchoolsQuery {
        ListSchoolsQuery {
            view,
            app: self.app,
            page: self.page,
            page_size: self.page_size,
            q: self.q,
            status: self.status,
            mis: self.mis,
            install: self.install,
            gdpr: self.gdpr,
            feed: self.feed,
            revoke_pending: self.revoke_pending,
            reauthorisation: self.reauthorisation,
            priority: self.priority,
            invitation: self.invitation,
            sort: self.sort,
            dir: self.dir,
        }
    }
}

/// Search text and names, trimmed; blank is unset.
fn text<'de, D: Deserializer<'de>>(value: D) -> Result<Option<String>, D::Error> {
    let value = String::deserialize(value)?;
    Ok(Some(value.trim().to_owned()).filter(|value| !value.is_empty()))
}

/// Any other value: unset when it does not parse.
fn lenient<'de, D: Deserializer<'de>, T: Deserialize<'de>>(value: D) -> Result<Option<T>, D::Error> {
    Ok(T::deserialize(value).ok())
}

/// A page number that is not a positive number means page 1, as the pager reads it.
fn page<'de, D: Deserializer<'de>>(value: D) -> Result<Option<u32>, D::Error> {
    let value = String::deserialize(value)?;
    Ok(Some(page_from_query(Some(&value))))
}

fn page_size<'de, D: Deserializer<'de>>(value: D) -> Result<Option<u32>, D::Error> {
    Ok(u32::deserialize(value).ok().filter(|&size| size >= 1))
}

/// Only flat structs and lists of string pairs are encoded here, which `serde_urlencoded` never
/// refuses; were it to, an empty query asks for the unfiltered list.
pub fn encode(params: &impl Serialize) -> String {
    serde_urlencoded::to_string(params).unwrap_or_default()
}

/// The list's parameters as the page's address writes them, `view` aside.
fn pairs(query: &ListSchoolsQuery) -> Vec<(String, String)> {
    serde_urlencoded::from_str(&to_query_string(query)).unwrap_or_default()
}

/// The page's query string, without the `?`: every parameter that is set, except `view`, which
/// the route implies.
pub fn to_query_string(query: &ListSchoolsQuery) -> String {
    encode(&Params::of(query))
}

/// The inverse of [`to_query_string`], for the list the route names. A string that is not a
/// query at all (a parameter given twice, say) reads as the unfiltered list.
pub fn from_query_string(search: &str, view: SchoolView) -> ListSchoolsQuery {
    let search = search.strip_prefix('?').unwrap_or(search);
    serde_urlencoded::from_str::<Params>(search).unwrap_or_default().into_query(view)
}

/// The page's address after the path: `query`, then `extra` (the open tile), or nothing at all.
pub fn address_search(query: &ListSchoolsQuery, extra: Option<(&str, String)>) -> String {
    let mut pairs = pairs(query);
    pairs.extend(extra.map(|(name, value)| (name.to_owned(), value)));
    if pairs.is_empty() { String::new() } else { format!("?{}", encode(&pairs)) }
}

/// What the list API asks: the view, then every parameter that is set.
pub fn api_query_string(query: &ListSchoolsQuery) -> String {
    encode(&Params { view: Some(query.view), ..Params::of(query) })
}

/// What the export asks for: the view and everything that narrows or orders it, without the
/// page, as the file holds every page of the list on screen.
pub fn export_query_string(query: &ListSchoolsQuery) -> String {
    encode(&Params { view: Some(query.view), page: None, page_size: None, ..Params::of(query) })
}

/// The value of one parameter, as the address writes it.
pub fn param(query: &ListSchoolsQuery, name: &str) -> Option<String> {
    pairs(query).into_iter().find(|(key, _)| key == name).map(|(_, value)| value)
}

/// `query` with one parameter set (or cleared by `None`), back on page 1: the page the user was
/// on may not exist in the narrower list.
pub fn with_param(query: &ListSchoolsQuery, name: &str, value: Option<&str>) -> ListSchoolsQuery {
    let mut pairs: Vec<(String, String)> =
        pairs(query).into_iter().filter(|(key, _)| key != name && key != "page").collect();
    pairs.extend(value.map(|value| (name.to_owned(), value.to_owned())));
    from_query_string(&encode(&pairs), query.view)
}

/// Whether the search or any filter narrows the list; sorting and paging do not.
pub fn filters_active(query: &ListSchoolsQuery) -> bool {
    query.q.as_deref().is_some_and(|q| !q.trim().is_empty())
        || query.status.is_some()
        || query.mis.as_deref().is_some_and(|mis| !mis.trim().is_empty())
        || query.install.is_some()
        || query.gdpr.is_some()
        || query.feed.is_some()
        || query.revoke_pending.is_some()
        || query.reauthorisation.is_some()
        || query.priority.is_some()
        || query.invitation.is_some()
}

/// "Clear Filters": the search and every filter go; the sort stays, since it narrows nothing.
pub fn cleared(query: &ListSchoolsQuery) -> ListSchoolsQuery {
    ListSchoolsQuery {
        view: query.view,
        app: query.app.clone(),
        page_size: query.page_size,
        sort: query.sort,
        dir: query.dir,
        ..Default::default()
    }
}

/// The sort in force, with the server's default (school name, ascending) spelled out.
pub fn sort_of(query: &ListSchoolsQuery) -> (SortColumn, SortDirection) {
    (query.sort.unwrap_or_default(), query.dir.unwrap_or_default())
}

/// A click on a column heading: ascending by that column, or the other way round when it is
/// already the sort. Back to page 1, as the rows on page 3 are now different rows.
pub fn sorted_by(query: &ListSchoolsQuery, column: SortColumn) -> ListSchoolsQuery {
    let dir = match sort_of(query) {
        (current, SortDirection::Asc) if current == column => SortDirection::Desc,
        _ => SortDirection::Asc,
    };
    ListSchoolsQuery { sort: Some(column), dir: Some(dir), page: None, ..query.clone() }
}

/// The name serde gives an enum variant (`Not Installed`, `month_stats`): the server parses
/// the query string with serde, so these are the only spellings it accepts.
pub fn serde_name<T: Serialize>(value: T) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(Value::String(name)) => Some(name),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;

    use super::*;

    /// The inverse of [`serde_name`]: every spelling it gives reads back.
    fn from_serde_name<T: DeserializeOwned>(name: &str) -> Option<T> {
        serde_json::from_value(Value::String(name.to_owned())).ok()
    }

    fn everything() -> ListSchoolsQuery {
        ListSchoolsQuery {
            view: SchoolView::Active,
            app: Some("app-1".to_owned()),
            page: Some(3),
            page_size: Some(50),
            q: Some("castle".to_owned()),
            status: Some(SchoolStatus::NotInstalled),
            mis: Some("Not detected".to_owned()),
            install: Some(InstallState::OnboardingQueue),
            gdpr: Some(GdprMode::IncludeAll),
            feed: Some(FeedStatus::Paused),
            revoke_pending: Some(false),
            reauthorisation: Some(true),
            priority: Some(true),
            invitation: Some(InvitationStatus::InvitationSent),
            sort: Some(SortColumn::MonthStats),
            dir: Some(SortDirection::Desc),
        }
    }

    fn round_trip(query: &ListSchoolsQuery) -> ListSchoolsQuery {
        from_query_string(&to_query_string(query), query.view)
    }

    #[test]
    fn every_parameter_is_written_with_the_servers_spelling() {
        let pairs = pairs(&everything());
        let pairs: Vec<_> = pairs.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("app", "app-1"),
                ("q", "castle"),
                ("status", "Not Installed"),
                ("mis", "Not detected"),
                ("install", "Onboarding Queue"),
                ("gdpr", "Include All"),
                ("feed", "Paused"),
                ("revoke_pending", "false"),
                ("reauthorisation", "true"),
                ("priority", "true"),
                ("invitation", "Invitation Sent"),
                ("sort", "month_stats"),
                ("dir", "desc"),
                ("page", "3"),
                ("page_size", "50"),
            ]
        );
    }

    #[test]
    fn the_address_is_form_encoded_in_the_same_order() {
        assert_eq!(
            to_query_string(&everything()),
            "app=app-1&q=castle&status=Not+Installed&mis=Not+detected&install=Onboarding+Queue\
             &gdpr=Include+All&feed=Paused&revoke_pending=false&reauthorisation=true&priority=true\
             &invitation=Invitation+Sent&sort=month_stats&dir=desc&page=3&page_size=50"
        );
        assert_eq!(to_query_string(&ListSchoolsQuery::default()), "");
    }

    #[test]
    fn the_address_reads_back_either_spelling_of_a_space() {
        // Links written before the codec used `%20`; browsers and the router read both.
        let read = from_query_string("?status=Not%20Installed&q=St%20Mary%27s", SchoolView::Pending);
        assert_eq!(read.status, Some(SchoolStatus::NotInstalled));
        assert_eq!(read.q.as_deref(), Some("St Mary's"));
        assert_eq!(read.view, SchoolView::Pending);
        assert_eq!(
            from_query_string("status=Not+Installed", SchoolView::Active).status,
            Some(SchoolStatus::NotInstalled)
        );
    }

    #[test]
    fn the_open_tile_follows_the_query_in_the_address() {
        let query = ListSchoolsQuery { status: Some(SchoolStatus::Error), ..Default::default() };
        assert_eq!(address_search(&query, Some(("school", "3280001".to_owned()))), "?status=Error&school=3280001");
        assert_eq!(address_search(&query, None), "?status=Error");
        assert_eq!(address_search(&ListSchoolsQuery::default(), None), "");
        let tile_only = from_query_string("school=3280001", SchoolView::Active);
        assert_eq!(tile_only, ListSchoolsQuery::default());
    }

    #[test]
    fn every_parameter_survives_the_round_trip() {
        assert_eq!(round_trip(&everything()), everything());
        assert_eq!(round_trip(&ListSchoolsQuery::default()), ListSchoolsQuery::default());
    }

    #[test]
    fn every_value_of_every_enum_survives_the_round_trip() {
        for status in SchoolStatus::ALL {
            let query = ListSchoolsQuery { status: Some(status), ..Default::default() };
            assert_eq!(param(&query, "status").as_deref(), Some(status.label()));
            assert_eq!(round_trip(&query), query);
            assert_eq!(serde_name(status).and_then(|name| from_serde_name(&name)), Some(status));
        }
        for install in InstallState::ALL {
            let query = ListSchoolsQuery { install: Some(install), ..Default::default() };
            assert_eq!(param(&query, "install").as_deref(), Some(install.label()));
            assert_eq!(round_trip(&query), query);
        }
        for gdpr in GdprMode::ALL {
            let query = ListSchoolsQuery { gdpr: Some(gdpr), ..Default::default() };
            assert_eq!(round_trip(&query), query);
        }
        for feed in FeedStatus::ALL {
            let query = ListSchoolsQuery { feed: Some(feed), ..Default::default() };
            assert_eq!(round_trip(&query), query);
        }
        for pending in [true, false] {
            let query = ListSchoolsQuery { revoke_pending: Some(pending), ..Default::default() };
            assert_eq!(round_trip(&query), query);
            let query = ListSchoolsQuery { priority: Some(pending), ..Default::default() };
            assert_eq!(round_trip(&query), query);
            let query = ListSchoolsQuery { reauthorisation: Some(pending), ..Default::default() };
            assert_eq!(round_trip(&query), query);
        }
        for invitation in InvitationStatus::ALL {
            let query = ListSchoolsQuery { invitation: Some(invitation), ..Default::default() };
            assert_eq!(param(&query, "invitation").as_deref(), Some(invitation.label()));
            assert_eq!(round_trip(&query), query);
        }
        for dir in [SortDirection::Asc, SortDirection::Desc] {
            let query = ListSchoolsQuery { dir: Some(dir), ..Default::default() };
            assert_eq!(round_trip(&query), query);
        }
    }

    #[test]
    fn every_sort_column_survives_the_round_trip() {
        let views = [SchoolView::Active, SchoolView::Pending, SchoolView::Revoked];
        for column in views.into_iter().flat_map(gatehouse_model::columns).filter_map(|column| column.sort) {
            let query = ListSchoolsQuery { sort: Some(column), ..Default::default() };
            assert_eq!(round_trip(&query), query, "{column:?}");
        }
    }

    #[test]
    fn blank_and_unknown_values_are_left_out() {
        let query = ListSchoolsQuery { q: Some("  ".to_owned()), mis: Some(String::new()), ..Default::default() };
        assert_eq!(to_query_string(&query), "");
        let parsed = from_query_string(
            "status=Bogus&page=0&revoke_pending=yes&priority=on&reauthorisation=needed&invitation=Sent&colour=red\
             &page_size=0&q=&view=revoked",
            SchoolView::Active,
        );
        assert_eq!(parsed, ListSchoolsQuery { page: Some(1), ..Default::default() });
    }

    #[test]
    fn search_text_is_trimmed() {
        assert_eq!(from_query_string("q=++castle+", SchoolView::Active).q.as_deref(), Some("castle"));
        assert_eq!(
            param(&ListSchoolsQuery { q: Some(" castle ".to_owned()), ..Default::default() }, "q").as_deref(),
            Some("castle")
        );
    }

    #[test]
    fn changing_a_filter_goes_back_to_page_one_and_keeps_the_rest() {
        let changed = with_param(&everything(), "status", Some("Error"));
        assert_eq!(changed, ListSchoolsQuery { status: Some(SchoolStatus::Error), page: None, ..everything() });
        let cleared_one = with_param(&everything(), "mis", None);
        assert_eq!(cleared_one, ListSchoolsQuery { mis: None, page: None, ..everything() });
        let pending = ListSchoolsQuery { view: SchoolView::Pending, ..Default::default() };
        assert_eq!(with_param(&pending, "priority", Some("true")).view, SchoolView::Pending);
    }

    #[test]
    fn clear_filters_keeps_only_the_sort() {
        let cleared = cleared(&everything());
        assert!(!filters_active(&cleared));
        assert_eq!(to_query_string(&cleared), "app=app-1&sort=month_stats&dir=desc&page_size=50");
    }

    #[test]
    fn sorting_and_paging_are_not_filters() {
        let query = ListSchoolsQuery { sort: Some(SortColumn::Mis), page: Some(2), ..Default::default() };
        assert!(!filters_active(&query));
        assert!(filters_active(&ListSchoolsQuery { revoke_pending: Some(false), ..Default::default() }));
        assert!(filters_active(&ListSchoolsQuery { priority: Some(true), ..Default::default() }));
        assert!(filters_active(&ListSchoolsQuery { reauthorisation: Some(true), ..Default::default() }));
        assert!(filters_active(&ListSchoolsQuery {
            invitation: Some(InvitationStatus::ReadyToAuthorise),
            ..Default::default()
        }));
    }

    #[test]
    fn the_api_is_asked_for_the_view_and_what_is_set() {
        let query = ListSchoolsQuery {
            view: SchoolView::Active,
            page: Some(2),
            page_size: Some(50),
            status: Some(SchoolStatus::Error),
            q: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(api_query_string(&query), "view=active&status=Error&page=2&page_size=50");
        let query = ListSchoolsQuery { view: SchoolView::Revoked, app: Some("app-1".to_owned()), ..Default::default() };
        assert_eq!(api_query_string(&query), "view=revoked&app=app-1");
    }

    #[test]
    fn the_export_names_the_view_and_keeps_everything_but_the_page() {
        let query = ListSchoolsQuery { view: SchoolView::Pending, ..everything() };
        let export = export_query_string(&query);
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&export).unwrap();
        let names: Vec<_> = pairs.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "view",
                "app",
                "q",
                "status",
                "mis",
                "install",
                "gdpr",
                "feed",
                "revoke_pending",
                "reauthorisation",
                "priority",
                "invitation",
                "sort",
                "dir"
            ]
        );
        assert_eq!(pairs[0].1, "pending");
        assert_eq!(export_query_string(&ListSchoolsQuery::default()), "view=active");
    }

    #[test]
    fn a_heading_sorts_ascending_then_toggles() {
        let unsorted = ListSchoolsQuery { page: Some(2), ..Default::default() };
        let once = sorted_by(&unsorted, SortColumn::MonthStats);
        assert_eq!((sort_of(&once), once.page), ((SortColumn::MonthStats, SortDirection::Asc), None));
        let twice = sorted_by(&once, SortColumn::MonthStats);
        assert_eq!(sort_of(&twice), (SortColumn::MonthStats, SortDirection::Desc));
        assert_eq!(sort_of(&sorted_by(&twice, SortColumn::MonthStats)), (SortColumn::MonthStats, SortDirection::Asc));
        assert_eq!(sort_of(&sorted_by(&twice, SortColumn::Mis)), (SortColumn::Mis, SortDirection::Asc));
    }

    #[test]
    fn the_default_sort_is_by_name_so_its_heading_toggles_first_click() {
        assert_eq!(sort_of(&ListSchoolsQuery::default()), (SortColumn::Name, SortDirection::Asc));
        assert_eq!(sort_of(&sorted_by(&ListSchoolsQuery::default(), SortColumn::Name)).1, SortDirection::Desc);
    }
}
