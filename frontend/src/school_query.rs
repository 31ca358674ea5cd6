//! A school list's search, filters, sort and page as query-string pairs. The page's address and
//! the API call use the same names and values (enums by their serde names), so a shared link
//! asks the server exactly what the screen showed, and Back restores a list by re-reading it.

use gatehouse_model::{ListSchoolsQuery, SortColumn, SortDirection};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::components::page_from_query;

/// Every parameter that is set, except `view`, which the route implies. Unset and blank values
/// are left out: the server reads an empty value as a filter that matches nothing.
pub fn to_pairs(query: &ListSchoolsQuery) -> Vec<(&'static str, String)> {
    let text =
        |value: &Option<String>| value.as_deref().map(str::trim).filter(|value| !value.is_empty()).map(str::to_owned);
    let mut pairs = Vec::new();
    pairs.extend(text(&query.app).map(|app| ("app", app)));
    pairs.extend(text(&query.q).map(|q| ("q", q)));
    pairs.extend(query.status.and_then(serde_name).map(|status| ("status", status)));
    pairs.extend(text(&query.mis).map(|mis| ("mis", mis)));
    pairs.extend(query.install.and_then(serde_name).map(|install| ("install", install)));
    pairs.extend(query.gdpr.and_then(serde_name).map(|gdpr| ("gdpr", gdpr)));
    pairs.extend(query.feed.and_then(serde_name).map(|feed| ("feed", feed)));
    pairs.extend(query.revoke_pending.map(|pending| ("revoke_pending", pending.to_string())));
    pairs.extend(query.reauthorisation.map(|needed| ("reauthorisation", needed.to_string())));
    pairs.extend(query.priority.map(|priority| ("priority", priority.to_string())));
    pairs.extend(query.invitation.and_then(serde_name).map(|invitation| ("invitation", invitation)));
    pairs.extend(query.sort.and_then(serde_name).map(|sort| ("sort", sort)));
    pairs.extend(query.dir.and_then(serde_name).map(|dir| ("dir", dir)));
    pairs.extend(query.page.map(|page| ("page", page.to_string())));
    pairs.extend(query.page_size.map(|size| ("page_size", size.to_string())));
    pairs
}

/// The inverse of [`to_pairs`]. A value the server would refuse (`status=Bogus`, `page=0`) is
/// dropped rather than sent, so a mistyped link shows the unfiltered list instead of an error.
pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> ListSchoolsQuery {
    let mut query = ListSchoolsQuery::default();
    let text = |value: &str| Some(value.trim().to_owned()).filter(|value| !value.is_empty());
    for (name, value) in pairs {
        match name {
            "app" => query.app = text(value),
            "q" => query.q = text(value),
            "status" => query.status = from_serde_name(value),
            "mis" => query.mis = text(value),
            "install" => query.install = from_serde_name(value),
            "gdpr" => query.gdpr = from_serde_name(value),
            "feed" => query.feed = from_serde_name(value),
            "revoke_pending" => query.revoke_pending = value.parse().ok(),
            "reauthorisation" => query.reauthorisation = value.parse().ok(),
            "priority" => query.priority = value.parse().ok(),
            "invitation" => query.invitation = from_serde_name(value),
            "sort" => query.sort = from_serde_name(value),
            "dir" => query.dir = from_serde_name(value),
            "page" => query.page = Some(page_from_query(Some(value))),
            "page_size" => query.page_size = value.parse().ok().filter(|&size| size >= 1),
            _ => {}
        }
    }
    query
}

/// The value of one parameter, as [`to_pairs`] would write it.
pub fn param(query: &ListSchoolsQuery, name: &str) -> Option<String> {
    to_pairs(query).into_iter().find(|(key, _)| *key == name).map(|(_, value)| value)
}

/// `query` with one parameter set (or cleared by `None`), back on page 1: the page the user was
/// on may not exist in the narrower list.
pub fn with_param(query: &ListSchoolsQuery, name: &str, value: Option<&str>) -> ListSchoolsQuery {
    let pairs = to_pairs(query);
    let kept =
        pairs.iter().filter(|(key, _)| *key != name && *key != "page").map(|(key, value)| (*key, value.as_str()));
    from_pairs(kept.chain(value.map(|value| (name, value))))
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

/// What the export asks for: the view and everything that narrows or orders it, without the
/// page, as the file holds every page of the list on screen.
pub fn export_pairs(query: &ListSchoolsQuery) -> Vec<(&'static str, String)> {
    let mut pairs = vec![("view", query.view.as_str().to_owned())];
    pairs.extend(to_pairs(query).into_iter().filter(|(name, _)| !matches!(*name, "page" | "page_size")));
    pairs
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

fn from_serde_name<T: DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(Value::String(name.to_owned())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_model::{FeedStatus, GdprMode, InstallState, InvitationStatus, SchoolStatus, SchoolView};

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
        let pairs = to_pairs(query);
        from_pairs(pairs.iter().map(|(name, value)| (*name, value.as_str())))
    }

    #[test]
    fn every_parameter_is_written_with_the_servers_spelling() {
        let pairs = to_pairs(&everything());
        let pairs: Vec<_> = pairs.iter().map(|(name, value)| (*name, value.as_str())).collect();
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
        assert_eq!(to_pairs(&query), []);
        let parsed = from_pairs([
            ("status", "Bogus"),
            ("page", "0"),
            ("revoke_pending", "yes"),
            ("priority", "on"),
            ("reauthorisation", "needed"),
            ("invitation", "Sent"),
            ("colour", "red"),
        ]);
        assert_eq!(parsed, ListSchoolsQuery { page: Some(1), ..Default::default() });
    }

    #[test]
    fn search_text_is_trimmed() {
        assert_eq!(from_pairs([("q", "  castle ")]).q.as_deref(), Some("castle"));
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
    }

    #[test]
    fn clear_filters_keeps_only_the_sort() {
        let cleared = cleared(&everything());
        assert!(!filters_active(&cleared));
        assert_eq!(
            to_pairs(&cleared),
            [
                ("app", "app-1".to_owned()),
                ("sort", "month_stats".to_owned()),
                ("dir", "desc".to_owned()),
                ("page_size", "50".to_owned())
            ]
        );
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
    fn the_export_names_the_view_and_keeps_everything_but_the_page() {
        let query = ListSchoolsQuery { view: SchoolView::Pending, ..everything() };
        let pairs = export_pairs(&query);
        let names: Vec<_> = pairs.iter().map(|(name, _)| *name).collect();
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
        assert_eq!(export_pairs(&ListSchoolsQuery::default()), [("view", "active".to_owned())]);
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
